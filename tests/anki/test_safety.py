"""What a curator types is text on the card, in Anki itself: never markup, never cloze syntax."""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from quotedeck.pipeline import build
from tests.support.anki_collection import cards, fresh_collection, import_apkg, render
from tests.support.card_text import ANKI_MARKUP, live_markup, read_page
from tests.support.sources import write_source

HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> AT&T &amp; a < b {{c9::gotcha}}'

TEXT = f"""\
The manual says: {HOSTILE} and then it ends.

The ratio was 3::4, and the set closed with }}}} twice: }}}} done.
"""


class _Tags(HTMLParser):
    """Every element and attribute in a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)


def markup(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def visible(page: str) -> str:
    """What the reader sees: no style, no tags, entities decoded, spaces collapsed."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page)).split())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """(question, answer) HTML of every card, as Anki renders it after importing the package."""
    root = tmp_path_factory.mktemp("hostile")
    source = write_source(
        root,
        cards=f"""\
        source:
          text: texts/sample.txt
          title: 'Manual <b>bold</b> & co'
          author: '<i>Someone</i>'
        cards:
          - term: '<img src=x onerror=alert(1)>'
            also: ['<script>alert(1)</script>', 'x & y']
            definition: 'a < b, AT&T, {{{{c1::not a cloze}}}}'
            quote: '{HOSTILE}'
            cloze: AT&T
            extra: '<a href="javascript:alert(1)">link</a>'
          - question: 'Is <b>this</b> & that a question?'
            answer: '<script>document.body.innerHTML=""</script>'
            quote: '{HOSTILE}'
            cloze: [{{phrase: 'a < b', hint: '<img src=y onerror=alert(2)>'}}, '<script>']
        """,
        texts={"sample.txt": TEXT},
        deck="name: Safety\ndescription: '<script>alert(3)</script>'\n",
    )
    report = build(source)
    with fresh_collection(root) as col:
        assert import_apkg(col, report.output).counts() == {"new": 2}
        return [render(card) for card in cards(col)]


def test_every_card_was_rendered(rendered: list[tuple[str, str]]) -> None:
    assert len(rendered) == 3  # the term card's AT&T, the question's two phrases


def test_no_markup_from_the_curator_survives(rendered: list[tuple[str, str]]) -> None:
    for question, answer in rendered:
        for page in (question, answer):
            found = markup(page)
            assert not {"script", "img", "a", "b", "i"} & set(found.tags), found.tags
            assert not [name for name in found.attributes if name.startswith("on") or name == "href"]


def test_the_curators_text_is_shown_literally(rendered: list[tuple[str, str]]) -> None:
    answers = " ".join(visible(answer) for _, answer in rendered)
    for literal in (
        '<script>alert("x")</script>',
        "<img src=x onerror=alert(1)>",
        "AT&T &amp; a < b",
        "{{c9::gotcha}}",
        "a < b, AT&T, {{c1::not a cloze}}",
        "<script>alert(1)</script> · x & y",
        '<a href="javascript:alert(1)">link</a>',
        "Is <b>this</b> & that a question?",
        '<script>document.body.innerHTML=""</script>',
        "<i>Someone</i>, “Manual <b>bold</b> & co”, paragraph 1",
    ):
        assert literal in answers, literal


def test_hidden_phrases_and_hints_are_text_too(rendered: list[tuple[str, str]]) -> None:
    fronts = [visible(question) for question, _ in rendered]
    assert any("[<img src=y onerror=alert(2)>]" in front for front in fronts), fronts
    assert all("gotcha" in front for front in fronts)  # the typed {{c9::…}} is never a deletion


def test_the_cloze_number_typed_by_the_curator_makes_no_card(rendered: list[tuple[str, str]]) -> None:
    assert len(rendered) == 3  # no card 9


def test_colons_and_braces_inside_a_cloze(tmp_path: Path) -> None:
    """`::` would start a hint and `}}` end the deletion: both must show literally."""
    source = write_source(
        tmp_path,
        cards="""\
        source:
          text: texts/sample.txt
          title: Ratios
        cards:
          - question: What was the ratio?
            answer: Three to four.
            quote: "The ratio was 3::4, and the set closed with }} twice"
            cloze: [{phrase: "3::4", hint: "a::b"}, "}} twice"]
          - term: "A::B"
            definition: A term with colons.
            quote: "The ratio was 3::4"
            cloze: "3::4"
        """,
        texts={"sample.txt": TEXT},
    )
    report = build(source)
    assert (report.notes, report.cards) == (2, 3)
    with fresh_collection(tmp_path) as col:
        assert import_apkg(col, report.output).counts() == {"new": 2}
        pages = {(card.nid, card.ord): render(card, with_css=False) for card in cards(col)}
    by_front = {visible(front): visible(back) for front, back in pages.values()}
    question = "Question What was the ratio? The ratio was [a::b] , and the set closed with }} twice"
    assert by_front[question].startswith(
        "Question What was the ratio? The ratio was 3::4 , and the set closed with }} twice"
    )
    second = "Question What was the ratio? The ratio was 3::4 , and the set closed with [...]"
    assert by_front[second].startswith(
        "Question What was the ratio? The ratio was 3::4 , and the set closed with }} twice"
    )
    backs = [back for _, back in pages.values()]
    revealed = [re.findall(r'<span class="cloze" data-ordinal="\d+">(.*?)</span>', back) for back in backs]
    assert sorted(html.unescape(r) for spans in revealed for r in spans) == ["3::4", "3::4", "}} twice"]


# Every piece of Anki's own markup, side by side, in every field quotedeck writes.
MARKUP = " ".join(ANKI_MARKUP)
MARKUP_QUOTE = f"Before {MARKUP} after"
# Each card (its Id field and Anki's card ord) with its two sides and the sounds Anki
# found on them; then the deck description.
Rendered = tuple[list[tuple[tuple[str, int], str, str, list[object]]], str]


@pytest.fixture(scope="module")
def anki_markup(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Each card with its two sides as Anki renders them, and the deck description as imported."""
    root = tmp_path_factory.mktemp("anki-markup")
    typed = json.dumps(MARKUP)
    source = write_source(
        root,
        cards=f"""\
        source:
          text: texts/sample.txt
          title: {typed}
          author: {typed}
        cards:
          - term: {typed}
            id: term
            also: [{typed}, x]
            definition: {typed}
            quote: {json.dumps(MARKUP_QUOTE)}
            cloze: [{{phrase: "[sound:x.mp3]", hint: {typed}}}]
            extra: {typed}
          - question: {typed}
            id: question
            answer: {typed}
            quote: {json.dumps(MARKUP_QUOTE)}
            cloze: [{{phrase: {json.dumps(chr(92) + "(x" + chr(92) + ")")}, hint: {typed}}}, after]
        """,
        texts={"sample.txt": f"Intro.\n\n{MARKUP_QUOTE}.\n"},
        deck=f"name: Markup\ndescription: {typed}\n",
    )
    report = build(source)
    with fresh_collection(root) as col:
        assert import_apkg(col, report.output).counts() == {"new": 2}
        description = col.decks.by_name("Markup")["desc"]  # type: ignore[index]
        rendered = []
        for card in cards(col):
            output = card.render_output(reload=True)
            sounds: list[object] = [*output.question_av_tags, *output.answer_av_tags]
            rendered.append(((card.note()["Id"], card.ord), *render(card), sounds))
        return rendered, description


