"""A note's identity in Anki: GUIDs and ids that come from the deck and card ids, never from text."""

from __future__ import annotations

import hashlib

# Anki's own GUID alphabet (base91 without the field separator's neighbours).
_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def note_guid(deck_name: str, card_id: str) -> str:
    """A GUID that depends on the deck and the card's id only, never on its text,
    so that edits update the note in Anki instead of adding a new one."""
    digest = hashlib.sha256(f"quotedeck\x1f{deck_name}\x1f{card_id}".encode()).digest()
    return base91(int.from_bytes(digest[:8], "big"))


# Two base91 digits at a time: half the divisions, for a GUID per card.
_DIGIT_PAIRS = [high + low for high in _BASE91 for low in _BASE91]


def base91(number: int) -> str:
    """`number` in Anki's GUID digits, most significant first, without leading zeros."""
    pairs = []
    while number:
        number, rest = divmod(number, len(_DIGIT_PAIRS))
        pairs.append(_DIGIT_PAIRS[rest])
    return "".join(reversed(pairs)).lstrip(_BASE91[0]) or _BASE91[0]


def stable_id(*parts: str, bits: int = 40) -> int:
    """A positive integer id (deck, notetype) that stays the same across builds."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << bits) + int.from_bytes(digest[:8], "big") % (1 << bits)
