"""Cloze numbers: each phrase keeps the number it had, since a card's review history belongs to it.

The numbers a note had come from the lock (its live phrases and the retired
ones); this layer only needs them as a mapping, never the lock itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from quotedeck.model import Phrase, PhraseSpans


class Deletion(NamedTuple):
    """One cloze deletion: a phrase, its Anki card number, its places in the quote."""

    ordinal: int
    phrase: Phrase
    spans: tuple[tuple[int, int], ...]
    key: str


def assign_ordinals(
    phrase_keys: list[str], live: Mapping[str, int], retired: Mapping[str, int] | None = None
) -> dict[str, int]:
    """A cloze number for each phrase: the one it had (`live`, or `retired` once removed),
    else one this note never used.

    Numbers are never reused for another phrase, because Anki keeps the old
    card (and its reviews) under its number. A lock merged by git may give two
    phrases one number: the phrase that showed it keeps it (a live one before a
    retired one, then the first in the card's order), and the other gets a new
    one (the change plan says so).
    """
    known = {**retired, **live} if retired else live
    next_free = max(known.values(), default=0) + 1
    ordinals: dict[str, int] = {}
    for key in phrase_keys:
        if key in ordinals:
            continue
        if key in known:
            ordinals[key] = known[key]
        else:
            ordinals[key] = next_free
            next_free += 1
    if len(set(ordinals.values())) == len(ordinals):  # nearly always: no two phrases on one number
        return ordinals
    ordinals, taken, next_free = {}, set(), max(known.values()) + 1
    for numbers in (live, known):
        for key in phrase_keys:
            number = numbers.get(key)
            if number is not None and key not in ordinals and number not in taken:
                ordinals[key] = number
                taken.add(number)
    for key in phrase_keys:
        if key not in ordinals:
            ordinals[key] = next_free
            next_free += 1
    return {key: ordinals[key] for key in phrase_keys}


def number_phrases(
    phrases: tuple[PhraseSpans, ...], numbers: tuple[Mapping[str, int], Mapping[str, int]]
) -> list[Deletion]:
    """The card's phrases as deletions, numbered from the numbers the note had (live, retired)."""
    ordinals = assign_ordinals([p.key for p in phrases], *numbers)
    return [Deletion(ordinals[p.key], p.phrase, p.spans, p.key) for p in phrases]