def test_anki_markup_in_a_field_does_nothing_in_anki(anki_markup: Rendered) -> None:
    rendered, _ = anki_markup
    assert len(rendered) == 3
    for _, question, answer, sounds in rendered:
        assert sounds == []
        for page in (question, answer):
            assert live_markup(page) == []
            assert "LaTeX" not in page  # Anki's note that it would have made an image


def test_anki_markup_in_a_field_shows_as_typed(anki_markup: Rendered) -> None:
    rendered, _ = anki_markup
    hint = f"[{MARKUP}]"
    hidden = {
        ("term", 0): ("[sound:x.mp3]", hint),
        ("question", 0): (r"\(x\)", hint),
        ("question", 1): ("after", "[...]"),
    }
    for (card_id, ordinal), question, answer, _ in rendered:
        front, back = read_page(question).texts, read_page(answer).texts
        assert front["qd-quote"] == MARKUP_QUOTE.replace(*hidden[card_id, ordinal])
        assert back["qd-quote"] == MARKUP_QUOTE
        assert back["qd-definition"] == MARKUP
        assert back["qd-source"] == f"{MARKUP}, “{MARKUP}”, paragraph 2"
        if card_id == "term":
            assert front["qd-clue"] == MARKUP
            assert (back["qd-term-name"], back["qd-also"], back["qd-extra"]) == (MARKUP, f"{MARKUP} · x", MARKUP)
        else:
            assert front["qd-prompt"] == back["qd-prompt"] == MARKUP


def test_anki_markup_in_the_deck_description_is_text(anki_markup: Rendered) -> None:
    _, description = anki_markup
    assert html.unescape(re.sub(r"<[^>]*>", "", description)) == MARKUP
    assert "[" not in description and "<b>" not in description
    assert not re.search(r"\\[(\[]", description)
