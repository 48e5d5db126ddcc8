"""Finding a curator's quote in its source text."""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, replace
from typing import NamedTuple

from rapidfuzz import fuzz

from quotedeck.verify.nearest import SHOWN, Difference, Nearest, closest_passage, differences, lined_up_passage
from quotedeck.verify.texts import WORD, SourceText, has_marks, is_word_char, normalize

ELLIPSIS = re.compile(r"…|\.\.\.")


class QuoteMatch(NamedTuple):  # a named tuple, as Phrase: one a card
    """Where a quote was found: the first occurrence, by paragraph number, and its span
    (which may run across a paragraph break)."""

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
    # Where the quote differs, one message each for the first few: the word it starts at (the
    # quote's words, normalised, counted from 0) and what differs there. `reason` says it all at once.
    located: tuple[tuple[int, str], ...] = ()


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
    """The quote's first place in the text: each part at word boundaries, in order, in one paragraph
    where there is such a place, else across paragraphs (the caller warns of that)."""
    try:
        return _find_quote(quote, text)
    except MemoryError:  # a big text's word index, built on its first quote, is the largest allocation
        return QuoteMiss(
            "there was not enough memory to search the text for the quote",
            "",
            0.0,
            0,
            "close other programs, or split the text into smaller files",
        )


def _find_quote(quote: str, text: SourceText) -> QuoteMatch | QuoteMiss:
    parts = fragments(quote)
    if not parts:
        return QuoteMiss("the quote has no words", "", 0.0, 0)
    found = _find_parts(parts, text)
    if isinstance(found, _Progress) and text.hyphenated:  # `self-control` where a line end broke it, joined
        joined = [_join_hyphenated(part, text.hyphenated) for part in parts]
        if joined != parts and isinstance(again := _find_parts(joined, text), QuoteMatch):
            return again
    if isinstance(found, QuoteMatch):
        return found
    return _explain_miss(parts, _first_words(normalize(quote), parts), text, found)


def _first_words(normalized: str, parts: list[str]) -> list[int]:
    """Where each part starts, in the quote's words (the word it is in, if it starts inside one)."""
    firsts, cursor = [], 0
    for part in parts:
        at = normalized.find(part, cursor)
        firsts.append(normalized.count(" ", 0, at))
        cursor = at + len(part)
    return firsts


_HYPHENATED = re.compile(r"\w+(?:-\w+)+")


def _join_hyphenated(part: str, hyphenated: tuple[str, ...]) -> str:
    words = set(hyphenated)
    return _HYPHENATED.sub(lambda m: m.group().replace("-", "") if m.group().lower() in words else m.group(), part)


def _find_parts(parts: list[str], text: SourceText) -> QuoteMatch | _Progress:
    """The parts' first place, or how far the best paragraph got."""
    best = _Progress(0, 0)
    start = _next_start(parts[0], text, 0)
    while start >= 0:
        paragraph = text.paragraph_at(start)
        end = text.paragraph_end(paragraph)
        held, last = _held_in_order(parts[1:], text.normalized, start + len(parts[0]), end)
        if held == len(parts) - 1:
            return QuoteMatch(paragraph, start, last)
        best = max(best, _Progress(held + 1, -paragraph))
        # A later start in this paragraph leaves less room for the other parts, so
        # it cannot succeed either: go on in the next paragraph (linear, not quadratic).
        start = _next_start(parts[0], text, max(end, start + 1))
    return _across_paragraphs(parts, text) or best


def _across_paragraphs(parts: list[str], text: SourceText) -> QuoteMatch | None:
    """An elided quote whose parts lie in order but in different paragraphs: found, as a plain
    quote that runs across a break is (the card's check warns of both). From the first place
    of the first part: a later one leaves less room for the rest."""
    start = _next_start(parts[0], text, 0)
    if len(parts) < 2 or start < 0:
        return None
    cursor = start + len(parts[0])
    for part in parts[1:]:
        found = find_bounded(part, text.normalized, cursor)
        if found < 0:
            return None
        cursor = found + len(part)
    return QuoteMatch(text.paragraph_at(start), start, cursor)


class _Progress(NamedTuple):
    """How many of an elided quote's parts one paragraph holds in order, and which
    (negated, so that of two equal ones the larger is the earlier paragraph)."""

    held: int
    paragraph: int


