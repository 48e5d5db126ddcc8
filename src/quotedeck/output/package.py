"""Write the `.apkg`: the only module that knows genanki.

The file appears complete or not at all: it is written beside its target
and renamed over it, so an error or Ctrl-C leaves the previous build intact.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import genanki

from quotedeck.errors import OutputError
from quotedeck.model import DeckInfo, MediaRef
from quotedeck.notes.escaping import escape_text
from quotedeck.notes.identity import stable_id
from quotedeck.output.atomic import publish, temporary_beside
from quotedeck.output.collection_rows import SORT_FIELD, NumberedNotes, insert_notes_and_cards
from quotedeck.output.zipping import TooLarge, ZipWriter
from quotedeck.state.changes import Plan, StampedNote, StampedNotetype

# What the collection is copied into the package by.
CHUNK = 1 << 20


class StampedModel(genanki.Model):  # type: ignore[misc]
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
            sort_field_index=SORT_FIELD[notetype.kind],
        )
        self.mod = stamped.mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        return super().to_json(self.mod, deck_id)  # type: ignore[no-any-return]


class _Deck(genanki.Deck):  # type: ignore[misc]
    """A deck that arrives expanded, in the deck list and in the browser."""

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "collapsed": False, "browserCollapsed": False}


def _with_parents(names: list[str]) -> list[str]:
    """Every deck and its parents, each once, parents first: a parent Anki makes from a `::`
    name arrives collapsed, and the deck below it looks missing."""
    found: dict[str, None] = {}
    for name in names:
        parts = name.split("::")
        for end in range(1, len(parts) + 1):
            found.setdefault("::".join(parts[:end]))
    return list(found)


def package_decks(names: list[str], deck_info: DeckInfo) -> dict[str, genanki.Deck]:
    """The package's decks by name: those the notes go to, and their parents."""
    decks: dict[str, genanki.Deck] = {}
    for name in _with_parents(names):
        description = escape_text(deck_info.description) if name == deck_info.name else ""
        decks[name] = _Deck(stable_id("deck", name), name, description)
    return decks


def write_package(plan: Plan, deck_info: DeckInfo, out: Path) -> int:
    """Write the package to `out` atomically; return its size in bytes."""
    with temporary_beside(out, ".apkg") as zip_path, temporary_beside(out, ".anki2") as collection:
        write_package_into(zip_path, collection, plan, deck_info)
        publish(zip_path, out)
    return out.stat().st_size


def write_package_into(zip_path: Path, collection: Path, plan: Plan, deck_info: DeckInfo) -> None:
    """Write the package to `zip_path` through its collection file `collection`: both
    scratch files of the caller's, which puts the package in place."""
    zip_collection(collection, zip_path, write_collection(collection, plan, deck_info))


def write_collection(collection: Path, plan: Plan, deck_info: DeckInfo) -> list[MediaRef]:
    """Write the package's collection to `collection`; return the media files to zip beside it."""
    models = {t.notetype.kind: StampedModel(t) for t in plan.notetypes}
    by_deck: dict[str, list[StampedNote]] = {deck_info.name: []}
    for stamped in plan.notes:
        by_deck.setdefault(stamped.note.deck, []).append(stamped)
    decks = package_decks(list(by_deck), deck_info)
    for deck in decks.values():
        for model in models.values():
            deck.add_model(model)
    timestamp = plan.timestamp
    numbered = NumberedNotes(by_deck, {name: deck.deck_id for name, deck in decks.items()}, timestamp * 1000)
    model_ids = {kind: model.model_id for kind, model in models.items()}
    connection = sqlite3.connect(collection)
    try:
        # 16 KB pages: a tenth less time and a smaller package than the 4 KB default, at 50,000 notes.
        connection.execute("PRAGMA page_size = 16384")
        connection.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
        connection.execute("PRAGMA synchronous = OFF")
        cursor = connection.cursor()
        # genanki writes the schema, the collection row and the deck and notetype JSON, and
        # quotedeck the notes and cards (see collection_rows.py for why, and how it is kept true).
        genanki.Package(list(decks.values())).write_to_db(cursor, timestamp, itertools.count(numbered.first))
        insert_notes_and_cards(cursor, numbered, model_ids)
        connection.commit()
    finally:
        connection.close()
    media = {ref.name: ref for stamped in plan.notes for ref in stamped.note.media}
    return [media[name] for name in sorted(media)]


def zip_collection(collection: Path, zip_path: Path, media: list[MediaRef] | None = None) -> None:
    """The collection is streamed into its member: read whole, a 50,000-note collection and
    its deflated copy were the build's largest objects.

    Media files follow as members "0", "1", ... in the order of their names, and the
    `media` member maps each number to its name, as Anki's importer reads them."""
    media = media or []
    names = json.dumps({str(number): ref.name for number, ref in enumerate(media)}, separators=(",", ":"))
    with open(zip_path, "wb") as file, ZipWriter(file) as archive:
        try:
            archive.add("collection.anki2", _chunks(collection), deflate=True)
            archive.add("media", [names.encode()], deflate=True)
            for number, ref in enumerate(media):
                # Images and sounds are compressed already: stored as they are.
                archive.add(str(number), [_media_bytes(ref)], deflate=False)
        except TooLarge as exc:
            raise OutputError(
                zip_path,
                f"the package would be larger than a ZIP file without ZIP64 holds (4 GB, at {exc})",
                "split the deck into smaller decks, or leave out large media files",
            ) from exc


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk


def _media_bytes(ref: MediaRef) -> bytes:
    """The file, as it was when checked: its name in the notes is made from those bytes."""
    data = ref.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != ref.digest:
        raise OutputError(ref.path, "the file changed while the deck was being built", "build again")
    return data
