"""`build --into`, `status` and `prune` against real Anki collections made here, with Anki's own code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from anki.collection import Collection

from quotedeck.notes.identity import note_guid
from tests.support.anki_collection import cards, notes_by_guid, review
from tests.support.checking import run
from tests.support.sources import write_source

CARDS = """\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
  - term: the innermost point
    definition: The place in the heart where the Creator is found.
    quote: "That point is the innermost point, where the Creator is found."
  - question: What does the Light give to those who ask it?
    answer: A new force.
    quote: "The Light gives a new force to the one who asks."
    cloze: [a new force, the one who asks]
    id: light-gives
  - term: the bottom of the heart
    definition: What the innermost point is called.
    quote: "It’s called the bottom of the heart."
"""


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deck in the working directory and an empty Anki profile folder beside it."""
    monkeypatch.chdir(tmp_path)
    write_source(tmp_path, cards=CARDS)
    (tmp_path / "profile").mkdir()
    Collection(str(tmp_path / "profile" / "collection.anki2")).close()
    return tmp_path


def edit(deck: Path, old: str, new: str) -> None:
    path = deck / "cards_source" / "sample.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sizeless(text: str) -> list[str]:
    return [
        re.sub(r"\(\d+\.\d KB\)", "(… KB)", re.sub(r"backup-[\w.-]+\.colpkg", "backup-….colpkg", line))
        for line in text.splitlines()
    ]


def test_into_imports_with_ankis_importer_and_prints_its_log(deck: Path) -> None:
    code, out, err = run("build", "--into", "profile")
    assert (code, err) == (0, "")
    assert sizeless(out) == [
        "Wrote build/test-deck.apkg: 3 notes, 4 cards (… KB)",
        "Changes: 3 added, 0 updated, 0 unchanged, 0 removed",
        "  added: the-innermost-point, light-gives, the-bottom-of-the-heart",
        "Backed up profile/collection.anki2 to profile/backups/backup-….colpkg",
        "Imported into profile/collection.anki2: 3 new, 0 updated, 0 unchanged (Anki's log, 3 notes in the package)",
    ]
    assert len(list((deck / "profile" / "backups").glob("*.colpkg"))) == 1
    edit(deck, "answer: A new force.", "answer: A new force from above.")
    code, out, _ = run("build", "--into", "profile/collection.anki2")
    assert code == 0
    assert out.splitlines()[-1] == (
        "Imported into profile/collection.anki2: 0 new, 1 updated, 2 unchanged (Anki's log, 3 notes in the package)"
    )
    with fresh_collection_at(deck) as col:
        note = notes_by_guid(col)[note_guid("Test Deck", "light-gives")]
        assert note.fields["Answer"] == "A new force from above."
        assert col.note_count() == 3


class fresh_collection_at:
    def __init__(self, deck: Path) -> None:
        self.path = deck / "profile" / "collection.anki2"

    def __enter__(self) -> Collection:
        self.col = Collection(str(self.path))
        return self.col

    def __exit__(self, *_: object) -> None:
        self.col.close()


def test_into_refuses_a_collection_anki_holds_open_and_changes_nothing(deck: Path) -> None:
    holder = Collection(str(deck / "profile" / "collection.anki2"))
    try:
        code, out, err = run("build", "--into", "profile")
    finally:
        holder.close()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "profile/collection.anki2: error: Anki has this collection open "
        "(Anki already open, or media currently syncing.); nothing was changed",
        "    hint: close Anki (or switch to another profile), then run the command again",
    ]
    assert not (deck / "build" / "test-deck.apkg").exists()
    assert not (deck / "profile" / "backups").exists()
    with fresh_collection_at(deck) as col:
        assert col.note_count() == 0


def test_into_names_a_folder_without_a_collection(deck: Path) -> None:
    (deck / "empty").mkdir()
    code, out, err = run("build", "--into", "empty")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == "empty: error: no collection.anki2 in this folder"


