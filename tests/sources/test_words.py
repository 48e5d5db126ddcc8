"""Where each word of a quote is written in its card file, whatever the scalar's style."""

from pathlib import Path

import pytest

from quotedeck.problems import Location
from quotedeck.sources.words import read_card_text, word_locations
from quotedeck.sources.yamlnodes import MappingNode, ScalarNode, SequenceNode, load_yaml

WORDS = ["That", "point's", "the", '"inner"', "point,", "where", "it", "is."]


def _quote(path: Path) -> tuple[Location, str]:
    root = load_yaml(path)
    assert isinstance(root, MappingNode)
    cards = root.value[0][1]
    assert isinstance(cards, SequenceNode) and isinstance(cards.value[0], MappingNode)
    node = dict((k.value, v) for k, v in cards.value[0].value)["quote"]
    assert isinstance(node, ScalarNode)
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1), node.value


def _written(path: Path, newline: str = "\n") -> list[str]:
    """The word written at each place located for the quote's words."""
    start, value = _quote(path)
    text = read_card_text(path)
    assert text is not None
    lines = path.read_bytes().decode().split(newline)
    words = value.split()
    found = word_locations(text, start, words, len(words))
    return [lines[at.line - 1][at.column - 1 :].split()[0] for at in found]


@pytest.mark.parametrize(
    ("quote", "escaped"),
    [
        ('quote: That point\'s the "inner" point,\n      where it is.\n', {}),
        ("quote: 'That point''s the \"inner\" point,\n\n      where it is.'\n", {"point's": "point''s"}),
        ('quote: "That point\'s the \\"inner\\" point,\n      where it is."\n', {'"inner"': '\\"inner\\"'}),
        ('quote: |  # as printed\n      That point\'s the "inner" point,\n      where it is.\n', {}),
        ('quote: >-\n      That point\'s the "inner"\n        point,\n      where it is.\n', {}),
    ],
    ids=["plain", "single-quoted", "double-quoted", "literal block", "folded block"],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_each_word_is_located_where_it_is_written(
    tmp_path: Path, quote: str, escaped: dict[str, str], newline: str
) -> None:
    path = tmp_path / "cards.yaml"
    path.write_bytes(f"cards:\n  - term: x\n    {quote}    id: x\n".replace("\n", newline).encode())
    written = _written(path, newline)
    expected = [escaped.get(word, word) for word in WORDS]
    assert written[:-1] == expected[:-1]
    assert written[-1].startswith(expected[-1])  # the closing quote, if any, follows the last word


def test_a_flow_mapping_and_non_ascii_before_the_quote(tmp_path: Path) -> None:
    path = tmp_path / "cards.yaml"
    line = '  - {term: été, quote: That point\'s the "inner" point where it is., id: x}'
    path.write_text(f"cards:\n{line}\n")
    start, value = _quote(path)
    text = read_card_text(path)
    assert text is not None
    found = word_locations(text, start, value.split(), 8)
    columns = [line.index(word) + 1 for word in ("That", "point's", "the", '"inner"', "point ", "where", "it", "is.")]
    assert [(at.line, at.column) for at in found] == [(2, column) for column in columns]


def test_an_escape_ends_what_is_located(tmp_path: Path) -> None:
    path = tmp_path / "cards.yaml"
    path.write_text('cards:\n  - term: x\n    quote: "That point\\u0027s the inner point"\n')
    start, value = _quote(path)
    text = read_card_text(path)
    assert text is not None
    assert value == "That point's the inner point"
    assert [(at.line, at.column) for at in word_locations(text, start, value.split(), 5)] == [(3, 13)]
