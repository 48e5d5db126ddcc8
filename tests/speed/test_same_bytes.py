"""speed/ is removable: with every measure on or off, the same package and lock bytes come out."""

import shutil
from pathlib import Path

import pytest

from quotedeck import pipeline
from quotedeck.speed import fast
from tests.speed.test_cache import TEXTS
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
