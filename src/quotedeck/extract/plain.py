"""Plain text: paragraphs at blank lines, cited by number."""

from __future__ import annotations

import re

from quotedeck.extract.records import Extracted, Paragraph

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def plain_paragraphs(text: str) -> Extracted:
    """Plain text's paragraphs: they end at blank lines."""
    return Extracted("text", tuple(Paragraph(part) for part in _PARAGRAPH_BREAK.split(text) if part.strip()))
