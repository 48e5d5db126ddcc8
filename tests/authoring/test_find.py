"""`quotedeck find`: the right paragraph for a rough phrase, and a `quote:` line that verifies as it stands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.checking import run
from tests.support.sources import write_source

TEXT = """\
A Small Book of Hearts

The human heart holds a point. That point is the innermost point,
where the Creator is found. It’s called the bottom of the heart.

A person asks the Light to change him: the Light answers “from above” # not below.

When the desire understands its own nature, it asks for the opposite
transformation, and the Light gives it a new force to rise above itself.
"""

CARDS = """\
source:
  text: texts/hearts.txt
  title: A Small Book of Hearts
cards:
  - term: the innermost point
    definition: Where the Creator is found.
    quote: That point is the innermost point, where the Creator is found.
"""


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_source(tmp_path, CARDS, {"hearts.txt": TEXT})


def test_prints_the_passage_its_place_and_a_quote_line(deck: Path) -> None:
    code, out, err = run("find", "-n", "1", "where", "the", "creator", "is", "found")
    assert (code, err) == (0, "")
    assert out == (
        "cards_source/texts/hearts.txt, paragraph 2 (100% similar):\n"
        "  That point is the innermost point, where the Creator is found.\n"
        "    quote: That point is the innermost point, where the Creator is found.\n"
    )


@pytest.mark.parametrize(
    ("query", "paragraph", "passage"),
    [
        ("the Light gives it a new power to rise above itself", 4, "When the desire understands"),  # a wrong word
        ("the desire understands its nature", 4, "When the desire understands"),  # a missing word
        ("where the Creator is found, that point is the innermost point", 2, "That point is the innermost"),  # swapped
        ("THE HUMAN HEART KEEPS A POINT", 2, "The human heart holds a point."),  # case, and a wrong word
    ],
)
def test_a_rough_phrase_finds_its_paragraph(deck: Path, query: str, paragraph: int, passage: str) -> None:
    code, out, _ = run("find", "--json", query)
    assert code == 0
    best = json.loads(out)["results"][0]
    assert (best["paragraph"], best["passage"][: len(passage)]) == (paragraph, passage)


def test_the_quote_line_verifies_when_pasted_into_a_card(deck: Path) -> None:
    code, out, _ = run("find", "-n", "1", "the light answers from above")
    assert code == 0
    passage, quote_line = out.splitlines()[1:3]
    assert passage == "  A person asks the Light to change him: the Light answers “from above” # not below."
    # `: ` and ` #` make a plain scalar mean something else: the line is double-quoted.
    assert (
        quote_line == '    quote: "A person asks the Light to change him: the Light answers “from above” # not below."'
    )
    card = f"  - term: from above\n    definition: Where the answer comes from.\n{quote_line}\n"
    (deck / "sample.yaml").write_text(CARDS + card, encoding="utf-8")
    assert run("check") == (0, "OK: 2 notes, 2 cards in cards_source, every quote found\n", "")


def test_json_for_editors(deck: Path) -> None:
    code, out, _ = run("find", "--json", "-n", "2", "the HEART")
    assert code == 0
    found = json.loads(out)
    assert found["query"] == "the HEART"
    assert [sorted(r) for r in found["results"]] == [
        ["paragraph", "passage", "place", "quote", "similarity", "text"]
    ] * 2
    first = found["results"][0]
    assert first["text"] == "cards_source/texts/hearts.txt"
    assert (first["paragraph"], first["similarity"]) == (2, 100.0)
    assert [r["passage"] for r in found["results"]] == [
        "It’s called the bottom of the heart.",  # `the heart` as written comes first
        "The human heart holds a point.",
    ]
    assert first["quote"] == f"quote: {first['passage']}"


def test_paragraph_shows_the_whole_paragraph(deck: Path) -> None:
    code, out, _ = run("find", "--paragraph", "-n", "1", "heart holds a point")
    assert code == 0
    whole = "The human heart holds a point. That point is the innermost point, where the Creator is found. "
    whole += "It’s called the bottom of the heart."
    assert out.splitlines()[1:] == [f"  {whole}", f"    quote: {whole}"]


def test_source_folder_as_first_word_and_a_single_text(deck: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Nothing about hearts here.\n\nA point of order, however, was raised.\n", encoding="utf-8")
    assert run("find", "cards_source", "-n", "1", "point of order")[1].startswith("cards_source/texts/hearts.txt")
    code, out, _ = run("find", "--text", str(other), "-n", "1", "point of order")
    assert (code, out.splitlines()[0]) == (0, "other.txt, paragraph 2 (100% similar):")


def test_nothing_found(deck: Path) -> None:
    assert run("find", "zebra", "quagga") == (1, "", "error: nothing like `zebra quagga` in 1 text\n")
