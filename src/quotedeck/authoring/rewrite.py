"""Byte-exact edits of a YAML file: a scalar replaced in its own span, a line inserted.

A card file is rewritten as text with its own line endings (CRLF stays CRLF)
and byte-order mark; YAML's marks give each scalar's line and column in the
text the parser read (line endings made `\\n`), which are the same lines and
columns here.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from yaml import Mark

from quotedeck.authoring.yaml_quoting import double_quoted, restyled
from quotedeck.sources.yamlnodes import Node, ScalarNode

# Line breaks as YAML counts lines (the parser read `\r\n` and `\r` as one `\n`).
_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_BOM = "\ufeff"
# What a block scalar cannot hold as it is (a tab is fine).
_NOT_IN_BLOCKS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


@dataclass(frozen=True)
class Edit:
    """One replacement in a card file: a span of its text and what goes there."""

    start: int  # offsets in SourceFile.text
    end: int
    new: str


class SourceFile:
    """A file's text as it is on disk (without its byte-order mark), with offsets for YAML marks."""

    def __init__(self, data: bytes) -> None:
        decoded = data.decode("utf-8")
        self.bom = decoded.startswith(_BOM)
        self.text = decoded.removeprefix(_BOM)
        breaks = list(_BREAK.finditer(self.text))
        self.line_starts = [0] + [m.end() for m in breaks]
        self.line_ends = [m.start() for m in breaks] + [len(self.text)]

    def offset(self, mark: Mark | None) -> int:
        if mark is None:
            raise ValueError("a node without a place")
        return self.line_starts[mark.line] + mark.column

    def line_end(self, line: int) -> int:
        """Where line `line` (from 0) ends, before its break."""
        return self.line_ends[line]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def newline_after(self, line: int) -> str:
        """The break that ends line `line`, or the file's first one, or `\\n`."""
        end = self.line_end(line)
        found = _BREAK.match(self.text, end)
        if found:
            return found.group()
        first = _BREAK.search(self.text)
        return first.group() if first else "\n"

    def value_end(self, node: Node) -> int:
        """Where a value's own text ends: after a block scalar's last line of content
        (not the blank lines YAML counts to it), else at its end mark."""
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            first_line = node.start_mark.line if node.start_mark else 0
            last = node.end_mark.line if node.end_mark else first_line
            if node.end_mark is not None and node.end_mark.column == 0:
                last -= 1
            for line in range(last, first_line, -1):
                if self.text[self.line_starts[line] : self.line_end(line)].strip():
                    return self.line_end(line)
            return self.line_end(first_line)
        return self.offset(node.end_mark)

    def apply(self, edits: list[Edit]) -> bytes:
        text = self.text
        last = len(text) + 1
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            if edit.end > last:
                raise ValueError("edits overlap")
            text = text[: edit.start] + edit.new + text[edit.end :]
            last = edit.start
        return ((_BOM if self.bom else "") + text).encode("utf-8")


def replace_scalar(source: SourceFile, node: ScalarNode, value: str, *, flow: bool) -> Edit:
    """`node` written anew as `value`, in its own style where the value allows it."""
    start, end = source.offset(node.start_mark), source.value_end(node)
    if node.style in ("|", ">"):
        block = _block(source, node, value)
        if block is not None:
            return Edit(start, end, block)
        return Edit(start, end, double_quoted(value))
    return Edit(start, end, restyled(value, node.style, flow=flow))


def _block(source: SourceFile, node: ScalarNode, value: str) -> str | None:
    """A `|` or `>` scalar with the same header and indentation, or None where the value
    cannot be written so (a line starting with a space, a control character)."""
    header_line = node.start_mark.line if node.start_mark else 0
    header = source.text[source.offset(node.start_mark) : source.line_end(header_line)]
    content = [
        source.text[source.line_starts[line] : source.line_end(line)]
        for line in range(header_line + 1, source.line_of(source.value_end(node)) + 1)
    ]
    first = next((line for line in content if line.strip()), None)
    if first is None:
        return None
    indent = first[: len(first) - len(first.lstrip(" "))]
    body = value.rstrip("\n")
    lines = body.split("\n")
    if (
        not body
        or any(line[:1] in (" ", "\t") for line in lines)
        or _NOT_IN_BLOCKS.search(body)
        or (node.style == ">" and "\n\n" in body)
    ):
        return None
    newline = source.newline_after(header_line)
    between = newline + newline if node.style == ">" else newline  # a folded break is a blank line
    return header + newline + between.join(indent + line if line else "" for line in lines)
