"""`quotedeck status`: what a collection holds of the deck, against the sources and the lock.

Read from a copy of the collection: nothing in it changes, even while Anki has it open.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from quotedeck.delivery.collection import read_only_copy
from quotedeck.delivery.notes import LEECH_LAPSES, NOTETYPE_NAMES, CollectionNote, added_fields, deck_notes
from quotedeck.pipeline import Checked
from quotedeck.problems import Problem
from quotedeck.state.lock import read_lock


@dataclass(frozen=True)
class Removed:
    """A note whose card left the sources, with its reviews."""

    card_id: str
    reviews: int  # the reviews its cards have had: what deleting it would lose


@dataclass(frozen=True)
class Leech:
    """A card Anki marked a leech, or one lapsed often."""

    card_id: str
    ordinal: int
    lapses: int


@dataclass(frozen=True)
class Fork:
    """A copy of a quotedeck notetype that Anki made when its fields changed."""

    name: str  # Anki's copy, such as `quotedeck term+`
    notes: int  # this deck's notes in it


@dataclass(frozen=True)
class AddedFields:
    """Fields added in Anki to a quotedeck notetype: each import without merging copies it."""

    notetype: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Misplaced:
    """A card in another deck than its card file says."""

    card_id: str
    ordinal: int
    deck: str  # where the card is
    expected: str  # where the source puts it


@dataclass(frozen=True)
class Status:
    """What a collection holds against the sources and the lock."""

    collection: Path
    deck: str
    notes: int  # the deck's notes in the collection
    removed: tuple[Removed, ...]  # in the collection, gone from the sources
    edited: tuple[str, ...]  # changed inside Anki since imported: the next change of the card overwrites it
    behind: tuple[str, ...]  # older in the collection than the last build: not imported yet
    missing: tuple[str, ...]  # in the last build, not in the collection
    leeches: tuple[Leech, ...]
    forks: tuple[Fork, ...]
    misplaced: tuple[Misplaced, ...]
    added_fields: tuple[AddedFields, ...] = ()


def collection_status(collection: Path, checked: Checked) -> Status:
    """Compare the collection at `collection` with the checked sources (and the lock they were planned against)."""
    deck = checked.deck.name
    with read_only_copy(collection) as col:
        held = deck_notes(col, deck)
        added = added_fields(col)
    status = compare(collection, deck, held, checked)
    return replace(status, added_fields=tuple(AddedFields(name, fields) for name, fields in sorted(added.items())))


def compare(collection: Path, deck: str, held: list[CollectionNote], checked: Checked) -> Status:
    """What the collection holds against what the sources and the lock say."""
    planned = {stamped.note.card_id: stamped for stamped in checked.plan.notes}
    lock = read_lock(checked.folder.lock_file)
    locked = {} if isinstance(lock, Problem) else {card_id: n.mod for card_id, n in lock.notes.items()}
    removed, edited, behind, leeches, misplaced = [], [], [], [], []
    forks: dict[str, int] = {}
    unchanged = set(checked.plan.report.unchanged)
    for note in held:
        if note.notetype not in NOTETYPE_NAMES:
            forks[note.notetype] = forks.get(note.notetype, 0) + 1
        for card in note.cards:
            if card.lapses >= LEECH_LAPSES or any(tag.lower() == "leech" for tag in note.tags):
                leeches.append(Leech(note.card_id, card.ordinal, card.lapses))
        stamped = planned.get(note.card_id)
        if stamped is None:
            removed.append(Removed(note.card_id, note.reviews))
            continue
        built = locked.get(note.card_id)
        fields = stamped.note.fields
        differs = note.fields[: len(fields)] != fields  # a field added in Anki is no edit of quotedeck's
        # Unchanged since the last build, the sources give the fields that build wrote: any
        # difference is an edit. Changed since, only a note newer than that build was edited.
        since_built = note.card_id in unchanged
        if built is not None and note.mod < built:
            behind.append(note.card_id)
        elif built is not None and differs and (since_built or note.mod > built):
            edited.append(note.card_id)
        for card in note.cards:
            if card.deck != stamped.note.deck:
                misplaced.append(Misplaced(note.card_id, card.ordinal, card.deck, stamped.note.deck))
    present = {note.card_id for note in held}
    return Status(
        collection=collection,
        deck=deck,
        notes=len(present),
        removed=tuple(removed),
        edited=tuple(edited),
        behind=tuple(behind),
        missing=tuple(sorted(card_id for card_id in locked if card_id not in present)),
        leeches=tuple(leeches),
        forks=tuple(Fork(name, count) for name, count in sorted(forks.items())),
        misplaced=tuple(misplaced),
    )
