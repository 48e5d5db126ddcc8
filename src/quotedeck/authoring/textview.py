"""A source text as quotes are matched against it, and as its words appear.

SourceText.normalized has straight quotes; a passage offered to the curator
should keep the text's own curly ones. Straightening replaces one character
with one, so the two strings line up offset for offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quotedeck.extract.formats import extract
from quotedeck.extract.hyphens import with_words_joined
from quotedeck.extract.plain import plain_paragraphs
from quotedeck.problems import Location, Problem
from quotedeck.verify.texts import Extract, SourceText, assemble, load_shown


@dataclass(frozen=True)
class TextView:
    """A text as quotes match it, and as its words appear, offset for offset."""

    text: SourceText
    shown: str  # `text.normalized` with the text's own quote marks

    def passage(self, start: int, end: int) -> str:
        return self.shown[start:end]


def view(path: Path, raw: str) -> TextView:
    """Plain text as a view."""
    text, shown = assemble(path, with_words_joined(plain_paragraphs(raw)))
    return TextView(text, shown)


def load_view(path: Path, cited_at: Location | None = None, extract_text: Extract = extract) -> TextView | Problem:
    """Any kind of text, read as verify reads it: the same extraction, the same problems."""
    loaded = load_shown(path, cited_at or Location(path), extract_text)
    if isinstance(loaded, Problem):
        return loaded
    text, shown = loaded
    if len(shown) != len(text.normalized):  # cannot happen while straightening maps one to one
        shown = text.normalized
    return TextView(text, shown)
