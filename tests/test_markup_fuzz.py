"""Random decks full of markup: every card Anki renders shows exactly what was typed, and nothing acts.

Markup of every kind a card meets: HTML, Anki's `[…]` tags, MathJax delimiters,
cloze braces and colons, bidi controls, and the characters they are made of.
Each example is a whole deck, built, imported into a real Anki collection and
rendered by Anki's own renderer, so examples are few.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotedeck.pipeline import build
from tests.anki_collection import cards, fresh_collection, import_apkg, render
from tests.card_text import ANKI_MARKUP, live_markup, read_page
from tests.sources import write_source

TOKENS = (
    *ANKI_MARKUP,
    *r"[]\(){}<>&:$;#/'\"=!",
    r"\\",
    r"\begin{equation}",
    r"\ref{a}",
    r"\href{javascript:alert(1)}{x}",
    "$$",
    "{{",
    "}}",
    "::",
    "&amp;",
    "&#91;",
    "&#92;(",
    "<br>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>",
    "image-occlusion:",
    "[...]",
    "c1",
    # Bidi controls: embeddings, overrides, isolates, marks.
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
)
# Runs of markup, joined with or without spaces; never the cloze word `alpha`.
MARKUP = st.tuples(
    st.lists(
        st.one_of(st.sampled_from(TOKENS), st.text(alphabet="bxyz[]\\(){}<>&:$", min_size=1, max_size=5)),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["", " "]),
).map(lambda drawn: drawn[1].join(drawn[0]))


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {
            name: MARKUP
            for name in (
                "term",
                "also",
                "definition",
                "extra",
                "hint",
                "title",
                "author",
                "question",
                "answer",
                "before",
                "after",
            )
        }
    )
)
def test_every_card_shows_the_typed_markup_as_text(typed: dict[str, str]) -> None:
    quote = f"Start {typed['before']} alpha {typed['after']} end"
    q = {name: json.dumps(value) for name, value in {**typed, "quote": quote}.items()}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = write_source(
            root,
            cards=f"""\
            source:
              text: texts/sample.txt
              title: {q["title"]}
              author: {q["author"]}
            cards:
              - term: {q["term"]}
                id: term
                also: [{q["also"]}]
                definition: {q["definition"]}
                extra: {q["extra"]}
                quote: {q["quote"]}
                cloze: [{{phrase: alpha, hint: {q["hint"]}}}]
              - question: {q["question"]}
                id: question
                answer: {q["answer"]}
                quote: {q["quote"]}
                cloze: alpha
            """,
            texts={"sample.txt": f"Intro.\n\n{quote}\n"},
        )
        report = build(source)
        with fresh_collection(root) as col:
            assert import_apkg(col, report.output).counts() == {"new": 2}
            rendered = [(card.note()["Id"], card.render_output(reload=True), *render(card)) for card in cards(col)]
    assert len(rendered) == 2
    source_line = f"{typed['author']}, “{typed['title']}”, paragraph 2"
    for card_id, output, question, answer in rendered:
        assert not output.question_av_tags and not output.answer_av_tags
        assert live_markup(question) == [] and live_markup(answer) == []
        front, back = read_page(question).texts, read_page(answer).texts
        if card_id == "term":
            assert front == {"qd-quote": quote.replace("alpha", f"[{typed['hint']}]"), "qd-clue": typed["definition"]}
            assert back == {
                "qd-quote": quote,
                "qd-term-name": typed["term"],
                "qd-also": typed["also"],
                "qd-definition": typed["definition"],
                "qd-extra": typed["extra"],
                "qd-source": source_line,
            }
        else:
            assert front == {"qd-prompt": typed["question"], "qd-quote": quote.replace("alpha", "[...]")}
            assert back == {
                "qd-prompt": typed["question"],
                "qd-quote": quote,
                "qd-definition": typed["answer"],
                "qd-source": source_line,
            }
