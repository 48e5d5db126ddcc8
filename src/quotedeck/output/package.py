"""Write the `.apkg`: the only module that knows genanki.

The file appears complete or not at all: it is written beside its target
and renamed over it, so an error or Ctrl-C leaves the previous build intact.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki

from quotedeck.model import DeckInfo, Kind
from quotedeck.notes.escaping import escape_text
from quotedeck.output.atomic import publish, temporary_beside
from quotedeck.sources.ids import stable_id
from quotedeck.state.changes import Plan, StampedNote, StampedNotetype

# Zip members carry this date, so that identical builds are identical bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# The field shown in Anki's browser: the term, or the question.
_SORT_FIELD = {Kind.TERM: 2, Kind.QUESTION: 1}
# Deflate level 1: a 50,000-note collection compresses in a quarter of the time
# level 6 takes, and comes out about a tenth bigger (about a third of the raw size).
_COMPRESS_LEVEL = 1
# What the collection is copied into the package by.
_CHUNK = 1 << 20


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


def write_package(plan: Plan, deck_info: DeckInfo, out: Path) -> int:
    """Write the package to `out` atomically; return its size in bytes."""
    with temporary_beside(out, ".apkg") as zip_path, temporary_beside(out, ".anki2") as collection:
        write_package_into(zip_path, collection, plan, deck_info)
        publish(zip_path, out)
    return out.stat().st_size


def write_package_into(zip_path: Path, collection: Path, plan: Plan, deck_info: DeckInfo) -> None:
    """Write the package to `zip_path` through its collection file `collection`: both
    scratch files of the caller's, which puts the package in place."""
    models = {t.notetype.kind: _StampedModel(t) for t in plan.notetypes}
    decks: dict[str, genanki.Deck] = {
        deck_info.name: genanki.Deck(
            stable_id("deck", deck_info.name), deck_info.name, escape_text(deck_info.description)
        )
    }
    by_deck: dict[str, list[StampedNote]] = {deck_info.name: []}
    for stamped in plan.notes:
        deck_name = stamped.note.deck
        if deck_name not in decks:
            decks[deck_name] = genanki.Deck(stable_id("deck", deck_name), deck_name)
            by_deck[deck_name] = []
        by_deck[deck_name].append(stamped)
    for deck in decks.values():
        for model in models.values():
            deck.add_model(model)
    numbered = _Numbered(by_deck, {name: deck.deck_id for name, deck in decks.items()}, plan.timestamp * 1000)
    model_ids = {kind: model.model_id for kind, model in models.items()}
    connection = sqlite3.connect(collection)
    try:
        # 16 KB pages: a tenth less time and a smaller package than the 4 KB default, at 50,000 notes.
        connection.execute("PRAGMA page_size = 16384")
        connection.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
        connection.execute("PRAGMA synchronous = OFF")
        cursor = connection.cursor()
        # genanki writes the schema, the collection row and the deck and notetype JSON...
        genanki.Package(list(decks.values())).write_to_db(cursor, plan.timestamp, itertools.count(numbered.first))
        # ...and quotedeck the notes and cards, a statement for all of each: genanki's
        # per-note inserts and checks took most of the time of a large build. The
        # indexes are made again afterwards, from the same SQL: a quarter faster.
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.executemany(_INSERT_NOTE, _note_rows(numbered, model_ids))
        cursor.executemany(_INSERT_CARD, _card_rows(numbered))
        for _, sql in indexes:
            cursor.execute(sql)
        connection.commit()
    finally:
        connection.close()
    _zip(collection, zip_path)


@dataclass(frozen=True)
class _Numbered:
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
# each row binds only what varies (a third less time inserting 50,000 notes).
# id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data
_INSERT_NOTE = "INSERT INTO notes VALUES(?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')"
# id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data
_INSERT_CARD = "INSERT INTO cards VALUES(?, ?, ?, ?, ?, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')"


def _note_rows(numbered: _Numbered, model_ids: dict[Kind, int]) -> Iterator[tuple[object, ...]]:
    for note_id, _deck_id, stamped in numbered:
        note = stamped.note
        tags = f" {' '.join(note.tags)} "
        sort_field = note.fields[_SORT_FIELD[note.kind]]
        yield note_id, note.guid, model_ids[note.kind], stamped.mod, tags, "\x1f".join(note.fields), sort_field


def _card_rows(numbered: _Numbered) -> Iterator[tuple[object, ...]]:
    for note_id, deck_id, stamped in numbered:
        # A new card per cloze number, as quotedeck chose them (genanki would guess from the markup).
        for number, ordinal in enumerate(stamped.note.ordinals, start=1):
            yield note_id + number, note_id, deck_id, ordinal - 1, stamped.mod


def _zip(collection: Path, zip_path: Path) -> None:
    """The collection is copied into its member a chunk at a time: read whole, a
    50,000-note collection and its deflated copy were the build's largest objects."""
    with zipfile.ZipFile(zip_path, "w") as archive, ThreadPoolExecutor(_cores()) as pool:
        with open(collection, "rb") as data, archive.open(_member("collection.anki2"), "w") as member:
            # zipfile deflates what is written through its compressor; an attribute of its own,
            # so that, were it ever renamed, this would set nothing and zipfile deflate alone.
            member._compressor = _ParallelDeflate(pool)  # type: ignore[attr-defined]
            shutil.copyfileobj(data, member, _CHUNK)
        archive.writestr(_member("media"), b"{}")


class _ParallelDeflate:
    """A member's compressor that deflates its chunks on several threads, as pigz does.

    Each chunk is deflated alone, primed with the 32 KB before it, and ends on a
    byte boundary (a sync flush): joined, the chunks are one deflate stream, the
    same bytes whatever the threads' timing. zlib lets go of the GIL as it
    deflates; the package is written while the build writes the lock, and this
    uses the cores that frees.
    """

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self.pool = pool
        self.pending: deque[Future[bytes]] = deque()
        self.before = b""

    def compress(self, data: bytes) -> bytes:
        self.pending.append(self.pool.submit(_deflate_chunk, data, self.before))
        self.before = data[-_WINDOW:]
        done = []  # given back in order: the first chunks done, and enough to keep memory bounded
        while self.pending and (self.pending[0].done() or len(self.pending) > 2 * _cores()):
            done.append(self.pending.popleft().result())
        return b"".join(done)

    def flush(self) -> bytes:
        rest = [self.pending.popleft().result() for _ in range(len(self.pending))]
        return b"".join(rest) + zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS).flush()


_WINDOW = 1 << 15  # how far back deflate looks


def _deflate_chunk(data: bytes, before: bytes) -> bytes:
    raw = -zlib.MAX_WBITS  # no zlib header: zip has its own
    if before:
        deflate = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, raw, zdict=before)
    else:
        deflate = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, raw)
    return deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, _ZIP_DATE)
    member.compress_type = zipfile.ZIP_DEFLATED
    # The level of a member written through ZipFile.open; public as compress_level from Python 3.13,
    # where this name remains as its alias. writestr's compresslevel argument sets the same.
    setattr(member, "_compresslevel", _COMPRESS_LEVEL)  # noqa: B010
    member.external_attr = 0o644 << 16
    return member
