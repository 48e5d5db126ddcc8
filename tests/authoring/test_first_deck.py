"""The README's "Your first deck" walk-through, run exactly as written: each command through
Click's runner, each output compared with the one shown, the yaml block written where the
text says, and the package imported into a real Anki collection."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotedeck.cli import main
from tests.support.anki_collection import cards, fresh_collection, import_apkg

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("\n## Your first deck\n")[1].split("\n## ")[0]
BLOCK = re.compile(r"```(console|yaml)\n(.*?)```", re.S)


def _steps(block: str) -> list[tuple[str, str]]:
    """(command, output shown) for each `$ ` line of a console block."""
    steps = re.split(r"^\$ ", block, flags=re.M)[1:]
    return [(step.split("\n", 1)[0], step.split("\n", 1)[1].strip("\n")) for step in steps]


def _sizeless(text: str) -> str:
    return re.sub(r"\(\d+\.\d KB\)", "(… KB)", text)  # the package's size moves with the build time


def test_the_walk_through_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text_name = re.search(r"the text `([^`]+)`", SECTION)
    assert text_name
    shutil.copy(ROOT / "cards_source" / "texts" / text_name.group(1), tmp_path)
    card_file = re.search(r"at the end of `([^`]+)`", SECTION)
    assert card_file
    ran = []
    for kind, body in BLOCK.findall(SECTION):
        if kind == "yaml":
            with open(card_file.group(1), "a", encoding="utf-8") as handle:
                handle.write("\n" + body)
            continue
        for command, shown in _steps(body):
            words = shlex.split(command)
            assert words[0] == "quotedeck"
            result = CliRunner().invoke(main, words[1:])
            failing = re.search(r"^\d+ error\(s\)", shown, re.M) is not None
            assert result.exit_code == (1 if failing else 0), (command, result.output)
            assert _sizeless(result.output.strip("\n")) == _sizeless(shown), command
            ran.append(words[1])
    assert ran == ["new", "build", "find", "check", "fix", "build"]
    package = re.search(r"Import `([^`]+)` into Anki \(File → Import\): (\w+) cards, in the deck \*([^*]+)\*", SECTION)
    assert package
    with fresh_collection(tmp_path) as col:
        summary = import_apkg(col, package.group(1))
        imported = cards(col)
        assert summary.counts() == {"new": 3}
        assert len(imported) == ["one", "two", "three"].index(package.group(2)) + 1
        assert {col.decks.name(card.did) for card in imported} == {package.group(3)}
