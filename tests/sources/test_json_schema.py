"""The JSON Schemas shipped for editors: the shipped deck and the README's examples pass them, and
they agree with the parser on every key, on which are required, and on the kind of each value."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from quotedeck.sources.parse import (
    DECK_KEYS,
    DRAFT_KEYS,
    FILE_KEYS,
    PHRASE_KEYS,
    QUESTION_KEYS,
    SOURCE_KEYS,
    TERM_KEYS,
    parse_card_file,
    parse_deck,
)
from tests.support.media import image, sound
from tests.support.sources import write_source

ROOT = Path(__file__).resolve().parents[2]


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((files("quotedeck.sources") / "schema" / f"{name}.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(loaded)
    return loaded


CARDS, DECK = schema("cards"), schema("deck")


def valid(document: object, against: dict[str, Any]) -> bool:
    return jsonschema.Draft7Validator(against).is_valid(document)


def test_the_shipped_deck_passes() -> None:
    source = ROOT / "cards_source"
    assert valid(yaml.safe_load((source / "deck.yaml").read_text(encoding="utf-8")), DECK)
    card_files = sorted(source.glob("*.yaml"))
    assert len(card_files) > 1
    for path in card_files:
        if path.name != "deck.yaml":
            assert valid(yaml.safe_load(path.read_text(encoding="utf-8")), CARDS), path.name


def test_every_readme_example_passes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    checked = 0
    for block in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S):
        document = yaml.safe_load(block)
        if document is None:
            continue
        if isinstance(document, list):  # cards shown alone, without their file's head
            document = {"source": {"text": "t.txt", "title": "T"}, "cards": document}
        if "cards" in document and "source" not in document:
            document["source"] = {"text": "t.txt", "title": "T"}
        against = CARDS if "cards" in document else DECK
        errors = [e.message for e in jsonschema.Draft7Validator(against).iter_errors(document)]
        assert not errors, f"{block}\n{errors}"
        checked += 1
    assert checked >= 4


def _keys(node: dict[str, Any]) -> tuple[set[str], set[str]]:
    return set(node["properties"]), set(node.get("required", ()))


def test_the_keys_and_required_keys_are_the_parsers() -> None:
    definitions = CARDS["definitions"]
    phrase = definitions["phrase"]["oneOf"][1]
    assert _keys(DECK)[0] == set(DECK_KEYS)
    assert _keys(CARDS)[0] == set(FILE_KEYS)
    assert _keys(CARDS["properties"]["source"])[0] == set(SOURCE_KEYS)
    assert _keys(definitions["term"])[0] == set(TERM_KEYS)
    assert _keys(definitions["question"])[0] == set(QUESTION_KEYS)
    assert _keys(definitions["draft"])[0] == set(DRAFT_KEYS)
    assert _keys(phrase)[0] == set(PHRASE_KEYS)


GOOD_TERM = {"term": "the innermost point", "definition": "A place.", "quote": "That point is the innermost point"}
GOOD_QUESTION = {
    "question": "What does the Light give?",
    "answer": "A new force.",
    "quote": "The Light gives a new force to the one who asks.",
    "cloze": "a new force",
    "id": "light-gives",
}


def card_file(card: dict[str, Any]) -> dict[str, Any]:
    return {"source": {"text": "texts/sample.txt", "title": "A Sample Text"}, "tags": ["t"], "cards": [card]}


def parser_accepts(tmp_path: Path, document: dict[str, Any]) -> bool:
    source = write_source(tmp_path)
    image(source / "media" / "page.png", 10, 10)
    sound(source / "media" / "quote.wav")
    path = source / "sample.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    _, problems = parse_card_file(source, path, "Test Deck")
    return not problems


CARD_CASES = [
    (GOOD_TERM, "term"),
    ({**GOOD_TERM, "also": ["x"], "extra": "e", "image": "media/page.png", "audio": "media/quote.wav"}, "term"),
    (GOOD_QUESTION, "question"),
    ({**GOOD_QUESTION, "tags": ["a"], "cloze": [{"phrase": "a new force", "hint": "h"}]}, "question"),
]


@pytest.mark.parametrize(("card", "kind"), CARD_CASES)
def test_schema_and_parser_agree_on_each_key_left_out_or_of_another_kind(
    card: dict[str, Any], kind: str, tmp_path: Path
) -> None:
    assert parser_accepts(tmp_path / "whole", card_file(card)) and valid(card_file(card), CARDS)
    for number, key in enumerate(card):
        without = {k: v for k, v in card.items() if k != key}
        if key == kind:
            continue  # without its term or question it is another card altogether
        by_parser = parser_accepts(tmp_path / f"without-{number}", card_file(without))
        assert by_parser == valid(card_file(without), CARDS), f"leaving out `{key}`"
        wrong_kind = {**card, key: 42}
        assert not parser_accepts(tmp_path / f"number-{number}", card_file(wrong_kind)), key
        assert not valid(card_file(wrong_kind), CARDS), f"`{key}: 42`"
    unknown = {**card, "colour": "red"}
    assert not valid(card_file(unknown), CARDS) and not parser_accepts(tmp_path / "unknown", card_file(unknown))


def test_schema_and_parser_agree_on_deck_yaml(tmp_path: Path) -> None:
    cases = [
        {"name": "A"},
        {"name": "A", "description": "d", "tags": ["x"]},
        {"description": "d"},
        {"name": 42},
        {"name": "A", "tags": "x"},
        {"name": "A", "colour": "red"},
    ]
    for number, document in enumerate(cases):
        path = tmp_path / str(number) / "deck.yaml"
        path.parent.mkdir()
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        deck, problems = parse_deck(path)
        assert (deck is not None and not problems) == valid(document, DECK), document
