"""A card's image and sound inside the preview page: the files quotedeck checked, nothing else."""

import base64
import html
import re
from pathlib import Path

import pytest

from quotedeck.errors import OutputError
from quotedeck.model import MediaRef
from quotedeck.preview.media import embedded_media, with_media
from quotedeck.preview.page import write_preview
from quotedeck.problems import Location
from tests.support.media import image, sound
from tests.support.sources import write_source

CARDS = """\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
  - term: the innermost point
    definition: "Typed: {typed}"
    quote: "That point is the innermost point, where the Creator is found."
    image: media/page.png
    audio: media/quote.wav
"""


def _source(tmp_path: Path, typed: str = "nothing") -> Path:
    image(tmp_path / "cards_source" / "media" / "page.png", 40, 10)
    sound(tmp_path / "cards_source" / "media" / "quote.wav")
    return write_source(tmp_path, cards=CARDS.format(typed=typed))


def _frames(page: str) -> list[str]:
    return [html.unescape(doc) for doc in re.findall(r'srcdoc="([^"]*)"', page)]


def test_the_page_holds_each_file_as_checked(tmp_path: Path) -> None:
    source = _source(tmp_path)
    page = write_preview(source, tmp_path / "preview.html").output.read_text(encoding="utf-8")
    front, back = _frames(page)
    png = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="">', back)
    wav = re.findall(r'<audio controls preload="metadata" src="data:audio/wav;base64,([^"]+)"></audio>', back)
    assert [base64.b64decode(data) for data in png] == [(source / "media" / "page.png").read_bytes()]
    assert [base64.b64decode(data) for data in wav] == [(source / "media" / "quote.wav").read_bytes()]
    assert "<img" not in front and "<audio" not in front
    # No name of Anki's media folder is left to fetch, and no `[sound:` to show as text.
    assert "quotedeck-" not in back and "[sound:" not in back
    assert "quotedeck-" not in page.split("<main>")[1].split("<iframe")[0]  # nor in the filter's words


def test_typed_media_markup_stays_text_in_the_preview(tmp_path: Path) -> None:
    """Even a curator's exact copy of quotedeck's own markup is text, beside the card's own media."""
    typed = r"[sound:quotedeck-0123456789abcdef01234567.wav] <img src=\"quotedeck-0123456789abcdef01234567.png\">"
    source = _source(tmp_path, typed)
    back = _frames(write_preview(source, tmp_path / "preview.html").output.read_text(encoding="utf-8"))[1]
    assert back.count("<audio") == 1 and back.count("<img") == 1
    uris = {"quotedeck-0123456789abcdef01234567.wav": "data:x", "quotedeck-0123456789abcdef01234567.png": "data:y"}
    typed_html = re.search(r'<div class="qd-definition" dir="auto">(.*?)</div>', back)
    assert typed_html is not None
    assert with_media(typed_html.group(1), uris) == typed_html.group(1)  # nothing there reads as media


def test_a_file_changed_since_it_was_checked_stops_the_preview(tmp_path: Path) -> None:
    path = image(tmp_path / "page.png", 4, 4)
    ref = MediaRef(path, "quotedeck-0123456789abcdef01234567.png", "0" * 64, Location(tmp_path / "a.yaml", 5, 12))
    with pytest.raises(OutputError, match="the file changed while the preview was being written"):
        embedded_media([ref])
    path.unlink()
    with pytest.raises(OutputError, match="cannot read the file: No such file"):
        embedded_media([ref])
