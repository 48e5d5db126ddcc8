"""A deck citing an EPUB with a url, imported into a real Anki collection: the back shows the
chapter and links it; the link is a plain <a href> with the address escaped."""

from __future__ import annotations

from pathlib import Path

from quotedeck.pipeline import build
from tests.extract.kinds import deck_citing
from tests.extract.test_documents import write_epub
from tests.support.anki_collection import cards, fresh_collection, import_apkg, render


def test_the_back_cites_the_chapter_and_links_it(tmp_path: Path) -> None:
    text = write_epub(tmp_path / "sayings.epub")
    url = "https://example.org/books/sayings.epub?a=1&b=2"
    source = deck_citing(tmp_path, text, ["the student finds the point"], url=url)
    package = build(source, tmp_path / "out.apkg").output
    (tmp_path / "collection").mkdir()
    with fresh_collection(tmp_path / "collection") as col:
        import_apkg(col, package)
        [card] = cards(col)
        _front, back = render(card)
    link = '<a href="https://example.org/books/sayings.epub?a=1&amp;b=2">“The Text”, Interlude</a>'
    assert link in back
    assert "Interlude" not in _front
