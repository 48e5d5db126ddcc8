"""Where each word of a text value is written in its card file: a message about one word
of a quote points at that word, on whichever line of the scalar it is.

The value's k-th word is the k-th run of non-space characters after the
scalar's start, for a plain scalar, a quoted one and a `|` or `>` block alike
(folding and indentation only change the whitespace between words). Each word
is checked against what is written there, its quotes escaped as the style
escapes them; the first that is written otherwise (another escape, a `\\` line
continuation) ends what can be located.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quotedeck.problems import Location, Problem
from quotedeck.sources.reading import read_utf8
from quotedeck.sources.yamlnodes import MAX_YAML_BYTES, YAML_LINE_BREAK

_WRITTEN_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class CardText:
    """A card file's text, as the card files are read, and where each of its lines starts."""

    source: str
    line_starts: tuple[int, ...]


def read_card_text(path: Path) -> CardText | None:
    """The card file's text, or None if it cannot be read now."""
    source = read_utf8(path, max_bytes=MAX_YAML_BYTES)
    if isinstance(source, Problem):
        return None
    return CardText(source=source, line_starts=(0, *(m.end() for m in YAML_LINE_BREAK.finditer(source))))


def word_locations(text: CardText, start: Location, words: list[str], count: int) -> list[Location]:
    """Where the first `count` of `words` (a scalar's value, split at whitespace) are written
    in the card file, the scalar starting at `start`; fewer where unsure."""
    source, line_starts = text.source, text.line_starts
    if not 1 <= start.line <= len(line_starts):
        return []
    at = line_starts[start.line - 1] + start.column - 1
    if at >= len(source):
        return []
    style = source[at]
    written: Callable[[str], str] = _as_is
    closing = ",]}"  # what may follow a plain scalar's last word in a flow mapping or list
    if style in "|>":  # a block scalar's words start on the line after its header
        header_end = YAML_LINE_BREAK.search(source, at)
        if header_end is None:
            return []
        at, closing = header_end.end(), ""
    elif style in "'\"":
        at, closing = at + 1, style
        written = _single_quoted if style == "'" else _double_quoted
    found: list[Location] = []
    for index, token in enumerate(_WRITTEN_WORD.finditer(source, at)):
        if index >= min(count, len(words)):
            break
        word, raw = written(words[index]), token.group()
        last = index == len(words) - 1
        if raw != word and not (last and raw.startswith(word) and raw[len(word)] in closing):
            break
        line = bisect.bisect_right(line_starts, token.start())
        found.append(Location(start.path, line, token.start() - line_starts[line - 1] + 1))
    return found


def _as_is(word: str) -> str:
    return word


def _single_quoted(word: str) -> str:
    return word.replace("'", "''")


def _double_quoted(word: str) -> str:
    return word.replace("\\", "\\\\").replace('"', '\\"')
