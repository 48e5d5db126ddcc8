"""Cloze numbers: each phrase keeps the number it had, since a card's review history belongs to it.

The numbers a note had come from the lock (its live phrases and the retired
ones); this layer only needs them as mappings, never the lock itself.

A phrase reworded in place keeps its number too. A phrase whose text is new
takes the number of a phrase that vanished from the same card in the same
build when it is the card's only phrase, before and after (a term card's term
renamed, the one blank of a question reworded), or when the two are alike
(REWORDED_SIMILARITY: a typo fixed, a word added or dropped). Anything else is
a removed phrase, which empties its card, and a new one, which starts a card.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from rapidfuzz import fuzz

from quotedeck.model import Phrase, PhraseSpans

# How alike (0-100: the better of rapidfuzz's ratio and token-set ratio) a new phrase must be
# to one that vanished to count as reworded: `innermost point` -> `inner-most point`, `software
# patents` -> `patents`, but not `a new force` -> `The Light`.
REWORDED_SIMILARITY = 70


class Deletion(NamedTuple):
    """One cloze deletion: a phrase, its Anki card number, its places in the quote."""

    ordinal: int
    phrase: Phrase
    spans: tuple[tuple[int, int], ...]
    key: str


def assign_ordinals(
    phrase_keys: list[str], live: Mapping[str, int], retired: Mapping[str, int] | None = None
) -> dict[str, int]:
    """A cloze number for each phrase: the one it had (`live`, or `retired` once removed), the
    one of the phrase it rewords, else one this note never used.

    Numbers are never reused for another phrase, because Anki keeps the old
    card (and its reviews) under its number. A lock merged by git may give two
    phrases one number: the phrase that showed it keeps it (a live one before a
    retired one, then the first in the card's order), and the other gets a new
    one (the change plan says so).
    """
    known = {**retired, **live} if retired else live
    next_free = max(known.values(), default=0) + 1
    keys = list(dict.fromkeys(phrase_keys))
    new = [key for key in keys if key not in known]
    vanished = {key: n for key, n in live.items() if key not in keys} if new else {}
    reworded = _reworded(new, vanished, only_one=len(keys) == 1 and len(live) == 1)
    ordinals: dict[str, int] = {}
    for key in keys:
        if key in known:
            ordinals[key] = known[key]
        elif key in reworded:
            ordinals[key] = reworded[key]
        else:
            ordinals[key] = next_free
            next_free += 1
    if len(set(ordinals.values())) == len(ordinals):  # nearly always: no two phrases on one number
        return ordinals
    ordinals, taken, next_free = {}, set(), max(known.values()) + 1
    for numbers in (live, known, reworded):
        for key in keys:
            number = numbers.get(key)
            if number is not None and key not in ordinals and number not in taken:
                ordinals[key] = number
                taken.add(number)
    for key in keys:
        if key not in ordinals:
            ordinals[key] = next_free
            next_free += 1
    return {key: ordinals[key] for key in keys}


def _reworded(new: list[str], vanished: Mapping[str, int], *, only_one: bool) -> dict[str, int]:
    """Which new phrases reword a vanished one: new key -> the vanished one's number."""
    if not new or not vanished:
        return {}
    if only_one:
        return {new[0]: next(iter(vanished.values()))}
    pairs = sorted(
        ((similarity(a, b), a, b) for a in new for b in vanished),
        key=lambda pair: -pair[0],
    )
    taken: dict[str, int] = {}
    used: set[str] = set()
    for score, a, b in pairs:
        if score < REWORDED_SIMILARITY:
            break
        if a not in taken and b not in used:
            taken[a] = vanished[b]
            used.add(b)
    return taken


def similarity(a: str, b: str) -> float:
    """How alike two phrase keys are, 0-100."""
    return max(fuzz.ratio(a, b), fuzz.token_set_ratio(a, b))


def number_phrases(
    phrases: tuple[PhraseSpans, ...], numbers: tuple[Mapping[str, int], Mapping[str, int]]
) -> list[Deletion]:
    """The card's phrases as deletions, numbered from the numbers the note had (live, retired)."""
    ordinals = assign_ordinals([p.key for p in phrases], *numbers)
    return [Deletion(ordinals[p.key], p.phrase, p.spans, p.key) for p in phrases]
