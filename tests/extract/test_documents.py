"""EPUB (written by ebooklib, with a table of contents), HTML and Markdown: quotes verify over
markup, cite the chapter or heading, and what a reader never sees never matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from ebooklib import epub

import quotedeck.extract.epub
from tests.extract.kinds import citations, deck_citing, failure

CHAPTER_ONE = """<html><head><title>One</title></head><body>
<h1>The Call</h1>
<p>The heart hears the <em>call</em> of the upper force,<br/>and the self-<br/>control of the student grows.</p>
<p>We speak of the &#xFB01;rst transformation and of the trans-<br/>formation that follows.</p>
</body></html>"""
CHAPTER_TWO = """<html><head><title>Two</title></head><body>
<h1>The Answer</h1><p>The answer comes &ldquo;from above&rdquo; &amp; from within.</p>
<h2 id="quiet">A Quiet Part</h2><p>In the quiet the student finds the point.</p>
</body></html>"""


def write_epub(path: Path) -> Path:
    book = epub.EpubBook()
    book.set_identifier("quotedeck-test")
    book.set_title("Sayings")
    book.set_language("en")
    one = epub.EpubHtml(title="One", file_name="one.xhtml", lang="en", content=CHAPTER_ONE)
    two = epub.EpubHtml(title="Two", file_name="two.xhtml", lang="en", content=CHAPTER_TWO)
    book.add_item(one)
    book.add_item(two)
    book.toc = [
        epub.Link("one.xhtml", "Chapter 1: The Call of a Very Long Title That Runs On", "one"),
        (
            epub.Section("Part Two", "two.xhtml"),
            [epub.Link("two.xhtml", "Chapter 2: The Answer", "two"), epub.Link("two.xhtml#quiet", "Interlude", "q")],
        ),
    ]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", one, two]
    epub.write_epub(str(path), book)
    return path


def test_an_epub_cites_the_chapter_of_its_table_of_contents(tmp_path: Path) -> None:
    text = write_epub(tmp_path / "sayings.epub")
    source = deck_citing(
        tmp_path,
        text,
        [
            "The heart hears the call of the upper force, and the self-control of the student grows.",
            "the first transformation and of the transformation that follows",
            "The answer comes “from above” & from within.",
            "the student finds the point",
        ],
    )
    assert citations(source) == [
        "“The Text”, Chapter 1: The Call of a Very Long Title That Runs On",
        "“The Text”, Chapter 1: The Call of a Very Long Title That Runs On",
        "“The Text”, Part Two",
        "“The Text”, Interlude",
    ]


def test_a_wrong_word_in_an_epub_names_the_chapter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = deck_citing(tmp_path, write_epub(tmp_path / "sayings.epub"), ["In the quiet the student finds the heart"])
    lines = failure(source, monkeypatch)
    assert lines[1] == "    hint: closest passage (Interlude, 93% similar): “In the quiet the student finds the point.”"


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sayings</title>
<style>.x { color: red } the hidden style words</style>
<script>document.write("the words of a script");</script></head>
<body><nav><a href="/">Home</a> the navigation words</nav>
<h1>On Asking</h1>
<p>A person asks the Light to change him,
and the Light answers &ldquo;from above&rdquo; &mdash; at once &amp; for good.</p>
<p hidden>the hidden words</p><p aria-hidden="true">the aria hidden words</p>
<div style="color: red; display : none">the undisplayed words</div>
<h2>On the Point</h2>
<ul><li>The point in the heart is <strong>the innermost</strong> point.</li></ul>
<template><p>the template words</p></template>
</body></html>"""


def test_an_html_page_cites_the_nearest_heading(tmp_path: Path) -> None:
    text = tmp_path / "sayings.html"
    text.write_text(PAGE, encoding="utf-8")
    quotes = [
        "and the Light answers “from above” — at once & for good.",
        "The point in the heart is the innermost point.",
    ]
    assert citations(deck_citing(tmp_path, text, quotes)) == ["“The Text”, § On Asking", "“The Text”, § On the Point"]


