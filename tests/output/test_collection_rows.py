"""output/collection_rows.py writes the notes and cards tables exactly as genanki itself does."""

import sqlite3
import zipfile
from pathlib import Path

import genanki

from quotedeck.notes.identity import stable_id
from quotedeck.notes.notetypes import NOTETYPES
from quotedeck.output.collection_rows import SORT_FIELD
from quotedeck.output.package import write_package
from quotedeck.pipeline import check
from tests.support.sources import write_source

T0 = 1_800_000_000

TEXTS = {"one.txt": "The Light gives a new force to the one who asks.\n\nA person asks the Light to change him.\n"}
CARDS = {
    "a.yaml": """\
        source: {text: texts/one.txt, title: One}
        cards:
          - question: What does the Light give to the one who asks?
            answer: A new force.
            quote: "The Light gives a new force to the one who asks."
            cloze: [a new force, the one who asks]
        """,
    "b.yaml": """\
        source: {text: texts/one.txt, title: One}
        deck: Second
        tags: [more]
        cards:
          - term: the Light
            definition: What a person asks to change him.
            quote: "A person asks the Light to change him."
        """,
}


def tables(package: Path, folder: Path) -> dict[str, list[tuple[object, ...]]]:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", folder)
    connection = sqlite3.connect(folder / "collection.anki2")
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in ("notes", "cards")
        }
    finally:
        connection.close()


def test_notes_and_cards_are_the_rows_genanki_writes(tmp_path: Path) -> None:
    source = write_source(tmp_path, cards=CARDS, texts=TEXTS)
    checked = check(source, now=T0)  # no lock: every note is new, stamped T0, as genanki stamps all
    ours = tmp_path / "ours.apkg"
    write_package(checked.plan, checked.deck, ours)

    models = {
        kind: genanki.Model(
            notetype.id,
            notetype.name,
            fields=[{"name": name} for name in notetype.fields],
            templates=[{"name": "Cloze", "qfmt": notetype.front, "afmt": notetype.back}],
            css=notetype.css,
            model_type=genanki.Model.CLOZE,
            sort_field_index=SORT_FIELD[kind],
        )
        for kind, notetype in NOTETYPES.items()
    }
    decks: dict[str, genanki.Deck] = {checked.deck.name: genanki.Deck(stable_id("deck", checked.deck.name), "x")}
    for stamped in checked.plan.notes:
        note = stamped.note
        deck = decks.setdefault(note.deck, genanki.Deck(stable_id("deck", note.deck), note.deck))
        deck.add_note(
            genanki.Note(models[note.kind], list(note.fields), tags=list(note.tags), guid=note.guid, due=note.due)
        )
    theirs = tmp_path / "theirs.apkg"
    genanki.Package(list(decks.values())).write_to_file(str(theirs), timestamp=T0)

    mine, genankis = tables(ours, tmp_path / "ours"), tables(theirs, tmp_path / "theirs")
    assert len(mine["notes"]) == 2 and len(mine["cards"]) == 3
    assert len({row[8] for row in mine["cards"]}) == 2  # each note at its own position (due)
    assert mine == genankis
