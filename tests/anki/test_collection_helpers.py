"""Prove tests/support/anki_collection.py against real Anki with tiny genanki packages.

Each test documents one piece of Anki import behaviour that quotedeck relies
on (re-importing a rebuilt deck must update notes without losing reviews).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import genanki
import pytest
from anki.collection import Collection

from tests.support.anki_collection import (
    card_history,
    cards,
    default_import_options,
    fresh_collection,
    import_apkg,
    notes_by_guid,
    notetype_css,
    notetype_names,
    render,
    review,
)

MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_110
MODEL_NAME = "Helper Test Cloze"
T0 = 1_700_000_000  # package timestamp = note and notetype mtime (seconds)


def build_apkg(
    path: Path,
    notes: dict[str, list[str]],
    *,
    timestamp: float,
    field_names: tuple[str, ...] = ("Text", "Extra"),
    css: str = ".card { color: black; }",
) -> Path:
    """Write a one-deck package with a fixed-id cloze model and fixed GUIDs."""
    model = genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in field_names],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}<hr>{{Extra}}",
            }
        ],
        css=css,
        model_type=genanki.Model.CLOZE,
    )
    deck = genanki.Deck(DECK_ID, "Helper Test")
    for guid, values in notes.items():
        deck.add_note(genanki.Note(model=model, fields=values, guid=guid, tags=["quote"]))
    genanki.Package(deck).write_to_file(str(path), timestamp=timestamp)
    return path


NOTES = {
    "guid-one": ["Alpha {{c1::beta}} gamma {{c2::delta}}", "source one"],
    "guid-two": ["Epsilon {{c1::zeta}}", "source two"],
}


def _cached_css(col: Collection) -> str:
    """CSS as pylib's (cached) notetype dicts report it."""
    notetype = col.models.by_name(MODEL_NAME)
    assert notetype is not None
    css: str = notetype["css"]
    return css


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "profile").mkdir()
    with fresh_collection(tmp_path / "profile") as collection:
        yield collection


def test_default_options_are_what_a_fresh_profile_offers(col: Collection) -> None:
    assert col._backend.get_import_anki_package_presets() == default_import_options()


def test_first_import_adds_new_notes_and_renders_cloze(col: Collection, tmp_path: Path) -> None:
    pkg = build_apkg(tmp_path / "v1.apkg", NOTES, timestamp=T0)

    summary = import_apkg(col, pkg)

    assert summary.counts() == {"new": 2}
    assert summary.found_notes == 2
    assert summary.guids("new") == {"guid-one", "guid-two"}
    assert summary.new[0].fields == tuple(NOTES["guid-one"])

    notes = notes_by_guid(col)
    assert set(notes) == {"guid-one", "guid-two"}
    one = notes["guid-one"]
    assert one.notetype == MODEL_NAME
    assert one.fields == {"Text": NOTES["guid-one"][0], "Extra": "source one"}
    assert one.tags == ("quote",)
    assert one.mod == T0
    assert one.card_ords == (0, 1)  # c1 and c2
    assert notes["guid-two"].card_ords == (0,)
    assert MODEL_NAME in notetype_names(col)
    assert notetype_css(col, MODEL_NAME) == ".card { color: black; }"

    first_card = next(c for c in cards(col) if c.nid == one.note_id and c.ord == 0)
    question, answer = render(first_card, with_css=False)
    # c1 is hidden as "[...]"; Anki still puts its text in a data-cloze
    # attribute of the question HTML, but never as visible text.
    assert 'data-cloze="beta" data-ordinal="1">[...]</span>' in question
    assert ">beta<" not in question
    assert ">delta<" in question  # c2 is shown while c1 is asked
    assert ">beta<" in answer and "source one" in answer
    assert render(first_card)[0].startswith("<style>.card { color: black; }</style>")


