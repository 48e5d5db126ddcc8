"""The conventions around the command line: the pre-commit hook, check --json, shell completion."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from quotedeck.cli import main
from tests.support.sources import write_source

ROOT = Path(__file__).resolve().parents[2]


def test_the_pre_commit_hook_checks_a_deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == ("quotedeck-check", "python", False)
    assert re.search(hook["files"], "cards_source/deck.yaml") and re.search(hook["files"], "texts/a.txt")
    program, *args = shlex.split(hook["entry"])
    assert program == "quotedeck"
    monkeypatch.chdir(tmp_path)
    write_source(tmp_path)
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.stdout) == (0, "OK: 2 notes, 2 cards in cards_source, every quote found\n")
    (tmp_path / "cards_source" / "texts" / "sample.txt").write_text("Another text altogether.\n")
    assert CliRunner().invoke(main, args).exit_code == 1


def test_check_json_gives_problems_and_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = write_source(tmp_path)
    result = CliRunner().invoke(main, ["check", "--json"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {"ok": True, "notes": 2, "cards": 2, "problems": []}
    card_file = source / "sample.yaml"
    card_file.write_text(card_file.read_text().replace('quote: "The Light gives', 'quote: "The Light grants'))
    result = CliRunner().invoke(main, ["check", "--json"])
    assert (result.exit_code, result.stderr) == (1, "")
    report = json.loads(result.stdout)
    assert (report["ok"], report["notes"]) == (False, 0)
    (problem,) = report["problems"]
    assert {key: problem[key] for key in ("path", "line", "column", "severity")} == {
        "path": "cards_source/sample.yaml",
        "line": 12,
        "column": 23,  # at `grants`, the word that differs
        "severity": "error",
    }
    assert problem["message"].startswith("the quote differs from the text")


def test_shell_completion_is_clicks_own() -> None:
    script = CliRunner().invoke(main, [], prog_name="quotedeck", env={"_QUOTEDECK_COMPLETE": "bash_source"})
    assert script.exit_code == 0
    assert "_quotedeck_completion()" in script.stdout and "complete -o nosort -F _quotedeck_completion quotedeck" in (
        script.stdout
    )
    words = CliRunner().invoke(
        main,
        [],
        prog_name="quotedeck",
        env={"_QUOTEDECK_COMPLETE": "bash_complete", "COMP_WORDS": "quotedeck st", "COMP_CWORD": "1"},
    )
    assert words.stdout.split() == ["plain,status"]
    assert "_QUOTEDECK_COMPLETE=bash_source quotedeck" in (ROOT / "README.md").read_text(encoding="utf-8")
