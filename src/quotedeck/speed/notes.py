"""A card file's notes are made again only when something they are made from changed.

Making the notes of every card (numbering, escaping, GUIDs, digests) is the
largest cost left in a build after one edit. A card file's notes depend on its
checked cards (the cache entry's key names them), the deck's name and tags, and
the numbers the lock keeps for its cards (their places in the reading order are
set afterwards, for every note): the entry is kept under a key made of all of them, in the user's
cache folder, as typed data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from quotedeck.model import NoteSpec
from quotedeck.pipeline import CheckedFile, Numbering, notes_of_file
from quotedeck.speed.encoding import decode_notes, encode
from quotedeck.speed.storage import Shelf, cache_folder

_FORMAT = b"quotedeck notes entry 1\n"
_MAX_ENTRY = 256 * 2**20


@dataclass
class NoteMemo:
    """The notes of one card source folder's card files, by what they are made from."""

    root: Path
    entry_keys: dict[Path, str]  # each card file's cache key, as the card file cache made it
    writes: bool = True  # whether notes made anew are kept (`check` keeps nothing)
    shelf: Shelf = field(init=False)

    def __post_init__(self) -> None:
        self.shelf = Shelf(cache_folder(self.root, "notes"), _MAX_ENTRY, writes=self.writes)

    def notes_of(self, checked: CheckedFile, numbering: Numbering) -> list[NoteSpec]:
        """As pipeline.notes_of_file, from the memo when it has them."""
        key = self._key(checked, numbering)
        if key is None:
            return notes_of_file(checked, numbering)
        data = self.shelf.read(key)
        if data is not None and data.startswith(_FORMAT):
            try:
                return decode_notes(data[len(_FORMAT) :])
            except (msgspec.DecodeError, ValueError, TypeError):
                pass  # no entry: made again below
        notes = notes_of_file(checked, numbering)
        self.shelf.stage(key, _FORMAT + encode(notes))
        return notes

    def save(self) -> None:
        """Keep the notes made in this build; drop those no longer used."""
        self.shelf.save()

    def discard(self) -> None:
        self.shelf.discard()

    def _key(self, checked: CheckedFile, numbering: Numbering) -> str | None:
        entry = self.entry_keys.get(checked.path)
        if entry is None:
            return None
        numbers = [numbering.lock.numbers(card_id) for card_id, _ in checked.ids]
        parts = (entry, numbering.deck_name, numbering.deck_tags, numbers)
        return hashlib.sha256(repr(parts).encode()).hexdigest()