def studied(deck: Path) -> None:
    """Build, import, study, then what a year brings: an edit in Anki, a leech, a forked
    notetype, a card moved in the source, a card removed."""
    assert run("build", "--into", "profile")[0] == 0
    with fresh_collection_at(deck) as col:
        by_id = {card.note()["Id"]: card for card in cards(col)}
        review(col, by_id["the-bottom-of-the-heart"].id, 4)
        review(col, by_id["the-bottom-of-the-heart"].id, 3)
        review(col, by_id["the-innermost-point"].id, 4)
        leech = by_id["light-gives"]
        leech.lapses = 8
        col.update_card(leech)
        note = col.get_note(by_id["the-innermost-point"].nid)
        note["Definition"] = "Edited in Anki."
        col.update_note(note)
        # A field added in Anki: the next import of a new note makes a `quotedeck term+` copy.
        term = col.models.by_name("quotedeck term")
        assert term is not None
        col.models.add_field(term, col.models.new_field("Mine"))
        col.models.update_dict(term)
    edit(deck, "  - term: the bottom of the heart\n", "  - term: the bottom of the heart\n    id: removed-soon\n")
    edit(deck, "    id: light-gives\n", "    id: light-gives\n    tags: [moved]\n")
    assert run("build", "--into", "profile")[0] == 0  # adds removed-soon to the fork; the-bottom-of-the-heart goes
    edit(deck, "  - term: the bottom of the heart\n    id: removed-soon\n", "  - term: bottom\n    id: removed-soon\n")


def test_status_tells_what_the_collection_holds(deck: Path) -> None:
    studied(deck)
    before = (deck / "profile" / "collection.anki2").read_bytes()
    code, out, err = run("status", "profile")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "profile/collection.anki2: 4 notes of `Test Deck`",
        "  removed from the sources: the-bottom-of-the-heart (2 reviews)",
        "  edited in Anki: the-innermost-point (the next change of this card in the sources overwrites it)",
        "  leech: light-gives c2 (8 lapses; worth rewriting)",
        "  forked notetype: `quotedeck term+` holds 1 note; to repair, `quotedeck build --into profile "
        "--merge-notetypes` (File > Import with `Merge note types` ticked does the same)",
        "  fields added in Anki: `quotedeck term` has `Mine`; every import without merging copies the notetype: "
        "delete the fields in Anki (Tools > Manage Note Types > Fields), or build with --merge-notetypes each time",
        "  (`quotedeck prune profile` deletes the removed notes)",
    ]
    assert (deck / "profile" / "collection.anki2").read_bytes() == before
    code, out, _ = run("status", "profile", "--json")
    assert code == 0
    assert json.loads(out) == {
        "collection": "profile/collection.anki2",
        "deck": "Test Deck",
        "notes": 4,
        "removed": [{"id": "the-bottom-of-the-heart", "reviews": 2}],
        "edited": ["the-innermost-point"],
        "behind": [],
        "missing": [],
        "leeches": [{"id": "light-gives", "cloze": 2, "lapses": 8}],
        "forks": [{"notetype": "quotedeck term+", "notes": 1}],
        "added_fields": [{"notetype": "quotedeck term", "fields": ["Mine"]}],
        "misplaced": [],
    }


def test_status_sees_a_card_in_another_deck(deck: Path) -> None:
    assert run("build", "--into", "profile")[0] == 0
    edit(deck, "cards:\n", "deck: Part Two\ncards:\n")
    code, out, _ = run("status", "profile")
    assert code == 0
    assert (
        "  in another deck: light-gives c2 is in `Test Deck`, the source says `Test Deck::Part Two`" in out.splitlines()
    )


def test_prune_lists_then_deletes_only_the_removed_notes(deck: Path) -> None:
    assert run("build", "--into", "profile")[0] == 0
    edit(deck, "  - term: the bottom of the heart\n", "  - term: the bottom of the heart\n    id: renamed\n")
    assert run("build")[0] == 0
    collection = deck / "profile" / "collection.anki2"
    with fresh_collection_at(deck) as col:  # a note of another notetype, with the same Id, is never touched
        basic = col.models.by_name("Basic")
        assert basic is not None
        other = col.new_note(basic)
        other["Front"] = "the-bottom-of-the-heart"
        col.add_note(other, col.decks.id("Default"))
    before = collection.read_bytes()
    code, out, err = run("prune", "profile")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Would delete the-bottom-of-the-heart (0 reviews)",
        "1 note to delete; nothing was changed (--yes deletes them)",
    ]
    assert collection.read_bytes() == before
    code, out, _ = run("prune", "profile", "--yes")
    assert code == 0
    assert sizeless(out) == [
        "Backed up profile/collection.anki2 to profile/backups/backup-….colpkg",
        "Deleted the-bottom-of-the-heart (0 reviews)",
    ]
    with fresh_collection_at(deck) as col:
        ids = sorted(col.get_note(n).fields[0] for n in col.find_notes(""))
    assert ids == ["light-gives", "the-bottom-of-the-heart", "the-innermost-point"]  # the last is the Basic note
    assert run("prune", "profile")[1] == "Nothing to prune in profile/collection.anki2\n"


