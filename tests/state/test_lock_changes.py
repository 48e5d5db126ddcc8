"""What a build makes of the lock it finds: swapped ids told, clashing numbers repaired, mods only ever newer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quotedeck.pipeline import build, check
from tests.support.anki_collection import fresh_collection, import_apkg, notes_by_guid
from tests.support.checking import run
from tests.support.sources import write_source

YEAR = 365 * 86_400
T0 = 1_800_000_000

CARDS = """\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
  - question: What does the Light give to the one who asks?
    answer: A new force.
    quote: "The Light gives a new force to the one who asks."
    cloze: [a new force]
    id: light-gives
  - question: What is the innermost point called?
    answer: The bottom of the heart.
    quote: "It’s called the bottom of the heart."
    cloze: [the bottom of the heart]
    id: bottom
"""


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_source(tmp_path, cards=CARDS)


def edit(source: Path, *replacements: tuple[str, str]) -> None:
    path = source / "sample.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def read_lock(source: Path) -> dict[str, Any]:
    lock: dict[str, Any] = json.loads((source / "quotedeck.lock").read_text(encoding="utf-8"))
    return lock


def kept(package: Path) -> Path:
    """The package moved aside, where the next build does not write."""
    return package.rename(package.with_name("first.apkg"))


def write_lock(source: Path, lock: dict[str, Any]) -> None:
    (source / "quotedeck.lock").write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")


def test_swapped_ids_are_told_with_how_to_swap_them_back(source: Path) -> None:
    assert run("build")[0] == 0
    edit(
        source,
        ("id: light-gives", "id: placeholder"),
        ("id: bottom", "id: light-gives"),
        ("id: placeholder", "id: bottom"),
    )
    code, out, err = run("build")
    assert code == 0
    assert err.splitlines() == [
        "cards_source/sample.yaml:5:5: warning: cards `bottom` and `light-gives` swapped quotes and prompts: "
        "Anki keeps a card's reviews under its id, so each would take over the other's history",
        "    hint: swap their `id:` lines back: `id: light-gives` on this card, `id: bottom` on the other",
    ]
    # Each card's one phrase counts as reworded, so no card empties: each note takes the other's history.
    assert sum(line.startswith("  cloze removed: ") for line in out.splitlines()) == 0
    assert "updated: " in out


def test_a_card_that_only_changed_is_not_taken_for_a_swap(source: Path) -> None:
    assert run("build")[0] == 0
    edit(
        source,
        ("What does the Light give to the one who asks?", "Who gives the force?"),
        ('"The Light gives a new force to the one who asks."', '"A person asks the Light to change him"'),
        ("cloze: [a new force]", "cloze: [change him]"),
    )
    code, _out, err = run("build")
    assert (code, err) == (0, "")


def test_a_retired_number_a_live_phrase_has_too_is_repaired(source: Path) -> None:
    """A retired phrase on the number a shown phrase has: the shown one keeps it, and the
    retired one, come back, gets a new one; in Anki each has its own card."""
    first = kept(build(source, now=T0).output)
    lock = read_lock(source)
    lock["notes"]["light-gives"]["retired"] = {"the one who asks": 1}
    write_lock(source, lock)
    edit(source, ("cloze: [a new force]", "cloze: [the one who asks, a new force]"))
    second = build(source, now=T0 + 1)
    assert [w.message for w in second.warnings if "quotedeck.lock" in w.message] == [
        "card `light-gives`: quotedeck.lock gave `the one who asks` cloze number 1, "
        "which `a new force` has too; `the one who asks` gets number 2"
    ]
    assert read_lock(source)["notes"]["light-gives"]["clozes"] == {"a new force": 1, "the one who asks": 2}
    with fresh_collection() as col:
        import_apkg(col, first)
        import_apkg(col, second.output)
        note = next(n for n in notes_by_guid(col).values() if n.fields["Id"] == "light-gives")
        assert note.fields["Quote"] == "The Light gives {{c1::a new force}} to {{c2::the one who asks}}."
        assert note.card_ords == (0, 1)


def test_a_retired_number_a_live_phrase_has_is_dropped_from_the_lock(source: Path) -> None:
    build(source, now=T0)
    lock = read_lock(source)
    lock["notes"]["light-gives"]["retired"] = {"the one who asks": 1}
    write_lock(source, lock)
    report = build(source, now=T0 + 1)
    assert report.warnings == ()
    assert report.changes.removed_clozes == ()
    assert read_lock(source)["notes"]["light-gives"]["retired"] == {}


def test_a_changed_note_gets_a_newer_mod_when_the_clock_is_behind(source: Path) -> None:
    """The last build ran on a clock a year ahead; this one's is right: Anki must still take the edit."""
    first = kept(build(source, now=T0 + YEAR).output)
    edit(source, ("answer: A new force.", "answer: A new force from above."))
    second = build(source, now=T0)
    mods = {card_id: note["mod"] for card_id, note in read_lock(source)["notes"].items()}
    assert mods == {"light-gives": T0 + YEAR + 1, "bottom": T0 + YEAR}
    with fresh_collection() as col:
        import_apkg(col, first)
        assert import_apkg(col, second.output).counts() == {"updated": 1, "duplicate": 1}
        answers = {n.fields["Id"]: n.fields["Answer"] for n in notes_by_guid(col).values()}
        assert answers["light-gives"] == "A new force from above."


def test_a_lock_whose_mods_are_in_the_future_only_goes_further(source: Path) -> None:
    """A lock written on a machine whose clock ran ahead (or by hand): every mod handed out
    for a changed note or notetype is newer than the lock's."""
    first = kept(build(source, now=T0).output)
    lock = read_lock(source)
    future = T0 + 10 * YEAR
    for record in [*lock["notes"].values(), *lock["notetypes"].values()]:
        record["mod"] = future
    lock["notetypes"]["quotedeck question"]["digest"] = "an older template"
    write_lock(source, lock)
    edit(source, ("answer: A new force.", "answer: A new force from above."))
    second = build(source, now=T0 + 1)
    written = read_lock(source)
    assert {card_id: note["mod"] for card_id, note in written["notes"].items()} == {
        "light-gives": future + 1,
        "bottom": future,
    }
    assert written["notetypes"]["quotedeck question"]["mod"] == future + 1
    with fresh_collection() as col:
        import_apkg(col, first)
        assert import_apkg(col, second.output).counts() == {"updated": 2}
        answers = {n.fields["Id"]: n.fields["Answer"] for n in notes_by_guid(col).values()}
        assert answers["light-gives"] == "A new force from above."


@pytest.mark.parametrize(
    "edits",
    [
        (),  # nothing changed: every record is the lock's own
        (("answer: A new force.", "answer: A force."),),  # a field: a newer mod
        (("cloze: [a new force]", "cloze: [a new force, the one who asks]"),),  # a new number
        (("cloze: [a new force]", "cloze: [the one who asks]"),),  # a phrase retired
        (("What is the innermost point called?", "What is the point called?"),),  # the prompt
    ],
)
def test_the_lock_keeps_its_own_record_of_a_note_only_where_that_is_the_record_made_anew(
    source: Path, edits: tuple[tuple[str, str], ...]
) -> None:
    build(source, now=T0)
    edit(source, *edits)
    notes = check(source, now=T0 + 1).plan.notes
    assert [stamped.locked() for stamped in notes] == [stamped._replace(kept=None).locked() for stamped in notes]
    changed = {"light-gives"} if edits else set()
    if edits and "innermost" in edits[0][0]:
        changed = {"bottom"}
    assert {stamped.note.card_id for stamped in notes if stamped.kept is None} == changed