def test_same_timestamp_reimport_is_duplicate_and_changes_nothing(col: Collection, tmp_path: Path) -> None:
    import_apkg(col, build_apkg(tmp_path / "v1.apkg", NOTES, timestamp=T0))
    edited = {**NOTES, "guid-one": ["Alpha EDITED {{c1::beta}}", "source one"]}
    pkg = build_apkg(tmp_path / "v1b.apkg", edited, timestamp=T0, css=".card { color: red; }")

    summary = import_apkg(col, pkg)

    # Matched by GUID, mtime not newer -> "duplicate" (= skipped), not updated.
    assert summary.counts() == {"duplicate": 2}
    assert summary.guids("duplicate") == {"guid-one", "guid-two"}
    # The log carries the *incoming* fields ...
    by_guid = {entry.guid: entry for entry in summary.duplicate}
    assert by_guid["guid-one"].fields[0] == "Alpha EDITED {{c1::beta}}"
    # ... but the collection keeps the old ones, and the old notetype CSS.
    assert notes_by_guid(col)["guid-one"].fields["Text"] == NOTES["guid-one"][0]
    assert notetype_css(col, MODEL_NAME) == ".card { color: black; }"


def test_newer_timestamp_updates_fields_and_keeps_review_history(col: Collection, tmp_path: Path) -> None:
    import_apkg(col, build_apkg(tmp_path / "v1.apkg", NOTES, timestamp=T0))
    one = notes_by_guid(col)["guid-one"]
    card = next(c for c in cards(col) if c.nid == one.note_id and c.ord == 0)
    reviewed = review(col, card.id, ease=4)
    assert (reviewed.type, reviewed.reps) == (2, 1) and reviewed.ivl >= 1
    before = card_history(col)
    assert before[card.id].revlog_count == 1
    assert _cached_css(col) == ".card { color: black; }"  # primes pylib's notetype cache

    edited = {**NOTES, "guid-one": ["Alpha EDITED {{c1::beta}} gamma {{c2::delta}}", "x"]}
    pkg = build_apkg(tmp_path / "v2.apkg", edited, timestamp=T0 + 60, css=".card { color: red; }")
    summary = import_apkg(col, pkg)

    # Newer mtime -> "updated", decided on mtime only: the untouched
    # guid-two note is reported as updated too.
    assert summary.counts() == {"updated": 2}
    assert summary.guids("updated") == {"guid-one", "guid-two"}
    after_notes = notes_by_guid(col)
    assert after_notes["guid-one"].fields == {
        "Text": "Alpha EDITED {{c1::beta}} gamma {{c2::delta}}",
        "Extra": "x",
    }
    assert after_notes["guid-one"].note_id == one.note_id
    assert after_notes["guid-one"].mod == T0 + 60
    assert notetype_css(col, MODEL_NAME) == ".card { color: red; }"  # same schema
    assert _cached_css(col) == ".card { color: red; }"  # import_apkg cleared the cache
    # Same cards, same scheduling, review log intact.
    assert card_history(col) == before
    question, _ = render(col.get_card(card.id), with_css=False)
    assert "EDITED" in question


def test_added_field_makes_a_plus_notetype_and_conflicts(col: Collection, tmp_path: Path) -> None:
    import_apkg(col, build_apkg(tmp_path / "v1.apkg", NOTES, timestamp=T0))
    before = card_history(col)
    changed = {
        "guid-one": ["Alpha CHANGED {{c1::beta}}", "source one", "new field"],
        "guid-three": ["Eta {{c1::theta}}", "source three", "new field"],
    }
    pkg = build_apkg(
        tmp_path / "v3.apkg",
        changed,
        timestamp=T0 + 120,
        field_names=("Text", "Extra", "Source"),
    )

    summary = import_apkg(col, pkg)

    # Schema differs -> imported as a copy "<name>+"; existing GUIDs conflict
    # (left untouched), unseen GUIDs are added to the copy.
    assert summary.counts() == {"conflicting": 1, "new": 1}
    assert summary.guids("conflicting") == {"guid-one"}
    assert summary.guids("new") == {"guid-three"}
    assert f"{MODEL_NAME}+" in notetype_names(col)
    notes = notes_by_guid(col)
    assert notes["guid-one"].notetype == MODEL_NAME
    assert notes["guid-one"].fields["Text"] == NOTES["guid-one"][0]
    assert notes["guid-three"].notetype == f"{MODEL_NAME}+"
    assert notes["guid-three"].fields["Source"] == "new field"
    assert {cid: card_history(col)[cid] for cid in before} == before
