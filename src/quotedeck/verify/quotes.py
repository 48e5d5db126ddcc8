"""Finding a curator's quote in its source text."""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass
from typing import NamedTuple

from quotedeck.verify.nearest import closest_passage, first_difference
from quotedeck.verify.texts import WORD, SourceText, normalize

ELLIPSIS = re.compile(r"…|\.\.\.")


class QuoteMatch(NamedTuple):  # a named tuple, as Phrase: one a card
    """Where a quote was found: the first occurrence, by paragraph number, and its span."""

    paragraph: int
    start: int
    end: int


@dataclass(frozen=True)
class QuoteMiss:
    """Why a quote was not found, with the closest passage for the curator to compare."""

    reason: str
    closest: str
    similarity: float
    paragraph: int
    hint: str = ""  # shown instead of the closest passage when that would not help
    place: str = ""  # the closest passage's, as a card would cite it


# From this similarity on, a missed quote is a slip (a typo, a PDF's ligature or
# soft hyphen), and the message names the first difference.
NEAR_MISS = 75.0


def fragments(quote: str) -> list[str]:
    """The quote's normalised parts between ellipses."""
    normalized = normalize(quote)
    if "…" not in normalized and "..." not in normalized:  # nearly every quote: one part, already stripped
        return [normalized] if normalized else []
    return [part.strip() for part in ELLIPSIS.split(normalized) if part.strip()]


def find_quote(quote: str, text: SourceText) -> QuoteMatch | QuoteMiss:
    parts = fragments(quote)
    if not parts:
        return QuoteMiss("the quote has no words", "", 0.0, 0)
    found = _find_parts(parts, text)
    if found is None and text.hyphenated:  # `self-control` where a line end broke it and it was joined
        joined = [_join_hyphenated(part, text.hyphenated) for part in parts]
        found = _find_parts(joined, text) if joined != parts else None
    return found or _explain_miss(parts, text)


def _find_parts(parts: list[str], text: SourceText) -> QuoteMatch | None:
    start = _next_start(parts[0], text, 0)
    while start >= 0:
        paragraph = text.paragraph_at(start)
        end = text.paragraph_end(paragraph)
        last = _rest_in_order(parts[1:], text, start + len(parts[0]), end)
        if last >= 0:
            return QuoteMatch(paragraph, start, last)
        # A later start in this paragraph leaves less room for the other parts, so
        # it cannot succeed either: go on in the next paragraph (linear, not quadratic).
        start = _next_start(parts[0], text, max(end, start + 1))
    return None


_HYPHENATED = re.compile(r"\w+(?:-\w+)+")


def _join_hyphenated(part: str, hyphenated: tuple[str, ...]) -> str:
    words = set(hyphenated)
    return _HYPHENATED.sub(lambda m: m.group().replace("-", "") if m.group().lower() in words else m.group(), part)


# Below this size a plain search is as quick as building the word index.
INDEX_FROM = 200_000


def _next_start(part: str, text: SourceText, after: int) -> int:
    """The first place at or after `after` where `part` occurs, or -1.

    In a big text the search starts from the rarest whole word of `part` (one
    with text on both sides inside it, so it is a whole word of the text too)
    and checks only the places that word occurs.
    """
    if len(text.normalized) < INDEX_FROM:
        return text.normalized.find(part, after)
    words = list(WORD.finditer(part))[1:-1]  # the first and last may be cut from longer words
    if not words:
        return text.normalized.find(part, after)
    index = text.word_index
    anchor = min(words, key=lambda word: len(index.get(word.group(), ())))
    positions = index.get(anchor.group(), array("i"))
    offset = anchor.start()
    for i in range(bisect.bisect_left(positions, after + offset), len(positions)):
        if text.normalized.startswith(part, positions[i] - offset):
            return positions[i] - offset
    return -1


def _rest_in_order(parts: list[str], text: SourceText, cursor: int, end: int) -> int:
    """Where the last part ends, when every part occurs in order before `end`; else -1."""
    for part in parts:
        found = text.normalized.find(part, cursor, end)
        if found < 0:
            return -1
        cursor = found + len(part)
    return cursor


def _explain_miss(parts: list[str], text: SourceText) -> QuoteMiss:
    missing = [part for part in parts if part not in text.normalized]
    if not missing:  # every part occurs, but not together in order
        return _elision_miss(parts, text)
    part = missing[0]
    nearest = closest_passage(part, text)
    subject = "the quote" if len(parts) == 1 else f"the part `{_short(part)}`"
    difference = first_difference(nearest.compared, nearest.passage) if nearest.similarity >= NEAR_MISS else ""
    reason = f"{subject} differs from the text: {difference}" if difference else f"{subject} is not in the text"
    place = text.place_name(nearest.paragraph) if nearest.paragraph else ""
    return QuoteMiss(reason, nearest.passage, nearest.similarity, nearest.paragraph, place=place)


def _elision_miss(parts: list[str], text: SourceText) -> QuoteMiss:
    for number in range(1, text.paragraph_count + 1):
        passage = text.paragraph(number)
        if all(part in passage for part in parts):
            in_order = " … ".join(_short(p) for p in sorted(parts, key=passage.find))
            return QuoteMiss(
                "the parts around the ellipsis appear in another order in the text",
                passage,
                100.0,
                number,
                f"in {text.place_name(number)} they come in this order: “{in_order}”",
            )
    where = ", ".join(f"“{_short(p)}” in {text.place_name(text.paragraph_at(text.normalized.find(p)))}" for p in parts)
    return QuoteMiss(
        "the parts around the ellipsis are in different paragraphs; an elided quote must stay in one paragraph",
        "",
        100.0,
        0,
        f"the text has {where}",
    )


def _short(part: str, words: int = 6) -> str:
    """The first words of a long part of a quote, for messages."""
    split = part.split(" ")
    return part if len(split) <= words else " ".join(split[:words]) + " …"


__all__ = ["ELLIPSIS", "QuoteMatch", "QuoteMiss", "closest_passage", "find_quote", "fragments"]
