"""A scalar written by authoring/yaml_quoting.py reads back, through the project's own loader, as the same text."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotedeck.authoring.yaml_quoting import double_quoted, plain, scalar, single_quoted
from quotedeck.sources.yamlnodes import MappingNode, ScalarNode, load_yaml


def read_back(document: str) -> object:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "card.yaml"
        path.write_text(document, encoding="utf-8", newline="")
        node = load_yaml(path)
    assert isinstance(node, MappingNode), node
    value = node.value[0][1]
    if isinstance(value, MappingNode):  # the flow form `{k: {k: …}}`
        value = value.value[0][1]
    assert isinstance(value, ScalarNode)
    return value.value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("That point is the innermost point.", "That point is the innermost point."),
        ("yes", '"yes"'),  # a boolean in YAML 1.1
        ("12", '"12"'),
        ("answers: from above", '"answers: from above"'),
        ("a # comment", '"a # comment"'),
        ("*alias", '"*alias"'),
        ('“curly” and "straight"', '“curly” and "straight"'),
        ('"straight" first', '"\\"straight\\" first"'),
        ("tab\there", '"tab\\there"'),
        ("line\u2028separator", '"line\\Lseparator"'),
        (" leading space", '" leading space"'),
    ],
)
def test_plain_when_safe_else_double_quoted(value: str, written: str) -> None:
    assert scalar(value) == written
    assert read_back(f"quote: {written}\n") == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1))
def test_every_scalar_reads_back_as_written(value: str) -> None:
    assert read_back(f"quote: {scalar(value)}\n") == value
    assert read_back(f"quote: {double_quoted(value)}\n") == value
    single = single_quoted(value)
    if single is not None:
        assert read_back(f"quote: {single}\n") == value
    flow = plain(value, flow=True)
    if flow is not None:
        assert read_back(f"k: {{k: {flow}}}\n") == value
