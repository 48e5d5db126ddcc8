"""`quotedeck prune`: delete from a collection the deck's notes that the sources no longer have.

The lock is the record: a note of this deck (its GUID says so) and of quotedeck's own
notetypes whose card id the lock no longer holds was removed by a build. Anki keeps
such notes, with their reviews, until they are deleted here or by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quotedeck.delivery.collection import backup, open_collection, read_only_copy
from quotedeck.delivery.notes import CollectionNote, deck_notes
from quotedeck.delivery.status import Removed
from quotedeck.errors import CollectionError
from quotedeck.state.lock import Lock


@dataclass(frozen=True)
class PruneReport:
    """The notes `prune` deletes, or would delete."""

    collection: Path
    removed: tuple[Removed, ...]
    deleted: bool
    backup: Path | None


def prune(collection: Path, lock: Lock, *, yes: bool) -> PruneReport:
    """The notes to delete; deleted, after Anki's backup, only when `yes`."""
    if not lock.deck or not lock.notes:
        raise CollectionError(
            collection, "the lock records no build of this deck", "run `quotedeck build` first: prune follows its lock"
        )
    if not yes:
        with read_only_copy(collection) as col:
            gone = _gone(deck_notes(col, lock.deck), lock)
        return PruneReport(collection, tuple(Removed(n.card_id, n.reviews) for n in gone), False, None)
    with open_collection(collection) as col:
        gone = _gone(deck_notes(col, lock.deck), lock)
        saved = None
        if gone:
            saved = backup(col, collection)
            from anki.notes import NoteId

            col.remove_notes([NoteId(n.note_id) for n in gone])
    return PruneReport(collection, tuple(Removed(n.card_id, n.reviews) for n in gone), True, saved)


def _gone(held: list[CollectionNote], lock: Lock) -> list[CollectionNote]:
    return [note for note in held if note.card_id not in lock.notes]
