"""Images and sounds on cards, imported into a real Anki collection and rendered by Anki."""

import json
import re
import zipfile
from pathlib import Path

import pytest

from quotedeck.notes.identity import note_guid
from quotedeck.pipeline import build
from tests.support.anki_collection import cards, fresh_collection, import_apkg, notes_by_guid, render
from tests.support.card_text import read_page
from tests.support.media import image, sound
from tests.support.sources import write_source

T0 = 1_800_000_000
DAY = 86_400

CARDS = """\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
  - term: the innermost point
    definition: The place in the heart where the Creator is found.
    quote: "That point is the innermost point, where the Creator is found."
    image: media/page.png
    audio: media/quote.wav
  - question: What does the Light give to the one who asks?
    answer: A new force.
    quote: "The Light gives a new force to the one who asks."
    cloze: [a new force]
    id: light-gives
    image: media/page.png
  - term: the bottom of the heart
    definition: What the innermost point is called.
    quote: "It’s called the bottom of the heart."
    image: other/page.png
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "cards_source"
    image(root / "media" / "page.png", 800, 200)
    image(root / "other" / "page.png", 200, 800, colour=(30, 90, 160))  # the same name, another picture
    sound(root / "media" / "quote.wav")
    return write_source(tmp_path, cards=CARDS)


def _media_map(archive: zipfile.ZipFile) -> dict[str, str]:
    return dict(json.loads(archive.read("media")))


def test_media_reach_the_collection_and_show_on_the_back(source: Path, tmp_path: Path) -> None:
    report = build(source, tmp_path / "deck.apkg", now=T0)
    with zipfile.ZipFile(report.output) as archive:
        stored = _media_map(archive)
        contents = {name: archive.read(number) for number, name in stored.items()}
    # One file per distinct content: page.png twice is stored once; the two page.png are two files.
    assert sorted(stored) == ["0", "1", "2"]
    assert sorted(contents.values()) == sorted(
        (source / p).read_bytes() for p in ("media/page.png", "other/page.png", "media/quote.wav")
    )
    assert all(re.fullmatch(r"quotedeck-[0-9a-f]{24}\.(png|wav)", name) for name in contents)
    with fresh_collection(tmp_path) as col:
        assert import_apkg(col, report.output).counts() == {"new": 3}
        folder = Path(col.media.dir())
        for name, data in contents.items():
            assert (folder / name).read_bytes() == data
        by_id = {card.note()["Id"]: card for card in cards(col)}
        term = by_id["the-innermost-point"]
        question_html, answer_html = render(term, with_css=False)
        page = next(n for n, d in contents.items() if d == (source / "media/page.png").read_bytes())
        wav = next(n for n in contents if n.endswith(".wav"))
        assert f'<img src="{page}" alt="">' in answer_html
        assert "<img" not in question_html and not term.question_av_tags()
        assert [tag.filename for tag in term.answer_av_tags()] == [wav]  # the tag Anki plays
        # The image sits under the quote, before the answer.
        assert answer_html.index("qd-quote") < answer_html.index("<img") < answer_html.index('id="answer"')
        assert render(by_id["light-gives"], with_css=False)[1].count(f'src="{page}"') == 1
        # Anki's own media check finds every file used, none missing.
        checked = col.media.check()
        assert (list(checked.missing), list(checked.unused)) == ([], [])


def test_a_media_edit_updates_exactly_that_note(source: Path, tmp_path: Path) -> None:
    first = build(source, tmp_path / "1.apkg", now=T0)
    image(source / "other" / "page.png", 200, 800, colour=(200, 40, 40))  # a new picture, same name
    second = build(source, tmp_path / "2.apkg", now=T0 + DAY)
    assert second.changes.updated == ("the-bottom-of-the-heart",)
    unchanged = build(source, tmp_path / "3.apkg", now=T0 + 2 * DAY)
    assert unchanged.changes.updated == ()
    assert (tmp_path / "3.apkg").read_bytes() == (tmp_path / "2.apkg").read_bytes()
    with fresh_collection(tmp_path) as col:
        import_apkg(col, first.output)
        summary = import_apkg(col, second.output)
        assert summary.counts() == {"updated": 1, "duplicate": 2}
        assert summary.guids("updated") == {note_guid("Test Deck", "the-bottom-of-the-heart")}
        note = notes_by_guid(col)[note_guid("Test Deck", "the-bottom-of-the-heart")]
        name = re.search(r'src="([^"]+)"', note.fields["Spare"])
        assert name is not None
        assert (Path(col.media.dir()) / name.group(1)).read_bytes() == (source / "other" / "page.png").read_bytes()


def test_taking_an_image_off_a_card_updates_it(source: Path, tmp_path: Path) -> None:
    build(source, tmp_path / "1.apkg", now=T0)
    path = source / "sample.yaml"
    path.write_text(path.read_text().replace("    image: other/page.png\n", ""))
    report = build(source, tmp_path / "2.apkg", now=T0 + DAY)
    assert report.changes.updated == ("the-bottom-of-the-heart",)
    with zipfile.ZipFile(report.output) as archive:
        assert len(_media_map(archive)) == 2


# A curator's typed media-like text, in the definition and the extra, beside the card's own media.
TYPED = "Hear [sound:other.mp3] and see <img src=x>"
TYPED_CARDS = f"""\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
  - term: the innermost point
    definition: "{TYPED}"
    extra: "{TYPED}, twice."
    quote: "That point is the innermost point, where the Creator is found."
    image: media/page.png
    audio: media/quote.wav
"""


def test_typed_media_stays_text_beside_the_cards_own(tmp_path: Path) -> None:
    root = tmp_path / "cards_source"
    image(root / "media" / "page.png", 800, 200)
    sound(root / "media" / "quote.wav")
    source = write_source(tmp_path, cards=TYPED_CARDS)
    report = build(source, tmp_path / "deck.apkg", now=T0)
    with zipfile.ZipFile(report.output) as archive:
        names = set(_media_map(archive).values())
    wav = next(n for n in names if n.endswith(".wav"))
    png = next(n for n in names if n.endswith(".png"))
    with fresh_collection(tmp_path) as col:
        assert import_apkg(col, report.output).counts() == {"new": 1}
        (card,) = cards(col)
        question_html, answer_html = render(card, with_css=False)
        # Anki plays quotedeck's sound, and only it; the typed one is no sound at all.
        assert [tag.filename for tag in card.answer_av_tags()] == [wav]
        assert not card.question_av_tags()
        assert re.findall(r"<img\b[^>]*>", answer_html) == [f'<img src="{png}" alt="">']
        assert "<img" not in question_html
        shown = read_page(answer_html).texts
        assert (shown["qd-definition"], shown["qd-extra"]) == (TYPED, f"{TYPED}, twice.")
        # Anki's media check sees the typed names as no file used: nothing missing.
        checked = col.media.check()
        assert (list(checked.missing), list(checked.unused)) == ([], [])
