"""Drive a real Anki collection from tests.

Everything here goes through the ``anki`` package from PyPI, i.e. the same
Rust backend that the desktop app uses: importing runs Anki's own .apkg
importer, rendering runs Anki's template engine, reviewing runs the v3
scheduler.  Nothing is mocked, so a test that passes here describes what a
user will actually see after importing a quotedeck package.

Typical use::

    with fresh_collection() as col:
        summary = import_apkg(col, path)
        assert summary.counts() == {"new": 2}
        note = notes_by_guid(col)["some-guid"]

How Anki classifies each note of an imported .apkg (observed with anki 26.9.3
and default options, and matching ``rslib/.../apkg/import/notes.rs``):

``new``
    No note with this GUID existed; the note was added.
``updated``
    A note with this GUID and the same notetype existed and the incoming
    note's modification time (genanki: the ``timestamp`` given to
    ``Package.write_to_file``) was *strictly newer*; its fields and tags were
    overwritten.  This is decided on mtime alone: a note whose content did
    not change at all is still reported as ``updated`` when the package is
    newer.  The note's existing cards (and their review history) are kept.
``duplicate``
    A note with this GUID and the same notetype existed, but the incoming
    mtime was *not* newer (equal or older); nothing was changed.  This is
    Anki's "unchanged / skipped" bucket; there is no separate one.
``conflicting``
    A note with this GUID existed but cannot be updated because the
    notetypes differ.  Typical cause: the package's notetype has the same id
    as an existing one but a different schema (field or template names),
    so, with "merge notetypes" off, Anki imported it as a copy named
    ``"<name>+"``; incoming notes whose GUID already exists are then left
    untouched and logged here, while incoming notes with unseen GUIDs are
    added (as ``new``) to the ``"<name>+"`` copy.
``first_field_match``, ``missing_notetype``, ``missing_deck``, ``empty_first_field``
    Only filled by Anki's CSV/text importer; always empty for .apkg files.
    Kept so that a test can assert they stay empty.

Notetypes are not in the log.  With the default options, an incoming
notetype whose id exists in the collection and whose schema (field and
template names) is unchanged replaces the stored one (CSS, templates, name)
only if its ``mod`` is strictly newer; genanki sets ``mod`` to the package
timestamp too.  A changed schema gives the ``"<name>+"`` copy described
above, which later imports of the same schema reuse (no ``"<name>++"``).
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal, NamedTuple

# anki.collection must be imported before anything else from anki: the
# package has an import cycle (anki.cards -> anki.collection -> ... ->
# anki.hooks_gen -> anki.cards) that fails when anki.cards comes first.
from anki.collection import Collection

# isort: split
from anki.cards import Card, CardId
from anki.dbproxy import DBProxy
from anki.import_export_pb2 import (
    IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportResponse,
)
from anki.notes import NoteId
from anki.scheduler.v3 import Scheduler as V3Scheduler
from anki.scheduler_pb2 import CardAnswer

# pylib logs deprecation notices and "blocked main thread for N ms" debug
# messages through the standard logging module; tests should not show them.
# (The Rust side only logs if Collection.initialize_backend_logging() is
# called, which we never do.)
logging.getLogger("anki").setLevel(logging.ERROR)

__all__ = [
    "CardHistory",
    "ImportKind",
    "ImportSummary",
    "LoggedNote",
    "NoteView",
    "card_history",
    "cards",
    "default_import_options",
    "fresh_collection",
    "import_apkg",
    "notes_by_guid",
    "notetype_css",
    "notetype_names",
    "render",
    "review",
]


# ---------------------------------------------------------------------------
# Collections
# ---------------------------------------------------------------------------


@contextmanager
def fresh_collection(directory: Path | None = None) -> Iterator[Collection]:
    """Yield a new, empty collection (like a brand-new profile); close it after.

    The collection file lives in ``directory`` (which must exist; pytest's
    ``tmp_path`` is a good choice) or, if omitted, in a temporary directory
    removed on exit.  Anki also creates its media folder next to it.
    """
    if directory is None:
        with tempfile.TemporaryDirectory(prefix="anki-col-") as tmp, fresh_collection(Path(tmp)) as col:
            yield col
        return
    path = directory / "collection.anki2"
    if path.exists():
        raise FileExistsError(f"not a fresh collection: {path}")
    col = Collection(str(path))
    try:
        yield col
    finally:
        col.close()


# ---------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------


def default_import_options() -> ImportAnkiPackageOptions:
    """The options Anki's import dialog starts with on a fresh profile.

    Update notes: if newer; update notetypes: if newer; merge notetypes: off;
    import scheduling: off; import deck presets: off.  (These are the
    protobuf defaults, and equal what the backend's
    ``get_import_anki_package_presets`` returns for a new collection; the
    test module checks that.)  Spelled out so the intent is visible.
    """
    return ImportAnkiPackageOptions(
        update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        merge_notetypes=False,
        with_scheduling=False,
        with_deck_configs=False,
    )


ImportKind = Literal[
    "new",
    "updated",
    "duplicate",
    "conflicting",
    "first_field_match",
    "missing_notetype",
    "missing_deck",
    "empty_first_field",
]


@dataclass(frozen=True)
class LoggedNote:
    """One entry of Anki's import log.

    ``fields`` are the *incoming* field values (from the package), even for
    ``duplicate`` notes whose stored fields were not changed.

    ``note_id`` is whatever id Anki put in the log: the note's id in the
    collection for new/updated/duplicate, but the note's id *in the package*
    for conflicting (that id usually does not exist in the collection).

    ``guid`` is not part of Anki's log; it is looked up from ``note_id`` in
    the collection (new/updated/duplicate) or in the package file
    (conflicting).  None if it could not be determined (e.g. a package in
    the zstd-compressed ``collection.anki21b`` format).
    """

    note_id: int
    guid: str | None
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ImportSummary:
    """Anki's import log for one .apkg, one tuple per kind (see module doc)."""

    found_notes: int
    new: tuple[LoggedNote, ...]
    updated: tuple[LoggedNote, ...]
    duplicate: tuple[LoggedNote, ...]
    conflicting: tuple[LoggedNote, ...]
    first_field_match: tuple[LoggedNote, ...]
    missing_notetype: tuple[LoggedNote, ...]
    missing_deck: tuple[LoggedNote, ...]
    empty_first_field: tuple[LoggedNote, ...]

    def counts(self) -> dict[str, int]:
        """Non-zero counts only, e.g. ``{"new": 2}``; handy for exact asserts."""
        result: dict[str, int] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, tuple) and value:
                result[field.name] = len(value)
        return result

    def guids(self, kind: ImportKind) -> set[str | None]:
        """GUIDs of the notes logged under ``kind``."""
        entries: tuple[LoggedNote, ...] = getattr(self, kind)
        return {entry.guid for entry in entries}


