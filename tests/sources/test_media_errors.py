"""A card's `image:` and `audio:`: each mistake is an error at its line, and nothing is written."""

from pathlib import Path

import pytest

from quotedeck.sources.media import MAX_MEDIA_BYTES
from tests.support.checking import CARD, HEAD, errors
from tests.support.media import image, sound

pytestmark = pytest.mark.usefixtures("in_tmp")

END = "1 error(s); nothing was written"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def with_media(line: str) -> str:
    """The card, with one more line (line 8)."""
    return HEAD + CARD + f"    {line}\n"


def test_a_missing_image_names_a_close_file(tmp_path: Path) -> None:
    image(tmp_path / "cards_source" / "media" / "page.png", 20, 20)
    assert errors(tmp_path, with_media("image: media/Page.png")) == [
        "cards_source/sample.yaml:8:12: error: image file not found: media/Page.png",
        "    hint: did you mean `media/page.png`?",
        END,
    ]


def test_paths_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    image(tmp_path / "outside.png", 20, 20)
    sound(tmp_path / "outside.wav")
    assert errors(tmp_path, with_media("image: ../outside.png") + "    audio: /etc/passwd.wav\n") == [
        "cards_source/sample.yaml:8:12: error: `../outside.png` points outside cards_source",
        "    hint: copy the image into cards_source (e.g. media/) and cite it there",
        "cards_source/sample.yaml:9:12: error: the audio path must be relative to the card file",
        "    hint: write a path relative to the card file, such as media/quote.mp3",
        "2 error(s); nothing was written",
    ]


def test_a_link_that_leads_out_is_refused(tmp_path: Path) -> None:
    outside = image(tmp_path / "outside.png", 20, 20)
    (tmp_path / "cards_source" / "media").mkdir(parents=True)
    (tmp_path / "cards_source" / "media" / "page.png").symlink_to(outside)
    assert errors(tmp_path, with_media("image: media/page.png")) == [
        "cards_source/sample.yaml:8:12: error: `media/page.png` points outside cards_source",
        "    hint: copy the image into cards_source (e.g. media/) and cite it there",
        END,
    ]


def test_unsupported_types_and_svg(tmp_path: Path) -> None:
    media = tmp_path / "cards_source" / "media"
    media.mkdir(parents=True)
    (media / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    image(media / "page.png", 20, 20)
    assert errors(tmp_path, with_media("image: media/drawing.svg") + "    audio: media/page.png\n") == [
        "cards_source/sample.yaml:8:12: error: `media/drawing.svg` is not a supported image file",
        "    hint: SVG can carry scripts: export the drawing as PNG",
        "cards_source/sample.yaml:9:12: error: `media/page.png` is not a supported audio file",
        "    hint: use a mp3 or ogg or m4a or wav file",
        "2 error(s); nothing was written",
    ]


def test_a_file_whose_bytes_are_not_its_type(tmp_path: Path) -> None:
    image(tmp_path / "cards_source" / "media" / "page.jpg", 20, 20)
    (tmp_path / "cards_source" / "media" / "page.jpg").rename(tmp_path / "cards_source" / "media" / "page.png")
    assert errors(tmp_path, with_media("image: media/page.png")) == [
        "cards_source/sample.yaml:8:12: error: `media/page.png` is not a PNG file, whatever its name says",
        "    hint: save it in the type it is named",
        END,
    ]


def test_a_file_over_the_limit(tmp_path: Path) -> None:
    big = sound(tmp_path / "cards_source" / "media" / "long.wav", seconds=1)
    with open(big, "ab") as handle:
        handle.truncate(MAX_MEDIA_BYTES + 1)
    assert errors(tmp_path, with_media("audio: media/long.wav")) == [
        "cards_source/sample.yaml:8:12: error: `media/long.wav` is larger than 10 MB",
        "    hint: make it smaller: every phone that studies the deck downloads it",
        END,
    ]


def test_media_must_be_text(tmp_path: Path) -> None:
    assert errors(tmp_path, with_media("image: [a.png, b.png]")) == [
        "cards_source/sample.yaml:8:12: error: expected text, got a list",
        END,
    ]
