"""The README's `status` and `prune` examples are what the tool prints, on the shipped deck in a real collection."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection

from tests.support.anki_collection import cards, review
from tests.support.checking import run

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROFILE = "Anki2/User 1"  # shown in the README as …/User 1


def readme_example(command: str) -> list[str]:
    """The output printed under `$ quotedeck <command>` in the README."""
    found = re.search(rf"\n\$ quotedeck {re.escape(command)}\n(.*?)\n(?:\n|```)", README, re.S)
    assert found, f"no `quotedeck {command}` example in the README"
    return found.group(1).splitlines()


def shown(output: str) -> list[str]:
    """Output as the README shows it: the profile's path elided, the backup's time left out."""
    return [
        re.sub(r"backup-[\d.-]+\.colpkg", "backup-….colpkg", line.replace(PROFILE, "…/User 1"))
        for line in output.splitlines()
    ]


def test_readme_status_and_prune_are_what_they_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "cards_source", tmp_path / "cards_source")
    monkeypatch.chdir(tmp_path)
    (tmp_path / PROFILE).mkdir(parents=True)
    Collection(f"{PROFILE}/collection.anki2").close()
    assert run("build", "--into", PROFILE)[0] == 0
    # A while of study: a card reviewed, a leech, an edit made in Anki.
    col = Collection(f"{PROFILE}/collection.anki2")
    try:
        first = {}
        for card in cards(col):
            first.setdefault(card.note()["Id"], card)
        for _ in range(3):
            review(col, first["the-creator"].id, 3)
        leech = first["secret-of-life"]
        leech.lapses = 9
        col.update_card(leech)
        note = col.get_note(first["the-upper-force"].nid)
        note["Definition"] += " (my note)"
        col.update_note(note)
    finally:
        col.close()
    # Then the-creator is taken out of the sources.
    path = tmp_path / "cards_source" / "from-the-bottom-of-the-heart.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - term: the Creator\n")
    path.write_text(text[:start] + text[text.index("  - question:", start) :], encoding="utf-8")
    assert run("build")[0] == 0

    elided = '~/.local/share/Anki2/"User 1"'
    code, out, _ = run("status", PROFILE)
    assert (code, shown(out)) == (0, readme_example(f"status {elided}"))
    code, out, _ = run("prune", PROFILE)
    assert (code, shown(out)) == (0, readme_example(f"prune {elided}"))
    code, out, _ = run("prune", PROFILE, "--yes")
    assert (code, shown(out)) == (0, [shown(line)[0] for line in readme_example(f"prune {elided} --yes")])
