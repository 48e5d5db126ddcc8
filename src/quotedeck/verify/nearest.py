"""For a quote that is not in its text: the closest passage, and where the two first differ.

The search is bounded: rapidfuzz aligns a needle of m characters with a text
of n in about n·m²/64 steps, so a long quote against a big text could run for
hours. Past a budget only the places where a piece of the quote occurs
exactly are compared.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from quotedeck.verify.texts import SourceText, is_word_char

# About a second of alignment work (see the module docstring).
_FULL_SEARCH_STEPS = 3 * 10**8
# How many places an exact piece of the quote may point at.
_ANCHOR_WORDS = 3
_ANCHOR_SAMPLES = 8
# How far a word is widened to show whole words, at most.
_WORD_REACH = 40
# A longer quote is compared a piece of this many characters at a time.
_LONGEST = 400


@dataclass(frozen=True)
class Nearest:
    """The passage of the text most like a quote, its similarity in percent, its paragraph,
    and the part of the quote it was compared with (all of it, unless it is long)."""

    passage: str
    similarity: float
    paragraph: int
    compared: str
    start: int = 0  # of the passage in the normalised text
    compared_at: int = 0  # where `compared` starts in the quote


def closest_passage(needle: str, text: SourceText) -> Nearest:
    """The passage of `text` most like `needle`, found in bounded time."""
    haystack = text.normalized
    compared_at = 0
    if len(needle) > _LONGEST:
        compared_at, needle = _piece(needle, _longest(lambda k: needle[:k], len(needle), haystack))
    size = max(len(needle), 64)
    if len(haystack) * size * size // 64 <= _FULL_SEARCH_STEPS:
        regions = [(text.paragraph_starts[i], text.paragraph_end(i + 1)) for i in range(text.paragraph_count)]
    else:
        regions = _within_paragraphs(_near_anchors(needle, haystack), text)
    best = (0.0, 0, 0)
    for start, end in regions:
        alignment = fuzz.partial_ratio_alignment(needle, haystack[start:end], score_cutoff=best[0])
        if alignment is not None and alignment.score > best[0]:
            best = (alignment.score, start + alignment.dest_start, start + alignment.dest_end)
    score, start, end = best
    if not score:
        return Nearest(passage="", similarity=0.0, paragraph=0, compared=needle, compared_at=compared_at)
    # The alignment is as long as the quote, so a quote that lacks a word lines up
    # short of the passage's end: look a little wider, then keep what lines up.
    # Never past the paragraph it lines up in: the hint cites that one paragraph.
    paragraph = text.paragraph_at(start)
    floor, ceiling = text.paragraph_starts[paragraph - 1], text.paragraph_end(paragraph)
    reach = len(needle) // 5 + 10
    start, end = _whole_words(haystack, max(floor, start - reach), min(ceiling, end + reach))
    start, end = _lined_up(needle, haystack, start, end)
    return Nearest(
        passage=haystack[start:end],
        similarity=round(score, 1),
        paragraph=paragraph,
        compared=needle,
        start=start,
        compared_at=compared_at,
    )


def lined_up_passage(needle: str, nearest: Nearest, haystack: str) -> str:
    """The text the whole of a long quote lines up with, from the closest passage of the piece
    compared (a quote may run across paragraphs, so this one may too)."""
    begin = nearest.start - nearest.compared_at
    reach = len(needle) // 5 + 10
    start, end = _whole_words(haystack, max(0, begin - reach), min(len(haystack), begin + len(needle) + reach))
    start, end = _lined_up(needle, haystack, start, end)
    return haystack[start:end]


def _within_paragraphs(regions: list[tuple[int, int]], text: SourceText) -> list[tuple[int, int]]:
    """The regions cut where a paragraph ends, so that no alignment runs across a break."""
    pieces = []
    for start, end in regions:
        while start < end:
            stop = min(end, text.paragraph_end(text.paragraph_at(start)))
            if stop > start:
                pieces.append((start, stop))
            start = stop + 1
    return pieces


def _piece(needle: str, matched: int) -> tuple[int, str]:
    """The whole words of a long quote around where it stops matching (after `matched` characters),
    and where they start."""
    begin = max(0, min(matched - _LONGEST // 4, len(needle) - _LONGEST))
    end = begin + _LONGEST
    if begin and needle[begin - 1] != " ":
        begin = needle.find(" ", begin) + 1
    if end < len(needle) and needle[end] != " ":
        end = max(needle.rfind(" ", begin, end), begin + 1)
    piece = needle[begin:end]
    return begin + len(piece) - len(piece.lstrip()), piece.strip()


def _near_anchors(needle: str, haystack: str) -> list[tuple[int, int]]:
    """Windows of the text where the quote's longest matching start or end, or a few of
    its words, occur: where a quote with a slip in it would be."""
    starts = set()
    prefix = _longest(lambda k: needle[:k], len(needle), haystack)
    if prefix:
        starts.add(haystack.find(needle[:prefix]))
    suffix = _longest(lambda k: needle[len(needle) - k :], len(needle), haystack)
    if suffix:
        starts.add(haystack.find(needle[len(needle) - suffix :]) + suffix - len(needle))
    words = needle.split(" ")
    offsets = [0]
    for word in words[:-1]:
        offsets.append(offsets[-1] + len(word) + 1)
    step = max(1, len(words) // _ANCHOR_SAMPLES)
    for i in range(0, max(1, len(words) - _ANCHOR_WORDS + 1), step):
        found = haystack.find(" ".join(words[i : i + _ANCHOR_WORDS]))
        if found >= 0:
            starts.add(found - offsets[i])
    slack = 16 + len(needle) // 10  # room for the letters a slip adds or drops
    return [(max(0, s - slack), min(len(haystack), s + len(needle) + slack)) for s in sorted(starts)]


def _longest(piece: Callable[[int], str], most: int, haystack: str) -> int:
    """The largest k (up to `most`) for which `piece(k)` occurs in the text; a binary search."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if piece(middle) in haystack:
            low = middle
        else:
            high = middle - 1
    return low


