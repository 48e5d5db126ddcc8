"""The notes and cards tables of an Anki collection (schema 11), as genanki 0.13.1 writes them.

genanki inserts a note at a time, with checks of its own: at 50,000 notes that
was most of a build's time. Here each table is filled by one statement, with
the indexes dropped meanwhile and made again from their own SQL. The rows are
genanki's own, column for column: tests/output/test_package.py writes
the same notes through genanki and compares the tables, and pyproject.toml pins
genanki's version beside this module's name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from quotedeck.model import FIELD_SEPARATOR, Kind
from quotedeck.state.changes import StampedNote

# The field shown in Anki's browser: the term, or the question.
SORT_FIELD = {Kind.TERM: 2, Kind.QUESTION: 1}


@dataclass(frozen=True)
class NumberedNotes:
    """The notes by deck, numbered as genanki numbers them: a note, its cards, the next note."""

    by_deck: dict[str, list[StampedNote]]
    deck_ids: dict[str, int]
    first: int

    def __iter__(self) -> Iterator[tuple[int, int, StampedNote]]:
        """Each note's id, its deck's id, and the note; its cards take the ids after its own."""
        note_id = self.first
        for deck_name, notes in self.by_deck.items():
            for stamped in notes:
                yield note_id, self.deck_ids[deck_name], stamped
                note_id += 1 + len(stamped.note.ordinals)


# The columns as genanki writes them; what every row shares is in the statement, so that
# each row binds only what varies.
# id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data
_INSERT_NOTE = "INSERT INTO notes VALUES(?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')"
# id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data
_INSERT_CARD = "INSERT INTO cards VALUES(?, ?, ?, ?, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')"


def _note_rows(numbered: NumberedNotes, model_ids: dict[Kind, int]) -> Iterator[tuple[object, ...]]:
    for note_id, _deck_id, stamped in numbered:
        note = stamped.note
        tags = f" {note.tag_text} "
        sort = SORT_FIELD[note.kind]
        sort_field = note.flds.split(FIELD_SEPARATOR, sort + 1)[sort]
        yield note_id, note.guid, model_ids[note.kind], stamped.mod, tags, note.flds, sort_field


def _card_rows(numbered: NumberedNotes) -> Iterator[tuple[object, ...]]:
    for note_id, deck_id, stamped in numbered:
        # A new card per cloze number, as quotedeck chose them (genanki would guess from the markup),
        # at its note's place in the reading order (genanki's Note(due=...)).
        for number, ordinal in enumerate(stamped.note.ordinals, start=1):
            yield note_id + number, note_id, deck_id, ordinal - 1, stamped.mod, stamped.due


def insert_notes_and_cards(cursor: sqlite3.Cursor, numbered: NumberedNotes, model_ids: dict[Kind, int]) -> None:
    """Every note and card, into a collection whose schema genanki has written."""
    indexes = cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    ).fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.executemany(_INSERT_NOTE, _note_rows(numbered, model_ids))
    cursor.executemany(_INSERT_CARD, _card_rows(numbered))
    for _, sql in indexes:
        cursor.execute(sql)
