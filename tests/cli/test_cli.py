"""The command line: exact output and exit codes, through Click's runner."""

import subprocess
import sys
from pathlib import Path

from quotedeck import __version__
from tests.support.sources import run


def test_build_prints_a_summary_and_writes_the_package(project: Path) -> None:
    code, out, err = run("build")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("Wrote build/test-deck.apkg: 2 notes, 2 cards (")
    assert out.splitlines()[1:] == [
        "Changes: 2 added, 0 updated, 0 unchanged, 0 removed",
        "  added: the-innermost-point, light-gives",
    ]
    assert (project / "build" / "test-deck.apkg").stat().st_size > 1000
    assert (project / "cards_source" / "quotedeck.lock").exists()


def test_second_build_reports_nothing_changed(project: Path) -> None:
    run("build")
    code, out, _ = run("build")
    assert code == 0
    assert out.splitlines()[1] == "Changes: 0 added, 0 updated, 2 unchanged, 0 removed"


def test_out_option_and_source_argument(project: Path) -> None:
    code, out, _ = run("build", "cards_source", "-o", "elsewhere/deck.apkg")
    assert code == 0
    assert out.startswith("Wrote elsewhere/deck.apkg: 2 notes, 2 cards")
    assert (project / "elsewhere" / "deck.apkg").exists()


def test_check_writes_nothing(project: Path) -> None:
    code, out, err = run("check")
    assert (code, out, err) == (0, "OK: 2 notes, 2 cards in cards_source, every quote found\n", "")
    assert not (project / "build").exists()
    assert not (project / "cards_source" / "quotedeck.lock").exists()


def test_problems_are_reported_together_with_exit_code_1(project: Path) -> None:
    cards = (project / "cards_source" / "sample.yaml").read_text()
    cards = cards.replace("where the Creator is found.", "where the Creator is hidden.")
    cards = cards.replace("cloze: [a new force]", "cloze: [an old force]")
    (project / "cards_source" / "sample.yaml").write_text(cards)
    code, out, err = run("build")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "cards_source/sample.yaml:9:69: error: the quote differs from the text: "
        "it has `hidden.` where the text has `found.` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 92% similar): "
        "“That point is the innermost point, where the Creator is found.”",
        "cards_source/sample.yaml:13:13: error: `an old force` is not in the quote",
        "    hint: a phrase to hide must appear in the quote as whole words (case does not matter)",
        "2 error(s); nothing was written",
    ]
    assert not (project / "build").exists()


def test_dry_run_writes_nothing(project: Path) -> None:
    code, out, _ = run("build", "--dry-run")
    assert code == 0
    assert out.startswith("Would write build/test-deck.apkg: 2 notes, 2 cards\n")
    assert not (project / "build").exists()


def test_usage_errors_exit_2(project: Path) -> None:
    assert run("build", "--no-such-option")[0] == 2
    assert run("frobnicate")[0] == 2


def test_version_and_help() -> None:
    assert run("--version")[1] == f"quotedeck, version {__version__}\n"
    for command in ("build", "check"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Example:" in out


def test_runs_as_a_module(project: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "quotedeck", "check"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "OK: 2 notes, 2 cards in cards_source, every quote found\n")


def test_a_schema_error_does_not_hide_quote_errors_elsewhere(project: Path) -> None:
    cards = (project / "cards_source" / "sample.yaml").read_text()
    cards = cards.replace("answer: A new force.", "answr: A new force.")
    cards = cards.replace("where the Creator is found.", "where the Creator is hidden.")
    (project / "cards_source" / "sample.yaml").write_text(cards)
    code, _, err = run("check")
    assert code == 1
    assert [line.split(": error: ")[0] for line in err.splitlines() if ": error: " in line] == [
        "cards_source/sample.yaml:9:69",
        "cards_source/sample.yaml:11:5",
    ]
    assert "unknown key `answr`" in err and "did you mean `answer`?" in err and "missing key" not in err


def test_outputs_are_ordinary_files_not_private_ones(project: Path) -> None:
    run("build")
    mode = (project / "build" / "test-deck.apkg").stat().st_mode & 0o777
    assert mode == 0o666 & ~_current_umask()


def _current_umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
