"""Names the file system refuses (a file name over 255 bytes) are located problems, never a traceback."""

from pathlib import Path

import pytest

from tests.support.checking import CARD, HEAD, errors, run

pytestmark = pytest.mark.usefixtures("in_tmp")

LONG = "a" * 300  # over the 255 bytes a file name may have on Linux, macOS and Windows


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("text", [f"texts/{LONG}.txt", f"{LONG}/sample.txt", "/".join(["texts"] * 1000)])
def test_a_text_name_too_long_for_the_file_system(tmp_path: Path, text: str) -> None:
    assert errors(tmp_path, HEAD.replace("texts/sample.txt", text) + CARD) == [
        "cards_source/sample.yaml:2:9: error: the text path is too long for the file system",
        "    hint: give the text a shorter name",
        "1 error(s); nothing was written",
    ]


@pytest.mark.parametrize("command", ["check", "build", "preview"])
def test_a_source_folder_name_too_long_for_the_file_system(command: str) -> None:
    assert run(command, LONG) == (
        1,
        "",
        f"{LONG}:1:1: error: cannot open the card source folder: File name too long\n"
        "    hint: pass the folder that holds deck.yaml\n"
        "1 error(s); nothing was written\n",
    )