def test_merge_notetypes_repairs_a_notetype_forked_in_anki(deck: Path) -> None:
    """A field added in Anki made the next import fork `quotedeck term`; merging brings every note home."""
    assert run("build", "--into", "profile")[0] == 0
    with fresh_collection_at(deck) as col:
        term = col.models.by_name("quotedeck term")
        assert term is not None
        col.models.add_field(term, col.models.new_field("Mine"))
        col.models.update_dict(term)
        note = col.get_note(col.find_notes("Id:the-innermost-point")[0])
        note["Mine"] = "my own note"
        col.update_note(note)
    edit(deck, "What the innermost point is called.", "What the innermost point is called, in the text.")
    edit(
        deck,
        "  - term: the bottom",
        "  - term: a point\n    definition: What the heart holds.\n"
        "    quote: The human heart holds a point.\n  - term: the bottom",
    )
    code, out, _ = run("build", "--into", "profile")
    assert code == 0
    assert out.splitlines()[-2:] == [
        "Imported into profile/collection.anki2: 1 new, 0 updated, 1 unchanged (Anki's log, 4 notes in the package)",
        "  2 not updated: a notetype's fields were changed in Anki, so Anki made a copy of quotedeck's; "
        "build again with --merge-notetypes to merge the two",
    ]
    assert "  forked notetype: `quotedeck term+` holds 1 note; to repair, " in run("status", "profile")[1]

    edit(deck, "called, in the text.", "called, in the text itself.")
    code, out, _ = run("build", "--into", "profile", "--merge-notetypes")
    assert code == 0
    assert out.splitlines()[-1] == (
        "Imported into profile/collection.anki2: 0 new, 1 updated, 3 unchanged (Anki's log, 4 notes in the package)"
    )
    with fresh_collection_at(deck) as col:
        names = sorted(e.name for e in col.models.all_names_and_ids() if e.name.startswith("quotedeck"))
        assert names == ["quotedeck question", "quotedeck term"]  # the copy is merged in, and gone
        by_id = {col.get_note(n)["Id"]: col.get_note(n) for n in col.find_notes("")}
        assert {n.note_type()["name"] for n in by_id.values()} == {"quotedeck term", "quotedeck question"}
        assert (
            by_id["the-bottom-of-the-heart"]["Definition"] == "What the innermost point is called, in the text itself."
        )
        assert by_id["a-point"]["Definition"] == "What the heart holds."
        assert by_id["the-innermost-point"]["Mine"] == "my own note"  # what was added in Anki is kept
    code, out, _ = run("status", "profile")
    assert (code, out.splitlines()[1:]) == (
        0,
        [
            "  fields added in Anki: `quotedeck term` has `Mine`; every import without merging copies the "
            "notetype: delete the fields in Anki (Tools > Manage Note Types > Fields), or build with "
            "--merge-notetypes each time"
        ],
    )
    # While the field added in Anki is there, an import without merging forks again.
    edit(deck, "in the text itself.", "in the text, once more.")
    assert run("build", "--into", "profile")[1].splitlines()[-1].startswith("  3 not updated: ")


def test_merge_notetypes_goes_with_into(deck: Path) -> None:
    code, out, err = run("build", "--merge-notetypes")
    assert (code, out) == (2, "")
    assert "--merge-notetypes goes with --into" in err
    assert not (deck / "build").exists()


def test_a_command_to_copy_quotes_a_profile_with_a_space(deck: Path) -> None:
    (deck / "profile").rename(deck / "User 1")
    assert run("build", "--into", "User 1")[0] == 0
    edit(deck, "  - term: the bottom of the heart\n", "  - term: the bottom of the heart\n    id: renamed\n")
    assert run("build")[0] == 0
    code, out, _ = run("status", "User 1")
    assert code == 0
    assert out.splitlines()[-2:] == [
        "  (`quotedeck prune 'User 1'` deletes the removed notes)",
        "  (`quotedeck build --into 'User 1'` brings the collection up to date)",
    ]
