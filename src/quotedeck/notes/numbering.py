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


def assign_ordinals(phrase_keys: list[str], known: Mapping[str, int]) -> dict[str, int]:
    """A cloze number for each phrase: the one it had, else one this note never used.

    Numbers are never reused for another phrase, because Anki keeps the old
    card (and its reviews) under its number.
    """
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
    return ordinals


def number_phrases(phrases: tuple[PhraseSpans, ...], known: Mapping[str, int]) -> list[Deletion]:
    """The card's phrases as deletions, numbered from the numbers the note had."""
    ordinals = assign_ordinals([p.key for p in phrases], known)
    return [Deletion(ordinals[p.key], p.phrase, p.spans, p.key) for p in phrases]
