"""What a curator types is text on the card, in Anki itself: never markup, never cloze syntax."""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from quotedeck.pipeline import build
from tests.support.anki_collection import cards, fresh_collection, import_apkg, render
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
