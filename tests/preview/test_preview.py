"""`quotedeck preview`: one self-contained page, every card's two sides, written like a build."""

import re
from pathlib import Path

import pytest

from quotedeck.preview.page import ANKIDROID_CSS, phone_document, preview_page
from quotedeck.preview.render import RenderedCard
from tests.support.sources import run


def test_preview_writes_one_page_and_prints_where_to_open_it(project: Path) -> None:
    code, out, err = run("preview")
    page = project / "build" / "preview.html"
    assert (code, err) == (0, "")
    assert out == f"Wrote build/preview.html: 2 cards from 2 notes; open {page.resolve().as_uri()}\n"
    text = page.read_text(encoding="utf-8")
    assert text.count('<section class="pv-card"') == 2
    assert text.count("<iframe") == 4
    assert 'sandbox="allow-same-origin"' in text  # the cards' frames may run no script
    assert not (project / "cards_source" / "quotedeck.lock").exists(), "preview writes no lock"


def test_preview_is_self_contained_and_the_same_every_time(project: Path) -> None:
    run("preview", "-o", "a.html")
    run("preview", "cards_source", "--out", "b.html")
    first = (project / "a.html").read_text(encoding="utf-8")
    assert first == (project / "b.html").read_text(encoding="utf-8")
    assert not re.search(r"<link\b|\bsrc=|@import|url\(|https?://", first), "the page must load nothing"
    assert "@@" not in first, "every placeholder is filled"


def test_preview_shows_both_sides_as_rendered_with_the_notetype_css(project: Path) -> None:
    run("preview")
    text = (project / "build" / "preview.html").read_text(encoding="utf-8")
    # The frames hold escaped documents: the front hides the phrase, the back shows it.
    assert "&lt;span class=&quot;cloze&quot; data-cloze=&quot;a&amp;#x20;new&amp;#x20;force&quot;" in text
    assert "&lt;section id=&quot;answer&quot;" in text
    assert ".qd-quote" in text and "body.night_mode" in text


def test_preview_of_broken_sources_writes_nothing(project: Path) -> None:
    (project / "cards_source" / "sample.yaml").write_text("source: {text: texts/sample.txt, title: T}\ncards: []\n")
    code, out, err = run("preview")
    assert code == 1 and out == ""
    assert "the list of cards is empty" in err and err.endswith("nothing was written\n")
    assert not (project / "build").exists()


def test_preview_into_a_folder_is_an_error(project: Path) -> None:
    (project / "out").mkdir()
    code, _, err = run("preview", "-o", "out")
    assert code == 2 and "is a directory" in err  # Click refuses it before anything runs


def test_preview_never_writes_into_the_card_source_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o cards_source/quotedeck.lock` replaced the lock with the page."""
    source = project / "cards_source"
    run("build")
    before = {path: path.read_bytes() for path in sorted(source.rglob("*")) if path.is_file()}
    assert run("preview", "-o", "cards_source/quotedeck.lock") == (
        1,
        "",
        "cards_source/quotedeck.lock: error: the preview would be written into the card source folder "
        "cards_source\n"
        "    hint: write it outside the folder (without -o it goes to build/preview.html beside the folder)\n",
    )
    assert run("preview", "-o", "cards_source/texts/../page.html")[0] == 1
    monkeypatch.chdir(source)
    code, out, _ = run("preview", ".")  # from inside the folder: the page goes beside it, as from outside
    assert (code, out.split(":")[0]) == (0, "Wrote ../build/preview.html")
    assert {path: path.read_bytes() for path in sorted(source.rglob("*")) if path.is_file()} == before


def test_preview_must_be_an_html_file(project: Path) -> None:
    assert run("preview", "-o", "out/cards.txt") == (
        1,
        "",
        "out/cards.txt: error: the preview must end in .html\n    hint: write out/cards.html\n",
    )
    assert not (project / "out").exists()


def test_phone_document_is_ankidroids_shell() -> None:
    document = phone_document("<p>x</p>", 3, night=True)
    assert document.startswith("<!doctype html>")
    assert '<html class="mobile android linux js">' in document
    assert '<body class="card card3 nightMode night_mode"><div id="content"><div id="qa"><p>x</p></div>' in document
    assert ANKIDROID_CSS in document


def test_preview_page_escapes_what_it_shows() -> None:
    from quotedeck.model import Kind

    card = RenderedCard(
        card_id="x",
        kind=Kind.QUESTION,
        ordinal=1,
        front="<b>front</b>",
        back="<b>back</b>",
        hidden=("h",),
        tags=('a"b', "<t>"),
        deck="D",
        fields={"Question": "&lt;script&gt;"},
    )
    page = preview_page("Deck <&>", [card], 1)
    assert "<title>Deck &lt;&amp;&gt; · quotedeck preview</title>" in page
    assert '<option value="&lt;t&gt;">&lt;t&gt;</option>' in page
    assert "<script>" not in page.replace("<script>\n(() =>", "")  # only the page's own script