def at_word_boundaries(part: str, haystack: str, at: int) -> bool:
    """`part`, found at `at`, neither starts nor ends inside a word of `haystack`.

    Only a part that starts (ends) with a word character is checked at its
    start (end): `, he said` may follow any letter.
    """
    end = at + len(part)
    return not (
        (at > 0 and is_word_char(part[0]) and is_word_char(haystack[at - 1]))
        or (end < len(haystack) and is_word_char(part[-1]) and is_word_char(haystack[end]))
    )


def find_bounded(part: str, haystack: str, start: int = 0, end: int | None = None) -> int:
    """Where `part` first occurs at word boundaries in `haystack[start:end]`, or -1."""
    found = haystack.find(part, start, end)
    while found >= 0 and not at_word_boundaries(part, haystack, found):
        found = haystack.find(part, found + 1, end)
    return found


# Below this size a plain search is as quick as building the word index.
INDEX_FROM = 200_000


def _next_start(part: str, text: SourceText, after: int) -> int:
    """The first place at or after `after` where `part` occurs at word boundaries, or -1.

    In a big text the search starts from the rarest word of `part` (at word
    boundaries, each of the part's words is a whole word of the text too)
    and checks only the places that word occurs.
    """
    if len(text.normalized) < INDEX_FROM:
        return find_bounded(part, text.normalized, after)
    words = list(WORD.finditer(part))
    if not words:
        return find_bounded(part, text.normalized, after)
    index = text.word_index
    anchor = min(words, key=lambda word: len(index.get(word.group(), ())))
    positions = index.get(anchor.group(), array("i"))
    offset = anchor.start()
    for i in range(bisect.bisect_left(positions, after + offset), len(positions)):
        at = positions[i] - offset
        if text.normalized.startswith(part, at) and at_word_boundaries(part, text.normalized, at):
            return at
    return -1


def _held_in_order(parts: list[str], haystack: str, cursor: int, end: int) -> tuple[int, int]:
    """How many of `parts` occur one after another from `cursor` on, before `end`, and where
    the last of those ends."""
    for held, part in enumerate(parts):
        found = find_bounded(part, haystack, cursor, end)
        if found < 0:
            return held, cursor
        cursor = found + len(part)
    return len(parts), cursor


# How many parts of an elided quote a miss is explained from; each costs a search
# of the whole text, so a quote of thousands of parts must not try them all.
EXAMINED = 16


def _explain_miss(parts: list[str], firsts: list[int], text: SourceText, best: _Progress) -> QuoteMiss:
    if not best.held:  # the first part is nowhere
        return _part_miss(parts[0], len(parts), text, firsts[0])
    if len(parts) <= EXAMINED:
        for part, first in zip(parts[1:], firsts[1:], strict=True):
            if _next_start(part, text, 0) < 0:
                return _part_miss(part, len(parts), text, first)
        return _elision_miss(parts, text)
    # Many parts: only the one where the longest run in order stops.
    stop = parts[best.held]
    found = _next_start(stop, text, 0)
    if found < 0:
        return _part_miss(stop, len(parts), text, firsts[best.held])
    return QuoteMiss(
        "the parts around the ellipsis are not in the text's order in one paragraph",
        "",
        100.0,
        0,
        f"the first {best.held} parts come in order in {text.place_name(-best.paragraph)}, but not “{_short(stop)}”"
        f" after them; {_where(found, -best.paragraph, text)}",
    )


def _where(found: int, paragraph: int, text: SourceText) -> str:
    elsewhere = text.paragraph_at(found)
    return (
        "it comes earlier in that paragraph"
        if elsewhere == paragraph
        else f"the text has it in {text.place_name(elsewhere)}"
    )


