"""Installing quotedeck: a wheel with every file the package reads, built without touching build/."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_wheel_builds_outside_the_decks_build_folder(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes((ROOT / name).read_bytes())
    before = sorted(p.relative_to(copy) for p in copy.rglob("*"))
    out = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-w", str(out), "-q"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    assert sorted(p.relative_to(copy) for p in copy.rglob("*")) == before, "the build left files in the repository"
    assert sorted(p.name for p in (copy / "build").iterdir()) == [".gitkeep"]
    (wheel,) = out.glob("quotedeck-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for needed in (
        "quotedeck/py.typed",
        "quotedeck/notes/templates/card.css",
        "quotedeck/preview/page.html",
        "quotedeck/sources/schema/cards.schema.json",
        "quotedeck/sources/schema/deck.schema.json",
    ):
        assert needed in names
    assert not any(name.startswith(("tests/", "cards_source/")) for name in names)
