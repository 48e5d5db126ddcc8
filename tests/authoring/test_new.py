"""`quotedeck new`: a deck that builds at once, and nothing written over a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.checking import run

# A BOM, CRLF, curly quotes: the copy must keep every byte.
SCHEMA_LINE = "# yaml-language-server: $schema=.schema/deck.schema.json\n"


def cards_schema_line(card_file: Path) -> bool:
    """The card file names the schema copied beside it, as yaml-language-server reads a modeline."""
    first = card_file.read_text(encoding="utf-8").splitlines()[0]
    schema = first.removeprefix("# yaml-language-server: $schema=")
    return schema != first and (card_file.parent / schema).is_file()


TEXT = "\ufeffOn Hearts\r\n\r\nThe “human” heart holds a point. That point is innermost.\r\n".encode()


@pytest.fixture
def text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "on-hearts.txt"
    path.write_bytes(TEXT)
    return path


def test_new_deck_builds_at_once(text: Path, tmp_path: Path) -> None:
    code, out, err = run("new", "on-hearts.txt", "my_deck")
    assert (code, err) == (0, "")
    assert out == (
        "Created the deck `On Hearts` in my_deck: "
        "my_deck/deck.yaml, my_deck/texts/on-hearts.txt, my_deck/on-hearts.yaml\n"
        'Next: quotedeck find "words you remember", then write cards in my_deck/on-hearts.yaml\n'
    )
    assert (tmp_path / "my_deck" / "texts" / "on-hearts.txt").read_bytes() == TEXT
    assert (tmp_path / "my_deck" / "deck.yaml").read_text() == SCHEMA_LINE + "name: On Hearts\n"
    assert cards_schema_line(tmp_path / "my_deck" / "on-hearts.yaml")
    cards = (tmp_path / "my_deck" / "on-hearts.yaml").read_text(encoding="utf-8")
    # The first sentence after the title, its first longest word hidden.
    assert "    quote: The “human” heart holds a point.\n    cloze: human\n" in cards
    # The commented examples hide other words: uncommented, no two cards ask the same.
    assert "  # - term: heart\n" in cards and "  #   cloze: [holds]\n" in cards
    code, out, err = run("build", "my_deck")
    assert (code, err) == (0, "")
    assert out.splitlines()[1:] == ["Changes: 1 added, 0 updated, 0 unchanged, 0 removed", "  added: first-sentence"]


def test_commented_cards_build_once_uncommented(text: Path, tmp_path: Path) -> None:
    run("new", "on-hearts.txt")
    card_file = tmp_path / "cards_source" / "on-hearts.yaml"
    lines = card_file.read_text(encoding="utf-8").splitlines()
    card_file.write_text("\n".join(line.replace("  # - ", "  - ").replace("  #   ", "    ") for line in lines))
    assert run("check") == (0, "OK: 3 notes, 3 cards in cards_source, every quote found\n", "")


def test_writes_over_nothing(text: Path, tmp_path: Path) -> None:
    (tmp_path / "cards_source").mkdir()
    (tmp_path / "cards_source" / "on-hearts.yaml").write_text("mine\n")
    code, out, err = run("new", "on-hearts.txt")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "cards_source/on-hearts.yaml:1:1: error: the file exists already; `quotedeck new` writes over nothing",
        "    hint: choose another folder",
        "1 error(s); nothing was written",
    ]
    assert [p.name for p in (tmp_path / "cards_source").iterdir()] == ["on-hearts.yaml"]
    assert (tmp_path / "cards_source" / "on-hearts.yaml").read_text() == "mine\n"


def test_a_long_first_line_is_no_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    long_line = "This text starts at once with a sentence far too long to be any deck's name, and goes on."
    (tmp_path / "the_long-essay.txt").write_text(long_line + "\n", encoding="utf-8")
    code = run("new", "the_long-essay.txt")[0]
    assert (code, (tmp_path / "cards_source" / "deck.yaml").read_text()) == (0, SCHEMA_LINE + "name: The long essay\n")
    assert run("check")[0] == 0


def test_a_text_too_short_for_a_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.txt").write_text("Word\n", encoding="utf-8")
    assert run("new", "one.txt") == (
        1,
        "",
        "one.txt:1:1: error: the text has no paragraph of two words or more\n"
        "    hint: a card quotes a few words\n1 error(s); nothing was written\n",
    )
    assert not (tmp_path / "cards_source").exists()