def import_apkg(
    col: Collection,
    path: Path | str,
    options: ImportAnkiPackageOptions | None = None,
) -> ImportSummary:
    """Import ``path`` like a user would, and summarise Anki's log.

    Uses ``default_import_options()`` unless ``options`` is given.  This is
    the same backend call the desktop app's import dialog makes.
    """
    request = ImportAnkiPackageRequest(
        package_path=str(path),
        options=options if options is not None else default_import_options(),
    )
    log = col.import_anki_package(request).log
    # pylib caches notetype dicts on the Python side (col.models) and the
    # import, which runs entirely in Rust, does not invalidate that cache:
    # without this, col.models.by_name() would keep returning the notetype
    # (CSS, templates, mod) as it was *before* the import.
    col.models._clear_cache()
    package_guids: dict[int, str] | None = None  # read lazily, rarely needed

    def entries(kind: ImportKind, in_collection: bool) -> tuple[LoggedNote, ...]:
        nonlocal package_guids
        logged: list[ImportResponse.Note] = list(getattr(log, kind))
        result = []
        for note in logged:
            note_id = note.id.nid
            guid: str | None
            if in_collection:
                guid = _guid_in_collection(col, note_id)
            else:
                if package_guids is None:
                    package_guids = _package_note_guids(Path(path))
                guid = package_guids.get(note_id)
            result.append(LoggedNote(note_id, guid, tuple(note.fields)))
        return tuple(result)

    return ImportSummary(
        found_notes=log.found_notes,
        new=entries("new", in_collection=True),
        updated=entries("updated", in_collection=True),
        duplicate=entries("duplicate", in_collection=True),
        # The id of a conflicting note is its id in the *package*.
        conflicting=entries("conflicting", in_collection=False),
        # CSV-only kinds; for safety resolve via the package too.
        first_field_match=entries("first_field_match", in_collection=False),
        missing_notetype=entries("missing_notetype", in_collection=False),
        missing_deck=entries("missing_deck", in_collection=False),
        empty_first_field=entries("empty_first_field", in_collection=False),
    )


def _db(col: Collection) -> DBProxy:
    """The collection's database handle (None only after close())."""
    assert col.db is not None, "collection is closed"
    return col.db


def _guid_in_collection(col: Collection, note_id: int) -> str | None:
    guid = _db(col).scalar("select guid from notes where id = ?", note_id)
    return str(guid) if guid is not None else None


def _package_note_guids(path: Path) -> dict[int, str]:
    """Map note id -> guid as stored inside an .apkg file.

    genanki (and Anki's "support older versions" export) stores a plain
    SQLite ``collection.anki2``/``collection.anki21``.  Modern Anki exports
    store a zstd-compressed ``collection.anki21b`` next to a stub
    ``collection.anki2``; we cannot read that without zstd, so return {}.
    """
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "collection.anki21b" in names:
            return {}
        member = next(
            (n for n in ("collection.anki21", "collection.anki2") if n in names),
            None,
        )
        if member is None:
            return {}
        with tempfile.TemporaryDirectory(prefix="apkg-") as tmp:
            extracted = archive.extract(member, tmp)
            with closing(sqlite3.connect(extracted)) as db:
                rows = db.execute("select id, guid from notes").fetchall()
    return {int(note_id): str(guid) for note_id, guid in rows}