def _part_miss(part: str, count: int, text: SourceText, first: int) -> QuoteMiss:
    """Why one part (of `count`; its first word the quote's `first`) is not in the text at word boundaries."""
    subject = "the quote" if count == 1 else f"the part `{_short(part)}`"
    cut = _cut_from_words(part, subject, text)
    if cut is not None:
        return cut
    nearest = closest_passage(part, text)
    found = _differences(part, nearest, text) if nearest.similarity >= NEAR_MISS else []
    place = text.place_name(nearest.paragraph) if nearest.paragraph else ""
    if not found:
        reason = f"{subject} is not in the text"
        return QuoteMiss(reason, nearest.passage, nearest.similarity, nearest.paragraph, place=place)
    said = [str(d) + (_DECOMPOSED if text.decomposed and has_marks(str(d)) else "") for d in found]
    head = f"{subject} differs from the text" + (f" in {len(found)} places" if len(found) > 1 else "")
    more = f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    # One message a difference, at its word; the first names what the quote is compared with.
    located = [(first + found[0].word, f"{head}: {said[0]}")]
    for difference, message in zip(found[1:SHOWN], said[1:SHOWN], strict=True):
        located.append((first + difference.word, f"the quote also differs here: {message}"))
    if more:
        located[-1] = (located[-1][0], f"{located[-1][1]}{more} after it")
    return QuoteMiss(
        f"{head}: {'; '.join(said[:SHOWN])}{more}",
        nearest.passage,
        nearest.similarity,
        nearest.paragraph,
        place=place,
        located=tuple(located),
    )


_DECOMPOSED = " (the text uses decomposed accents)"
# A longer part is compared only where its closest passage was looked for (the diff's time grows
# with the square of its words where the text repeats them).
_DIFFERED_WORDS = 2000


def _differences(part: str, nearest: Nearest, text: SourceText) -> list[Difference]:
    """Where `part` differs from the text: all of it, lined up from its closest passage."""
    if nearest.compared == part:
        return differences(part, nearest.passage)
    if part.count(" ") < _DIFFERED_WORDS:
        return differences(part, lined_up_passage(part, nearest, text.normalized))
    skipped = part.count(" ", 0, nearest.compared_at)
    return [replace(d, word=d.word + skipped) for d in differences(nearest.compared, nearest.passage)]


# How far a word cut by a quote is shown, at most, on either side.
_WORD_REACH = 40


def _cut_from_words(part: str, subject: str, text: SourceText) -> QuoteMiss | None:
    """The miss of a part that occurs only inside longer words, naming them."""
    haystack = text.normalized
    at = haystack.find(part)
    if at < 0:
        return None
    start, end = at, at + len(part)
    floor, ceiling = max(0, start - _WORD_REACH), min(len(haystack), end + _WORD_REACH)
    while start > floor and is_word_char(haystack[start - 1]):
        start -= 1
    while end < ceiling and is_word_char(haystack[end]):
        end += 1
    cuts = []
    if start < at:
        cuts.append(f"starts inside the word `{_word_at(haystack, start)}`")
    if end > at + len(part):
        cuts.append(f"ends inside the word `{_word_at(haystack, end - 1, backwards=True)}`")
    passage = haystack[start:end]
    similarity = round(fuzz.ratio(part, passage), 1)
    return QuoteMiss(f"{subject} {' and '.join(cuts)}", passage, similarity, text.paragraph_at(start))


def _word_at(haystack: str, at: int, backwards: bool = False) -> str:
    """The word that starts (or, `backwards`, ends) at `at`, up to _WORD_REACH characters."""
    if backwards:
        start = at
        while start > max(0, at - _WORD_REACH) and is_word_char(haystack[start - 1]):
            start -= 1
        return haystack[start : at + 1]
    end = at
    while end < min(len(haystack), at + _WORD_REACH) and is_word_char(haystack[end]):
        end += 1
    return haystack[at:end]


def _elision_miss(parts: list[str], text: SourceText) -> QuoteMiss:
    """Every part occurs, but no paragraph holds them all in order (a few parts: each is searched for)."""
    haystack = text.normalized
    for number in range(1, text.paragraph_count + 1):
        begin, end = text.paragraph_starts[number - 1], text.paragraph_end(number)
        places = [find_bounded(part, haystack, begin, end) for part in parts]
        if all(place >= 0 for place in places):
            in_order = " … ".join(_short(p) for _, p in sorted(zip(places, parts, strict=True)))
            return QuoteMiss(
                "the parts around the ellipsis appear in another order in the text",
                haystack[begin:end],
                100.0,
                number,
                f"in {text.place_name(number)} they come in this order: “{in_order}”",
            )
    where = ", ".join(f"“{_short(p)}” in {text.place_name(text.paragraph_at(_next_start(p, text, 0)))}" for p in parts)
    return QuoteMiss(
        "the parts around the ellipsis appear in another order in the text",
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
