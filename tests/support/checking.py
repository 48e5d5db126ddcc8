"""Run the CLI on a small source folder and read what it says on stderr."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from quotedeck.cli import main
from tests.support.sources import TEXT, write_source

HEAD = """\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
"""

# A card whose quote is in tests.support.sources.TEXT; line 5 of a file that starts with HEAD.
CARD = """\
  - term: the innermost point
    definition: The place where the Creator is found.
    quote: "That point is the innermost point, where the Creator is found."
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def errors(
    root: Path,
    cards: str | dict[str, str] = HEAD + CARD,
    texts: dict[str, str] | None = None,
    deck: str | None = "name: Test Deck\n",
) -> list[str]:
    """Write the sources under `root` (the working directory; no deck.yaml if `deck` is None),
    run `quotedeck check`, and return its stderr lines. It must fail with exit code 1 and
    print nothing on stdout; `quotedeck build` must say exactly the same and write nothing."""
    assert Path.cwd() == root, "chdir to root first (monkeypatch.chdir)"
    source = write_source(root, cards, texts if texts is not None else {"sample.txt": TEXT}, deck or "")
    if deck is None:
        (source / "deck.yaml").unlink()
    before = sorted(root.rglob("*"))
    code, out, err = run("check", "cards_source")
    assert (code, out) == (1, ""), (code, out, err)
    assert run("build", "cards_source") == (code, out, err)
    assert sorted(root.rglob("*")) == before, "a failed run must write nothing"
    assert not os.path.exists(root / "build")
    return err.splitlines()