@pytest.mark.parametrize(
    "hidden",
    [
        "the hidden style words",
        "the words of a script",
        "the navigation words",
        "the hidden words",
        "the aria hidden words",
        "the undisplayed words",
        "the template words",
        "&ldquo;from above&rdquo;",
        "<strong>the innermost</strong>",
    ],
)
def test_what_a_reader_never_sees_never_matches(tmp_path: Path, hidden: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = tmp_path / "sayings.html"
    text.write_text(PAGE, encoding="utf-8")
    lines = failure(deck_citing(tmp_path, text, [hidden]), monkeypatch)
    assert "error: the quote" in lines[0], lines


def test_a_login_page_is_not_the_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = tmp_path / "article.html"
    text.write_text(
        "<html><body><h1>Sign in</h1><form><input name=user><input type=Password name=pw>"
        "<button>Sign in</button></form><p>Forgot your password?</p></body></html>",
        encoding="utf-8",
    )
    lines = failure(deck_citing(tmp_path, text, ["Forgot your password?"]), monkeypatch)
    assert lines[0] == (
        "cards_source/cards.yaml:2:9: error: article.html: this page asks for a password and has only 5 words:"
        " it is a login page, not the text"
    )
    assert "Save Page As" in lines[1]


NOTES = """\
Some *opening* words before any heading.

# Asking

A person *asks* the **Light** to change him, and the
Light answers from above: a trans-
formation of the heart.

- the first _item_ of the list
- the `second` item

## The Point

The point in the heart is the [innermost](https://example.org) point.
"""


def test_markdown_without_its_marks_cites_the_heading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = tmp_path / "notes.md"
    text.write_text(NOTES, encoding="utf-8")
    quotes = [
        "Some opening words before any heading.",
        "A person asks the Light to change him, and the Light answers from above: a transformation of the heart.",
        "the first item of the list",
        "the second item",
        "The point in the heart is the innermost point.",
    ]
    assert citations(deck_citing(tmp_path, text, quotes)) == [
        "“The Text”, paragraph 1",
        "“The Text”, § Asking",
        "“The Text”, § Asking",
        "“The Text”, § Asking",
        "“The Text”, § The Point",
    ]
    lines = failure(deck_citing(tmp_path, text, ["A person *asks* the **Light**"]), monkeypatch)
    assert "error: the quote" in lines[0], lines


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("book.epub", b"PK\x03\x04 not really a zip", "book.epub cannot be read as an EPUB"),
        ("book.epub", b"plain words, not a book", "book.epub is not an EPUB: it does not begin as one"),
        ("page.html", b"%PDF-1.7 a PDF under another name", "page.html is a PDF, not an HTML page"),
    ],
)
def test_a_broken_or_misnamed_file_stops_at_the_text_line(
    tmp_path: Path, name: str, data: bytes, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / name
    text.write_bytes(data)
    lines = failure(deck_citing(tmp_path, text, ["any words"]), monkeypatch)
    assert lines[0].startswith(f"cards_source/cards.yaml:2:9: error: {message}"), lines
    assert lines[-1] == "1 error(s); nothing was written"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "https://", "https://example.org/a b"])
def test_a_url_must_be_a_web_address(tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = tmp_path / "notes.md"
    text.write_text(NOTES, encoding="utf-8")
    lines = failure(deck_citing(tmp_path, text, ["the second item"], url=f'"{url}"'), monkeypatch)
    assert lines[0] == (
        "cards_source/cards.yaml:4:8: error: `url` must be a web address beginning with http:// or https://"
    ), lines


def test_an_epub_that_unpacks_too_far_stops_at_the_text_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ebooklib unpacks a whole book into memory: a small EPUB that unpacks to gigabytes (a zip
    bomb) would exhaust it. Here the limit is lowered to 2 MB and a chapter of 3 MB written."""
    monkeypatch.setattr(quotedeck.extract.epub, "MAX_UNPACKED", 2 * 2**20)
    book = epub.EpubBook()
    book.set_identifier("quotedeck-bomb")
    book.set_title("Bomb")
    chapter = epub.EpubHtml(title="One", file_name="one.xhtml", content="<p>" + "the heart " * 300_000 + "</p>")
    book.add_item(chapter)
    book.spine = [chapter]
    text = tmp_path / "bomb.epub"
    epub.write_epub(str(text), book)
    assert text.stat().st_size < 100_000  # small on disk
    lines = failure(deck_citing(tmp_path, text, ["the heart"]), monkeypatch)
    assert lines[0].startswith("cards_source/cards.yaml:2:9: error: bomb.epub: the EPUB unpacks to 3 MB, more than"), (
        lines
    )
    assert lines[-1] == "1 error(s); nothing was written"
