"""A source text as quotes are matched against it, and as its words appear.

SourceText.normalized has straight quotes; a passage offered to the curator
should keep the text's own curly ones. Straightening replaces one character
with one, so the two strings line up offset for offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from quotedeck.problems import Location, Problem, error
from quotedeck.sources.reading import read_utf8
from quotedeck.verify.texts import SourceText, collapse_whitespace, parse_text

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")  # as verify/texts.py splits paragraphs


@dataclass(frozen=True)
class TextView:
    text: SourceText
    shown: str  # `text.normalized` with the text's own quote marks

    def passage(self, start: int, end: int) -> str:
        return self.shown[start:end]


def view(path: Path, raw: str) -> TextView:
    text = parse_text(path, raw)
    shown = " ".join(p for p in (collapse_whitespace(p) for p in _PARAGRAPH_BREAK.split(raw)) if p)
    if len(shown) != len(text.normalized):  # cannot happen while straightening maps one to one
        shown = text.normalized
    return TextView(text, shown)


def load_view(path: Path, cited_at: Location | None = None) -> TextView | Problem:
    raw = read_utf8(path, cited_at)
    if isinstance(raw, Problem):
        return raw
    loaded = view(path, raw)
    if not loaded.text.normalized:
        return error(cited_at or Location(path), f"the text file {path.name} is empty", "paste the text into it")
    return loaded
