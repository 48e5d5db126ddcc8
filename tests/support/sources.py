"""Small card sources written into a temporary folder, for tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from quotedeck.cli import main

TEXT = """\
The Light gives a new force to the one who asks.
A person asks the Light to change him, and the
Light answers “from above.”

The human heart holds a point. That point is the innermost point,
where the Creator is found. It’s called the bottom of the heart.
"""

CARDS = """\
source:
  text: texts/sample.txt
  title: A Sample Text
  author: Test Author
tags: [sample]
cards:
  - term: the innermost point
    definition: The place in the heart where the Creator is found.
    quote: "That point is the innermost point, where the Creator is found."
  - question: What does the Light give to the one who asks?
    answer: A new force.
    quote: "The Light gives a new force to the one who asks."
    cloze: [a new force]
    id: light-gives
"""


def write_source(
    root: Path,
    cards: str | dict[str, str] = CARDS,
    texts: dict[str, str] | None = None,
    deck: str = "name: Test Deck\ntags: [test-deck]\n",
) -> Path:
    """Write `cards_source/` under `root` and return its path."""
    source = root / "cards_source"
    (source / "texts").mkdir(parents=True, exist_ok=True)
    (source / "deck.yaml").write_text(deck, encoding="utf-8")
    for name, text in (texts or {"sample.txt": TEXT}).items():
        (source / "texts" / name).write_text(text, encoding="utf-8")
    for name, body in ({"sample.yaml": cards} if isinstance(cards, str) else cards).items():
        (source / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return source


def run(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process: exit code, stdout, stderr."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr
