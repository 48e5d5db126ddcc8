"""A card file's notes are made again only when something they are made from changed.

Making the notes of every card (numbering, escaping, GUIDs, digests) is the
largest cost left in a build after one edit. A card file's notes depend on its
checked cards (the cache entry's key names them), the deck's name and tags, and
the cloze numbers the lock keeps for its cards (their places in the reading
order are set afterwards, for every note). The notes are kept under a key made
of the first three, in the user's cache folder, as typed data, and serve while
the lock gives each note's phrases the numbers the note has: numbering then
gives them again (notes/numbering.py keeps a phrase's number), whatever the lock
held when the notes were made (none, in a deck's first build).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from quotedeck.model import NoteSpec
from quotedeck.pipeline import Numbering
from quotedeck.speed.encoding import decode_notes
from quotedeck.speed.storage import Shelf, cache_folder

_FORMAT = b"quotedeck notes entry 5\n"
_MAX_ENTRY = 256 * 2**20


@dataclass
class NoteMemo:
    """The notes of one card source folder's card files, by what they are made from."""

    root: Path
    writes: bool = True  # whether notes made anew are kept (`check` keeps nothing)
    shelf: Shelf = field(init=False)

    def __post_init__(self) -> None:
        self.shelf = Shelf(cache_folder(self.root, "notes"), _MAX_ENTRY, writes=self.writes)

    def get(self, key: str, numbering: Numbering) -> list[NoteSpec] | None:
        """The notes kept under `key`, if they are there, decode, and have the numbers the lock
        of `numbering` keeps for their phrases."""
        notes = self.shelf.load(key, _FORMAT, decode_notes)
        if notes is None:
            return None
        numbers = numbering.lock.numbers
        if any(numbers(note.card_id)[0] != dict(note.clozes) for note in notes):
            return None
        return notes

    def stage(self, key: str, encoded_notes: bytes) -> None:
        """Notes made in this build, kept when it succeeds."""
        self.shelf.stage(key, _FORMAT + encoded_notes)

    def save(self) -> None:
        """Keep the notes made in this build; drop those no longer used."""
        self.shelf.save()

    def discard(self) -> None:
        self.shelf.discard()


def notes_key(entry_key: str, numbering: Numbering) -> str:
    """The key of the notes of the card file whose cache entry is `entry_key`."""
    parts = (entry_key, numbering.deck_name, numbering.deck_tags)
    return hashlib.sha256(repr(parts).encode()).hexdigest()
