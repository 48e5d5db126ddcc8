"""speed/ is removable: with every measure on or off, the same package and lock bytes come out."""

import shutil
from pathlib import Path

import pytest

from quotedeck import pipeline
from quotedeck.speed import fast
from tests.speed.test_cache import CARDS, TEXTS
from tests.speed.test_parallel import numbered_cards
from tests.support.decks import copy_shipped_deck
from tests.support.sources import write_source

T0 = 1_800_000_000


def outputs(source: Path, report: pipeline.BuildReport) -> tuple[bytes, bytes]:
    return report.output.read_bytes(), (source / "quotedeck.lock").read_bytes()


def copies(original: Path, tmp_path: Path, names: list[str]) -> list[Path]:
    return [shutil.copytree(original.parent, tmp_path / name) / original.name for name in names]


@pytest.mark.parametrize("deck", ["shipped", "many-files"])
def test_speed_on_and_off_give_the_same_package_and_lock(tmp_path: Path, deck: str) -> None:
    if deck == "shipped":
        original = copy_shipped_deck(tmp_path / "original" / "cards_source")
    else:
        original = write_source(tmp_path / "original", cards=numbered_cards(12), texts=TEXTS)
    plain, workers, cached = copies(original, tmp_path, ["plain", "workers", "cached"])
    expected = outputs(plain, pipeline.build(plain, now=T0))
    assert outputs(workers, fast.build(workers, now=T0, jobs=2)) == expected
    # The cache filled by an earlier build, then the package and lock put back as a clone has them.
    fast.build(cached, now=T0 - 1, jobs=1)
    shutil.rmtree(cached.parent / "build")
    (cached / "quotedeck.lock").unlink()
    if (original / "quotedeck.lock").exists():
        shutil.copy(original / "quotedeck.lock", cached / "quotedeck.lock")
    again = fast.build(cached, now=T0, jobs=1)
    assert not again.up_to_date
    assert outputs(cached, again) == expected


@pytest.mark.parametrize(
    "change",
    [
        ("deck.yaml", "tags: [test-deck]", "tags: [test-deck, more]"),
        ("quotedeck.lock", '"a new force": 1', '"a new force": 7'),
    ],
    ids=["deck-tags", "lock-numbers"],
)
def test_remembered_notes_are_made_again_when_what_they_are_made_from_changes(
    tmp_path: Path, change: tuple[str, str, str]
) -> None:
    """A card file's notes are remembered by what they are made from, the card file aside:
    a change to the deck's tags or the lock's numbers makes them again."""
    original = write_source(tmp_path / "original", cards=CARDS, texts=TEXTS)
    fast.build(original, now=T0)  # writes the lock: its numbers are among what notes are made from
    (original / "a.yaml").write_text((original / "a.yaml").read_text().replace("A new force.", "A force."))
    fast.build(original, now=T0)  # remembers the notes, made from the lock's numbers
    name, old, new = change
    path = original / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    [plain] = copies(original, tmp_path, ["plain"])
    again = fast.build(original, now=T0 + 1)
    assert outputs(original, again) == outputs(plain, pipeline.build(plain, now=T0 + 1))