def _whole_words(haystack: str, start: int, end: int) -> tuple[int, int]:
    while start < end and haystack[start] == " ":
        start += 1
    while end > start and haystack[end - 1] == " ":
        end -= 1
    floor, ceiling = max(0, start - _WORD_REACH), min(len(haystack), end + _WORD_REACH)
    while start > floor and haystack[start - 1] != " ":
        start -= 1
    while end < ceiling and haystack[end] != " ":
        end += 1
    return start, end


def _lined_up(needle: str, haystack: str, start: int, end: int) -> tuple[int, int]:
    """The part of `haystack[start:end]` that lines up with the needle: before its first
    matching word and after its last, as many words as the needle has there."""
    mine, theirs = needle.split(" "), haystack[start:end].split(" ")
    blocks = [b for b in difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_matching_blocks() if b.size]
    if not blocks:
        return start, end
    first = max(0, blocks[0].b - blocks[0].a)
    tail = len(mine) - (blocks[-1].a + blocks[-1].size)
    last = min(len(theirs), blocks[-1].b + blocks[-1].size + tail)
    start += sum(len(word) + 1 for word in theirs[:first])
    return start, start + len(" ".join(theirs[first:last]))


@dataclass(frozen=True)
class Difference:
    """Words in which a quote and its passage differ: where they start in the quote (its
    words counted from 0), the quote's words and the text's."""

    word: int
    has: str
    text_has: str

    def __str__(self) -> str:
        return f"it has `{visible(self.has)}` where the text has `{visible(self.text_has)}`"


# How many differences a message names before it counts the rest.
SHOWN = 3


def differences(quote: str, passage: str) -> list[Difference]:
    """Every run of words in which `quote` differs from `passage` (both single-spaced), in order."""
    mine, theirs = quote.split(" "), _ends_as_quoted(quote.split(" "), passage.split(" "))
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes():
        if tag == "equal" or (i1 == i2 and (j1 == 0 or j2 == len(theirs))):
            continue  # words of the text beside the passage are not a difference
        if i1 == i2 or j1 == j2:  # a word added or left out: show the word before (or after) too
            if i1 and j1:
                i1, j1 = i1 - 1, j1 - 1
            elif i2 < len(mine) and j2 < len(theirs):
                i2, j2 = i2 + 1, j2 + 1
        found.append(Difference(word=i1, has=" ".join(mine[i1:i2]), text_has=" ".join(theirs[j1:j2])))
    return found


def _ends_as_quoted(mine: list[str], theirs: list[str]) -> list[str]:
    """The passage's words, its first and last cut as the quote may cut them: after an opening
    mark (`“from`), before closing punctuation (`found.`); a quote starts and ends at word boundaries."""
    theirs = list(theirs)
    first, last = mine[0], mine[-1]
    if theirs[0] != first and theirs[0].endswith(first) and not _joined(first[0], theirs[0][-len(first) - 1]):
        theirs[0] = first
    if theirs[-1] != last and theirs[-1].startswith(last) and not _joined(last[-1], theirs[-1][len(last)]):
        theirs[-1] = last
    return theirs


def _joined(edge: str, beside: str) -> bool:
    """Whether a quote's edge character and the text's character beside it are one word."""
    return is_word_char(edge) and is_word_char(beside)


def listed(found: list[Difference]) -> str:
    """The first few differences, then how many more: `it has …; it has …; and 2 more`."""
    shown = "; ".join(str(d) for d in found[:SHOWN])
    return shown + (f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else "")


def visible(text: str) -> str:
    """`text` with invisible characters (soft hyphens, zero-width spaces, controls) spelt out."""
    return "".join(
        f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp") else c for c in text
    )
