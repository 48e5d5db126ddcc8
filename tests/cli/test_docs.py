"""The README's examples are real: its card examples build, its session output is what the tool prints."""

import re
import shutil
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from quotedeck.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def yaml_blocks() -> list[str]:
    """The blocks of the card format's section (the walk-through's are tested in test_first_deck.py)."""
    return re.findall(r"```yaml\n(.*?)```", README.split("\n## The card source\n")[1], flags=re.S)


def test_readme_card_examples_build_against_the_shipped_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck, term_file, question = yaml_blocks()
    source = tmp_path / "cards_source"
    shutil.copytree(ROOT / "cards_source" / "texts", source / "texts")
    (source / "deck.yaml").write_text(deck)
    (source / "example.yaml").write_text(term_file + question)
    assert yaml.safe_load(term_file + question)["cards"][1]["id"] == "ask-light-for"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "OK: 2 notes, 3 cards in cards_source, every quote found\n"


def test_readme_session_is_what_build_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "cards_source", tmp_path / "cards_source")
    (tmp_path / "cards_source" / "quotedeck.lock").unlink()
    monkeypatch.chdir(tmp_path)
    session = re.search(r"```console\n\$ quotedeck build\n(.*?)\n\n\$ quotedeck check\n(.*?)\n```", README, re.S)
    assert session
    build_lines = CliRunner().invoke(main, ["build"]).stdout.splitlines()
    expected = session.group(1).splitlines()
    # The size moves by a few bytes with the build time (the notes' mod), across a rounding step.
    assert [_sizeless(line) for line in build_lines] == [_sizeless(line) for line in expected]
    assert CliRunner().invoke(main, ["check"]).stdout.strip() == session.group(2)


def _sizeless(line: str) -> str:
    return re.sub(r"\(\d+\.\d KB\)", "(... KB)", line)


def test_every_command_has_help_with_an_example() -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and "Example:" in result.stdout, f"`{name}` has no example in its help"
        assert f"quotedeck {name}" in README, f"`{name}` is not in the README"
