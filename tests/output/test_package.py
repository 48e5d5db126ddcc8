"""quotedeck inserts notes and cards itself: the collection must hold what genanki's own writer puts there."""

import itertools
import random
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import genanki

from quotedeck.notes.note import NoteSpec
from quotedeck.output.package import CHUNK, StampedModel, package_decks, write_package, zip_collection
from quotedeck.pipeline import check
from tests.support.sources import write_source

T0 = 1_800_000_000

CARDS = {
    "a.yaml": """\
        source:
          text: texts/sample.txt
          title: A Sample Text
        cards:
          - term: the innermost point
            definition: The place in the heart where the Creator is found.
            quote: "That point is the innermost point, where the Creator is found."
        """,
    "b.yaml": """\
        source:
          text: texts/sample.txt
          title: A Sample Text
        deck: Part Two
        tags: [two]
        cards:
          - question: What does the Light give to the one who asks?
            answer: A new force.
            quote: "The Light gives a new force to the one who asks."
            cloze: [the one who asks, a new force]
            id: light-gives
        """,
}


def tables(collection: bytes, tmp_path: Path) -> dict[str, list[tuple[object, ...]]]:
    path = tmp_path / "collection.anki2"
    path.write_bytes(collection)
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in ("col", "notes", "cards")}


class _GenankiNote(genanki.Note):  # type: ignore[misc]
    """A note written by genanki itself, with quotedeck's mod and cards (quotedeck's writer until it inserted rows)."""

    def __init__(self, note: NoteSpec, model: StampedModel, mod: int, due: int) -> None:
        super().__init__(model=model, fields=list(note.fields), tags=list(note.tags), guid=note.guid, due=due)
        self.mod = mod
        self.cards = [genanki.Card(ordinal - 1) for ordinal in note.ordinals]

    def write_to_db(self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Iterator[int]) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def genanki_collection(source: Path, tmp_path: Path) -> bytes:
    """The same plan written note by note through genanki, as quotedeck did before."""
    checked = check(source, now=T0)
    deck, plan, _ = checked.deck, checked.plan, list(checked.warnings)
    models = {t.notetype.kind: StampedModel(t) for t in plan.notetypes}
    decks = package_decks([deck.name, *(stamped.note.deck for stamped in plan.notes)], deck)
    for stamped in plan.notes:
        note = stamped.note
        decks[note.deck].add_note(_GenankiNote(note, models[note.kind], stamped.mod, stamped.due))
    for each in decks.values():
        for model in models.values():
            each.add_model(model)
    path = tmp_path / "genanki.anki2"
    with sqlite3.connect(path) as db:
        ids = itertools.count(plan.timestamp * 1000)
        genanki.Package(list(decks.values())).write_to_db(db.cursor(), plan.timestamp, ids)
    return path.read_bytes()


def test_notes_and_cards_are_the_rows_genanki_writes(tmp_path: Path) -> None:
    source = write_source(tmp_path, cards=CARDS)
    checked = check(source, now=T0)
    deck, plan, _ = checked.deck, checked.plan, list(checked.warnings)
    out = tmp_path / "deck.apkg"
    write_package(plan, deck, out)
    with zipfile.ZipFile(out) as archive:
        ours = tables(archive.read("collection.anki2"), tmp_path)
    theirs = tables(genanki_collection(source, tmp_path), tmp_path)
    assert ours == theirs
    assert [row[3] for row in ours["cards"]] == [0, 0, 1]  # the term c1, then the question c1 and c2
    # The browser's sort field: the term, or the question.
    assert {row[7] for row in ours["notes"]} == {"the innermost point", "What does the Light give to the one who asks?"}


def test_members_are_deflated_and_dated_for_identical_bytes(tmp_path: Path) -> None:
    source = write_source(tmp_path, cards=CARDS)
    checked = check(source, now=T0)
    deck, plan, _ = checked.deck, checked.plan, list(checked.warnings)
    first, second = tmp_path / "1.apkg", tmp_path / "2.apkg"
    write_package(plan, deck, first)
    write_package(plan, deck, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        members = archive.infolist()
    assert [(m.filename, m.compress_type, m.date_time) for m in members] == [
        ("collection.anki2", zipfile.ZIP_DEFLATED, (1980, 1, 1, 0, 0, 0)),
        ("media", zipfile.ZIP_DEFLATED, (1980, 1, 1, 0, 0, 0)),
    ]
    assert members[0].compress_size < members[0].file_size / 2


def test_a_collection_of_many_chunks_is_one_deflate_stream(tmp_path: Path) -> None:
    """The collection is deflated as it is read, a chunk at a time, into one stream: the member
    must read back whole, its CRC must hold, and the bytes must be the same every time."""
    words = random.Random(7).choices(["heart", "point", "Creator", "desire", "\x00\x1f", "light"], k=900_000)
    noise = random.Random(8).randbytes(CHUNK)  # a chunk that deflate cannot shrink, between text
    data = " ".join(words).encode()[: 2 * CHUNK] + noise + " ".join(words).encode()[: CHUNK + 12_345]
    collection = tmp_path / "collection.anki2"
    collection.write_bytes(data)
    packages = [tmp_path / f"{n}.apkg" for n in range(3)]
    for package in packages:
        zip_collection(collection, package)
    assert len({package.read_bytes() for package in packages}) == 1
    with zipfile.ZipFile(packages[0]) as archive:
        assert archive.testzip() is None  # every member's CRC matches what it inflates to
        assert archive.read("collection.anki2") == data
        assert archive.read("media") == b"{}"
        member = archive.getinfo("collection.anki2")
    assert member.compress_size < len(data) * 0.6
