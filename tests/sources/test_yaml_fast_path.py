"""load_yaml's fast path (libyaml's C composer) gives exactly what composing the
events here gives: the same tree, or the same problem at the same place."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quotedeck.problems import Problem
from quotedeck.sources import yamlnodes
from quotedeck.sources.reading import read_utf8
from quotedeck.sources.yamlnodes import MAX_DEPTH, MAX_VALUES, MappingNode, Node, ScalarNode, load_yaml
from tests.support.checking import CARD, HEAD

pytestmark = pytest.mark.skipif(not yamlnodes.FAST_COMPOSER, reason="this PyYAML was built without libyaml")

FIXED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SCALAR = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    # Texts a resolver reads as other types, and `!&*` inside words (FRAGMENT puts them elsewhere).
    st.sampled_from(["yes", "1984", "null", "~", "1.5e3", "2001-12-14", "0x1F", "Wow!", "a*b", "AT&T"]),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=12,
)
# Inserted anywhere: what must be refused, what is only text, and syntax errors.
MARKS = ["&a ", "*a", "!!str ", "!!int ", "!x ", "! ", "%TAG !e! tag:e.org,2000:\n", "%YAML 1.1\n", "Wow! ", "a&b*c!"]
SYNTAX = ["---\n", "--- ", "...\n", " #", "- ", ": ", "? ", "\n", "  ", "\t", "[", "]", "{", "}", ",", "'", '"', "\\"]
TEXT = ["|\n", ">-\n", "\r\n", "\ufeff", "\x85", "\u2028"]  # block scalars, line breaks, a BOM
DEEP = ["[" * (MAX_DEPTH + 2), "{a: " * (MAX_DEPTH + 2), "- " * (MAX_DEPTH + 2)]
FRAGMENT = st.sampled_from([*MARKS, *SYNTAX, *TEXT, *DEEP])


def nested(value: Any, depth: int, as_list: bool) -> Any:
    for _ in range(depth):
        value = [value] if as_list else {"k": value}
    return value


@st.composite
def card_files(draw: st.DrawFn) -> str:
    cards = draw(st.lists(st.dictionaries(st.sampled_from(["term", "quote", "cloze", "id"]), VALUE), max_size=4))
    if draw(st.sampled_from([False, False, False, True])):  # around MAX_DEPTH levels, in either style
        cards.append({"term": nested("x", draw(st.integers(MAX_DEPTH - 4, MAX_DEPTH + 2)), draw(st.booleans()))})
    text = yaml.safe_dump(
        {"source": {"text": "texts/t.txt"}, "cards": cards},
        default_flow_style=draw(st.sampled_from([False, None, True])),
        default_style=draw(st.sampled_from([None, None, None, '"', "'", "|", ">"])),
        canonical=draw(st.sampled_from([False] * 9 + [True])),  # tags and `---` on everything
        allow_unicode=draw(st.booleans()),
        width=draw(st.integers(10, 120)),
        indent=draw(st.integers(2, 4)),
        explicit_start=draw(st.sampled_from([False] * 5 + [True])),
        sort_keys=False,
    )
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(FRAGMENT) + text[at:]
    return text


def shape(node: Node) -> tuple[Any, ...]:
    """All that a node holds, marks by their line and column."""
    start, end = node.start_mark, node.end_mark
    marks = (start.line, start.column, end.line, end.column)
    if isinstance(node, ScalarNode):
        return (type(node), node.tag, node.value, node.style, marks)
    items = node.value if isinstance(node, MappingNode) else [(item,) for item in node.value]
    children = [tuple(shape(part) for part in item) for item in items]
    return (type(node), node.tag, node.flow_style, marks, children)


def loaded(path: Path, fast: bool) -> Problem | tuple[Any, ...]:
    with mock.patch.object(yamlnodes, "FAST_COMPOSER", fast):
        result = load_yaml(path)
    return result if isinstance(result, Problem) else shape(result)


def assert_same_with_and_without_fast_path(text: str, max_values: int = MAX_VALUES) -> bool:
    """Whether the fast path was taken."""
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(yamlnodes, "MAX_VALUES", max_values):
        path = Path(tmp) / "cards.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        assert loaded(path, fast=True) == loaded(path, fast=False)
        read = read_utf8(path)
        return isinstance(read, str) and yamlnodes.compose_fast(read) is not None


@settings(FIXED, max_examples=400)
@given(card_files(), st.sampled_from([MAX_VALUES, MAX_VALUES, 10, 40]))
def test_fast_path_agrees_on_random_card_files(text: str, max_values: int) -> None:
    taken = assert_same_with_and_without_fast_path(text, max_values)
    event("fast path" if taken else "composed here")


@pytest.mark.parametrize(
    "text",
    [
        HEAD + CARD,
        HEAD + CARD.replace("found.", "found! Wow! a*b AT&T"),
        HEAD + "  - term: [a, {b: c}, 'd', \"e\"]\n    quote: |\n      f\n    cloze: >-\n      g\n",
        HEAD + CARD + "...\n",
    ],
    ids=["card", "marks-inside-words", "flow-and-styles", "document-end"],
)
def test_plain_card_files_take_the_fast_path(text: str) -> None:
    assert assert_same_with_and_without_fast_path(text)


@pytest.mark.parametrize(
    "text",
    [
        HEAD + CARD.replace("found.", "found, *so* it is"),
        HEAD + CARD.replace("found.", "&c found."),
        HEAD + "  - term: !!str 1984\n",
        "cards: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
        HEAD + CARD + "---\n" + HEAD,
        HEAD + CARD + "  - term: [x\n",
        "- term: x\n",
    ],
    ids=["emphasis", "anchor", "tag", "too-deep", "two-documents", "syntax-error", "not-a-mapping"],
)
def test_what_may_be_refused_is_composed_here(text: str) -> None:
    assert not assert_same_with_and_without_fast_path(text)


@pytest.mark.parametrize("flow", [True, False], ids=["flow", "block"])
def test_nesting_just_within_the_limit_takes_the_fast_path(flow: bool) -> None:
    # Below the top-level mapping: MAX_DEPTH - 1 levels, the innermost for the text "x".
    within = yaml.safe_dump({"cards": nested("x", MAX_DEPTH - 2, as_list=True)}, default_flow_style=flow)
    beyond = yaml.safe_dump({"cards": nested("x", MAX_DEPTH - 1, as_list=True)}, default_flow_style=flow)
    assert assert_same_with_and_without_fast_path(within)
    assert not assert_same_with_and_without_fast_path(beyond)


def test_a_file_that_could_hold_too_many_values_is_composed_here() -> None:
    """libyaml builds its whole tree before it can be counted: only a text too short to hold
    more values than the limit goes to it."""
    text = HEAD + CARD
    assert not assert_same_with_and_without_fast_path(text, max_values=3 * len(text) - 1)
    assert assert_same_with_and_without_fast_path(text, max_values=3 * len(text))


def _tags(node: Node) -> list[str]:
    found = [node.tag]
    if isinstance(node, MappingNode):
        for key, value in node.value:
            found += _tags(key) + _tags(value)
    elif isinstance(node.value, list):
        for item in node.value:
            found += _tags(item)
    return found


@FIXED
@given(VALUE)
def test_the_loader_resolves_every_value_as_pyyamls_safe_loader_does(value: Any) -> None:
    """Our loader looks up PyYAML's own resolvers with less work a node: the same tag for every
    number, boolean, null, date or text, plain or quoted."""
    text = yaml.safe_dump({"v": value}, allow_unicode=True)
    assert _tags(yaml.compose(text, Loader=yamlnodes.Loader)) == _tags(yaml.compose(text, Loader=yaml.SafeLoader))


@pytest.mark.parametrize(
    "plain",
    [
        *["yes", "No", "on", "OFF", "~", "null", "", "1984", "-12", "+1", "0o17", "0x1F", "1_000", "1:20", "1.5e3"],
        *[".inf", "-.Inf", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "=", "<<", "Wow!", "a b", "é"],
    ],
)
def test_a_plain_scalar_gets_the_tag_pyyamls_safe_loader_gives_it(plain: str) -> None:
    text = f"v: {plain}\nw: [{plain}]\n"
    assert _tags(yaml.compose(text, Loader=yamlnodes.Loader)) == _tags(yaml.compose(text, Loader=yaml.SafeLoader))
