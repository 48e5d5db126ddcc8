"""Write the `.apkg`: the only module that knows genanki.

The file appears complete or not at all: it is written beside its target
and renamed over it, so an error or Ctrl-C leaves the previous build intact.
"""

from __future__ import annotations

import itertools
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import genanki

from quotedeck.atomic import publish, temporary_beside
from quotedeck.changes import Plan, StampedNotetype
from quotedeck.escaping import escape_text
from quotedeck.ids import stable_id
from quotedeck.model import DeckInfo, Kind

# Zip members carry this date, so that identical builds are identical bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# The field shown in Anki's browser: the term, or the question.
_SORT_FIELD = {Kind.TERM: 2, Kind.QUESTION: 1}


class _StampedModel(genanki.Model):  # type: ignore[misc]
    """A notetype exported with its own `mod`, not the package's."""

    def __init__(self, stamped: StampedNotetype) -> None:
        notetype = stamped.notetype
        super().__init__(
            notetype.id,
            notetype.name,
            fields=[{"name": name} for name in notetype.fields],
            templates=[{"name": "Cloze", "qfmt": notetype.front, "afmt": notetype.back}],
            css=notetype.css,
            model_type=genanki.Model.CLOZE,
            sort_field_index=_SORT_FIELD[notetype.kind],
        )
        self.mod = stamped.mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        return super().to_json(self.mod, deck_id)  # type: ignore[no-any-return]


class _StampedNote(genanki.Note):  # type: ignore[misc]
    """A note exported with its own `mod` and with the cards quotedeck chose."""

    def __init__(
        self, model: _StampedModel, fields: list[str], tags: list[str], guid: str, mod: int, ordinals: tuple[int, ...]
    ) -> None:
        super().__init__(model=model, fields=fields, tags=tags, guid=guid)
        self.mod = mod
        # genanki would guess cards from the cloze markup; quotedeck knows them.
        self.cards = [genanki.Card(ordinal - 1) for ordinal in ordinals]

    def write_to_db(self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Iterator[int]) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def write_package(plan: Plan, deck_info: DeckInfo, out: Path) -> int:
    """Write the package to `out` atomically; return its size in bytes."""
    models = {t.notetype.kind: _StampedModel(t) for t in plan.notetypes}
    decks: dict[str, genanki.Deck] = {
        deck_info.name: genanki.Deck(
            stable_id("deck", deck_info.name), deck_info.name, escape_text(deck_info.description)
        )
    }
    for stamped in plan.notes:
        note = stamped.note
        if note.deck not in decks:
            decks[note.deck] = genanki.Deck(stable_id("deck", note.deck), note.deck)
        decks[note.deck].add_note(
            _StampedNote(models[note.kind], list(note.fields), list(note.tags), note.guid, stamped.mod, note.ordinals)
        )
    for deck in decks.values():
        for model in models.values():
            deck.add_model(model)
    package = genanki.Package(list(decks.values()))
    with temporary_beside(out, ".anki2") as db_path, temporary_beside(out, ".apkg") as zip_path:
        connection = sqlite3.connect(db_path)
        try:
            package.write_to_db(connection.cursor(), plan.timestamp, itertools.count(plan.timestamp * 1000))
            connection.commit()
        finally:
            connection.close()
        _zip(db_path, zip_path)
        publish(zip_path, out)
    return out.stat().st_size


def _zip(db_path: Path, zip_path: Path) -> None:
    with zipfile.ZipFile(zip_path, "w") as archive:
        for name, data in (("collection.anki2", db_path.read_bytes()), ("media", b"{}")):
            member = zipfile.ZipInfo(name, _ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, data, compresslevel=6)