# ---------------------------------------------------------------------------
# Reading what the user sees
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    """A note as stored in the collection (after import)."""

    note_id: NoteId
    guid: str
    notetype: str  # notetype name, e.g. "QuoteDeck Cloze" or "QuoteDeck Cloze+"
    fields: dict[str, str]  # field name -> value, in notetype field order
    tags: tuple[str, ...]
    mod: int  # note mtime in seconds (genanki: the package timestamp)
    card_ords: tuple[int, ...]  # sorted; for cloze: cloze number - 1


def notes_by_guid(col: Collection) -> dict[str, NoteView]:
    """Every note in the collection, keyed by GUID."""
    result: dict[str, NoteView] = {}
    for note_id in col.find_notes(""):
        note = col.get_note(note_id)
        notetype = note.note_type()
        assert notetype is not None, f"note {note_id} has no notetype"
        result[note.guid] = NoteView(
            note_id=note.id,
            guid=note.guid,
            notetype=notetype["name"],
            fields=dict(note.items()),
            tags=tuple(note.tags),
            mod=note.mod,
            card_ords=tuple(sorted(card.ord for card in note.cards())),
        )
    return result


def cards(col: Collection, query: str = "") -> list[Card]:
    """Cards matching an Anki search ``query`` (default: all), by card id."""
    return [col.get_card(card_id) for card_id in sorted(col.find_cards(query))]


def render(card: Card, with_css: bool = True) -> tuple[str, str]:
    """(question, answer) HTML rendered by Anki's template engine.

    With ``with_css`` (the default) this is exactly ``card.question()`` /
    ``card.answer()``: the notetype CSS in a leading ``<style>`` element,
    then the rendered template, as handed to the reviewer webview.  Without,
    only the rendered templates.  Always re-renders (no stale cache after an
    import changed the note or notetype).
    """
    output = card.render_output(reload=True)
    if with_css:
        return output.question_and_style(), output.answer_and_style()
    return output.question_text, output.answer_text


def notetype_names(col: Collection) -> list[str]:
    """Names of all notetypes, sorted (includes Anki's stock ones)."""
    return sorted(entry.name for entry in col.models.all_names_and_ids())


def notetype_css(col: Collection, name: str) -> str:
    """The CSS ("Styling") of the notetype called ``name``; KeyError if none.

    Read from the backend, bypassing pylib's notetype cache (see
    ``import_apkg``), so it is always what is stored in the collection.
    """
    notetype_id = col.models.id_for_name(name)
    if notetype_id is None:
        raise KeyError(name)
    return col._backend.get_notetype(notetype_id).config.css


# ---------------------------------------------------------------------------
# Reviewing
# ---------------------------------------------------------------------------

_RATINGS = {
    1: CardAnswer.AGAIN,
    2: CardAnswer.HARD,
    3: CardAnswer.GOOD,
    4: CardAnswer.EASY,
}


def review(col: Collection, card_id: CardId | int, ease: Literal[1, 2, 3, 4] = 3) -> Card:
    """Answer a card through the real v3 scheduler; return the updated card.

    ``ease`` is the answer button: 1 again, 2 hard, 3 good, 4 easy.  This
    writes a revlog row and updates reps/interval/due exactly like pressing
    the button in the reviewer.  Note that with default deck options a *new*
    card answered "good" (3) only enters learning (interval 0); use 4 (easy)
    to graduate it straight to a review card with a multi-day interval.

    Works for any card, not only the one at the head of the review queue:
    the scheduling states are fetched for this card, as the reviewer does.
    """
    sched = col.sched
    assert isinstance(sched, V3Scheduler), "expected the v3 scheduler"
    card = col.get_card(CardId(card_id))
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    answer = sched.build_answer(card=card, states=states, rating=_RATINGS[ease])
    sched.answer_card(answer)
    card.load()
    return card


class CardHistory(NamedTuple):
    """Scheduling state of one card; compare before/after a re-import."""

    ivl: int  # interval in days (0 for new/learning cards)
    reps: int  # number of reviews
    due: int  # new: position; learning: epoch secs; review: day number
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int  # like type; negative when suspended/buried
    revlog_count: int  # rows in the review log


def card_history(col: Collection) -> dict[CardId, CardHistory]:
    """Scheduling state and review-log row count of every card."""
    revlog_counts = {
        int(card_id): int(count) for card_id, count in _db(col).all("select cid, count() from revlog group by cid")
    }
    rows = _db(col).all("select id, ivl, reps, due, type, queue from cards order by id")
    return {
        CardId(int(card_id)): CardHistory(
            ivl=int(ivl),
            reps=int(reps),
            due=int(due),
            type=int(card_type),
            queue=int(queue),
            revlog_count=revlog_counts.get(int(card_id), 0),
        )
        for card_id, ivl, reps, due, card_type, queue in rows
    }
