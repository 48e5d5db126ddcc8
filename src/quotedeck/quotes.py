"""Finding a curator's quote in its source text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from quotedeck.texts import SourceText, normalize

ELLIPSIS = re.compile(r"…|\.\.\.")


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: the first occurrence, by paragraph number."""

    paragraph: int
    start: int


@dataclass(frozen=True)
class QuoteMiss:
    """Why a quote was not found, with the closest passage for the curator to compare."""

    reason: str
    closest: str
    similarity: float
    paragraph: int


def fragments(quote: str) -> list[str]:
    """The quote's normalised parts between ellipses."""
    return [part.strip() for part in ELLIPSIS.split(normalize(quote)) if part.strip()]


def find_quote(quote: str, text: SourceText) -> QuoteMatch | QuoteMiss:
    parts = fragments(quote)
    if not parts:
        return QuoteMiss("the quote has no words", "", 0.0, 0)
    haystack = text.normalized
    start = haystack.find(parts[0])
    while start >= 0:
        paragraph = text.paragraph_at(start)
        if _rest_in_order(parts[1:], text, start + len(parts[0]), text.paragraph_end(paragraph)):
            return QuoteMatch(paragraph, start)
        start = haystack.find(parts[0], start + 1)
    return _explain_miss(parts, text)


def _rest_in_order(parts: list[str], text: SourceText, cursor: int, end: int) -> bool:
    for part in parts:
        found = text.normalized.find(part, cursor, end)
        if found < 0:
            return False
        cursor = found + len(part)
    return True


def _explain_miss(parts: list[str], text: SourceText) -> QuoteMiss:
    missing = [part for part in parts if part not in text.normalized]
    if not missing:  # every part occurs, but not together in order
        for number in range(1, text.paragraph_count + 1):
            passage = text.paragraph(number)
            if all(part in passage for part in parts):
                return QuoteMiss(
                    "the parts around the ellipsis appear in another order in the text", passage, 100.0, number
                )
        return QuoteMiss(
            "the parts around the ellipsis are in different paragraphs; an elided quote must stay in one paragraph",
            "",
            100.0,
            0,
        )
    part = missing[0]
    closest, similarity, paragraph = closest_passage(part, text)
    reason = "the quote is not in the text" if len(parts) == 1 else f"the part `{part}` is not in the text"
    return QuoteMiss(reason, closest, similarity, paragraph)


def closest_passage(needle: str, text: SourceText) -> tuple[str, float, int]:
    """The passage of the text most like `needle`, its similarity in percent, its paragraph."""
    best = (0.0, 0, 0, 0)
    for number in range(1, text.paragraph_count + 1):
        paragraph = text.paragraph(number)
        alignment = fuzz.partial_ratio_alignment(needle, paragraph, score_cutoff=best[0])
        if alignment is not None and alignment.score > best[0]:
            best = (alignment.score, number, alignment.dest_start, alignment.dest_end)
    score, number, start, end = best
    if not number:
        return "", 0.0, 0
    return text.paragraph(number)[start:end].strip(), round(score, 1), number
