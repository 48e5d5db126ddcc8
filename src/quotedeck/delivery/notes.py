"""quotedeck's notes in a collection: those of its notetypes (forks included) whose GUID is the
one this deck gives their card id, so that another deck's notes are never counted or touched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from quotedeck.notes.identity import note_guid
from quotedeck.notes.notetypes import NOTETYPES

if TYPE_CHECKING:
    from anki.collection import Collection

NOTETYPE_NAMES = tuple(t.name for t in NOTETYPES.values())
LEECH_LAPSES = 8  # Anki's default leech threshold


@dataclass(frozen=True)
class CollectionCard:
    """One card of a note in an Anki collection, with its review counts."""

    ordinal: int  # the cloze number
    deck: str  # the card's home deck (outside any filtered deck it sits in)
    reps: int
    lapses: int


@dataclass(frozen=True)
class CollectionNote:
    """A note of quotedeck's notetypes in an Anki collection."""

    note_id: int
    card_id: str  # the note's Id field
    notetype: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    mod: int
    cards: tuple[CollectionCard, ...]

    @property
    def reviews(self) -> int:
        return sum(card.reps for card in self.cards)


def is_quotedeck_notetype(name: str) -> bool:
    """quotedeck's notetypes, and the `name+` copies Anki makes of them."""
    return name.rstrip("+") in NOTETYPE_NAMES


def added_fields(col: Collection) -> dict[str, tuple[str, ...]]:
    """quotedeck's notetypes (and copies) in the collection that have fields quotedeck does not
    write, by name: while such a field is there, every import without merging makes a copy."""
    from anki.models import NotetypeId

    ours = {notetype.name: notetype.fields for notetype in NOTETYPES.values()}
    found = {}
    for entry in col.models.all_names_and_ids():
        if not is_quotedeck_notetype(entry.name):
            continue
        notetype = col.models.get(NotetypeId(entry.id))
        names = tuple(field["name"] for field in notetype["flds"]) if notetype else ()
        extra = tuple(name for name in names if name not in ours[entry.name.rstrip("+")])
        if extra:
            found[entry.name] = extra
    return found


def deck_notes(col: Collection, deck_name: str) -> list[CollectionNote]:
    """The notes of deck `deck_name` in the collection, in card id order."""
    from anki.models import NotetypeId

    found = []
    for entry in col.models.all_names_and_ids():
        if not is_quotedeck_notetype(entry.name):
            continue
        for note_id in col.models.nids(NotetypeId(entry.id)):
            note = col.get_note(note_id)
            card_id = note.fields[0] if note.fields else ""
            if note.guid != note_guid(deck_name, card_id):
                continue
            cards = tuple(
                CollectionCard(card.ord + 1, col.decks.name(card.odid or card.did), card.reps, card.lapses)
                for card in sorted(note.cards(), key=lambda card: card.ord)
            )
            found.append(
                CollectionNote(note.id, card_id, entry.name, tuple(note.fields), tuple(note.tags), note.mod, cards)
            )
    return sorted(found, key=lambda n: (n.card_id, n.notetype))
