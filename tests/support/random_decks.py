"""Random decks full of markup, built, imported into a real Anki collection and rendered by Anki.

Markup of every kind a card meets: HTML, Anki's `[…]` tags, MathJax delimiters,
cloze braces and colons, bidi controls, and the characters they are made of.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from quotedeck.pipeline import build
from tests.support.anki_collection import cards, fresh_collection, import_apkg, render
from tests.support.card_text import ANKI_MARKUP
from tests.support.sources import write_source

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


FIELDS = ("term", "also", "definition", "extra", "hint", "title", "author", "question", "answer", "before", "after")
TYPED = st.fixed_dictionaries(dict.fromkeys(FIELDS, MARKUP))


@dataclass(frozen=True)
class RenderedCard:
    card_id: str  # "term" or "question"
    question: str  # Anki's card.question(): its <style>, then the front
    answer: str
    sounds: int  # what Anki's renderer found to play on either side


def quote_of(typed: dict[str, str]) -> str:
    return f"Start {typed['before']} alpha {typed['after']} end"


def render_random_deck(typed: dict[str, str]) -> list[RenderedCard]:
    """A term card and a question card made of `typed`, built, imported and rendered by Anki."""
    quote = quote_of(typed)
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
            rendered = []
            for card in cards(col):
                output = card.render_output(reload=True)
                sounds = len(output.question_av_tags) + len(output.answer_av_tags)
                rendered.append(RenderedCard(card.note()["Id"], *render(card), sounds))
    assert len(rendered) == 2
    return rendered


def expected_texts(typed: dict[str, str], card_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """The text of each part of the card's front and back: what was typed."""
    quote = quote_of(typed)
    source_line = f"{typed['author']}, “{typed['title']}”, paragraph 2"
    if card_id == "term":
        front = {"qd-quote": quote.replace("alpha", f"[{typed['hint']}]"), "qd-clue": typed["definition"]}
        back = {
            "qd-quote": quote,
            "qd-term-name": typed["term"],
            "qd-also": typed["also"],
            "qd-definition": typed["definition"],
            "qd-extra": typed["extra"],
            "qd-source": source_line,
        }
    else:
        front = {"qd-prompt": typed["question"], "qd-quote": quote.replace("alpha", "[...]")}
        back = {
            "qd-prompt": typed["question"],
            "qd-quote": quote,
            "qd-definition": typed["answer"],
            "qd-source": source_line,
        }
    return front, back
