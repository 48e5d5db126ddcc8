"""Load a YAML file as a tree of nodes that keep their line and column.

Only PyYAML's safe composer runs: no tags are constructed, nothing executes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quotedeck.problems import Location, Problem, error
from quotedeck.reading import read_utf8

try:  # libyaml's parser is several times faster; PyYAML falls back without it
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

STR_TAG = "tag:yaml.org,2002:str"

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode", "load_yaml", "node_location"]


def node_location(path: Path, node: Node) -> Location:
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # The parser allocates millions of small objects; the cyclic collector
    # would rescan them again and again for nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_yaml(path: Path) -> MappingNode | Problem:
    """The file's top-level mapping, or the first problem that prevents reading it."""
    text = read_utf8(path)
    if isinstance(text, Problem):
        return text
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return error(Location(path), "the file is empty", "add the keys this file needs")
    try:
        with _collector_paused():
            node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        return _syntax_error(path, exc)
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks its errors
        return error(Location(path), f"invalid YAML: {exc}")
    if not isinstance(node, MappingNode):
        return error(
            node_location(path, node) if node else Location(path),
            "the file must be a mapping of keys to values",
            "start lines with `key: value`",
        )
    return node


def _syntax_error(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem or "\t" in problem:
        return error(where, "a tab character is used for indentation", "indent with spaces")
    message = f"invalid YAML: {exc.context + ', ' if exc.context else ''}{problem}"
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = 'put text that contains ": " in double quotes'
    elif "found unknown escape" in problem:
        hint = "in double-quoted text write a backslash as \\\\"
    return error(where, message, hint)
