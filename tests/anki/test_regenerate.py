"""Edit, rebuild, re-import: every edit lands in place and no review is lost.

Each test imports into a real Anki collection with the default options.
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotedeck.cli import main
from quotedeck.model import Kind
from quotedeck.notes.notetypes import NOTETYPES
from quotedeck.pipeline import LockOutdated, build
from tests.support.anki_collection import (
    card_history,
    cards,
    fresh_collection,
    import_apkg,
    notes_by_guid,
    notetype_css,
    notetype_names,
    review,
)
from tests.support.sources import write_source

DAY = 86_400
T0 = 1_800_000_000

CARDS = """\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
  - term: the innermost point
    definition: The place in the heart where the Creator is found.
    quote: "That point is the innermost point, where the Creator is found."
    extra: First extra.
  - question: What does the Light give, and to whom?
    answer: A new force.
    quote: "The Light gives a new force to the one who asks."
    cloze: [a new force, the one who asks]
    id: light-gives
  - term: the bottom of the heart
    definition: What the innermost point is called.
    quote: "It’s called the bottom of the heart."
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_source(tmp_path, cards=CARDS)


def edit(source: Path, old: str, new: str) -> None:
    path = source / "sample.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        (
            "definition: The place in the heart",
            "definition: The spot in the heart",
            "Definition",
            "The spot in the heart",
        ),
        ("answer: A new force.", "answer: A new force from above.", "Answer", "A new force from above."),
        ("extra: First extra.", "extra: Second extra.", "Extra", "Second extra."),
        ("id: light-gives", "id: light-gives\n    tags: [force]", "tags", "force"),
        (
            '"That point is the innermost point, where the Creator is found."',
            '"The human heart holds a point. That point is the innermost point,"',
            "Quote",
            "The human heart holds a point. That point is {{c1::the innermost point}},",
        ),
    ],
    ids=["definition", "answer", "extra", "tag", "quote"],
)
def test_one_edit_updates_exactly_one_note_and_keeps_history(
    source: Path, old: str, new: str, field: str, value: str
) -> None:
    first = build(source, now=T0)
    with fresh_collection() as col:
        assert import_apkg(col, first.output).counts() == {"new": 3}
        for card in cards(col):
            review(col, card.id, ease=4)
        history = card_history(col)
        before = notes_by_guid(col)

        edit(source, old, new)
        second = build(source, now=T0 + DAY)
        assert (len(second.changes.updated), len(second.changes.unchanged)) == (1, 2)
        summary = import_apkg(col, second.output)

        assert summary.counts() == {"updated": 1, "duplicate": 2}
        (changed_guid,) = summary.guids("updated")
        after = notes_by_guid(col)
        assert after.keys() == before.keys()
        changed = after[str(changed_guid)]
        assert value in (changed.tags if field == "tags" else changed.fields[field])
        assert all(after[g] == before[g] for g in before if g != changed_guid)
        assert card_history(col) == history
        assert all(h.reps == 1 and h.revlog_count == 1 and h.ivl > 0 for h in history.values())


def test_rebuild_without_change_is_byte_identical_in_a_new_process_on_another_day(source: Path) -> None:
    first = build(source, now=T0)
    digest = sha256(first.output)
    lock = (source / "quotedeck.lock").read_bytes()
    again = build(source, now=T0 + 30 * DAY)
    assert sha256(again.output) == digest
    subprocess.run([sys.executable, "-m", "quotedeck", "build", str(source)], check=True, capture_output=True)
    assert sha256(first.output) == digest
    assert (source / "quotedeck.lock").read_bytes() == lock


def test_notetype_css_and_template_changes_reach_anki_without_a_fork(
    source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(source, now=T0)
    term = NOTETYPES[Kind.TERM]
    with fresh_collection() as col:
        import_apkg(col, first.output)
        names = sorted(notetype_names(col))
        monkeypatch.setitem(
            NOTETYPES,
            Kind.TERM,
            type(term)(
                **{
                    **term.__dict__,
                    "css": term.css + "\n.qd { letter-spacing: 0.01em; }\n",
                    "front": term.front.replace("Term", "Term card"),
                }
            ),
        )
        second = build(source, now=T0 + DAY)
        assert second.changes.notetypes_changed == ("quotedeck term",)
        assert second.changes.updated == ()
        summary = import_apkg(col, second.output)
        assert summary.conflicting == ()
        assert sorted(notetype_names(col)) == names  # no "quotedeck term+" copy
        assert "letter-spacing: 0.01em" in notetype_css(col, "quotedeck term")
        front = col.models.by_name("quotedeck term")["tmpls"][0]["qfmt"]  # type: ignore[index]
        assert "Term card" in front


def test_cloze_phrases_keep_their_cards_when_added_removed_or_reordered(source: Path) -> None:
    first = build(source, now=T0)
    with fresh_collection() as col:
        import_apkg(col, first.output)
        guid = next(g for g, n in notes_by_guid(col).items() if n.fields["Id"] == "light-gives")
        by_ord = {c.ord: c.id for c in cards(col) if notes_by_guid(col)[guid].note_id == c.nid}
        review(col, by_ord[0], ease=4)  # "a new force"
        review(col, by_ord[1], ease=1)  # "the one who asks"
        history = card_history(col)

        # Reorder, drop "a new force", add "The Light".
        edit(source, "cloze: [a new force, the one who asks]", "cloze: [the one who asks, The Light]")
        second = build(source, now=T0 + DAY)
        assert [(c.card_id, c.phrase, c.ordinal) for c in second.changes.removed_clozes] == [
            ("light-gives", "a new force", 1)
        ]
        import_apkg(col, second.output)
        note = notes_by_guid(col)[guid]
        assert note.fields["Quote"] == "{{c3::The Light}} gives a new force to {{c2::the one who asks}}."
        assert note.card_ords == (0, 1, 2)
        assert card_history(col)[by_ord[1]] == history[by_ord[1]]  # "the one who asks" kept its reviews
        assert card_history(col)[by_ord[0]] == history[by_ord[0]]  # the old card stays, untouched

        # Bring "a new force" back: it gets its old card and history again.
        edit(source, "cloze: [the one who asks, The Light]", "cloze: [the one who asks, The Light, a new force]")
        third = build(source, now=T0 + 2 * DAY)
        assert third.changes.removed_clozes == ()
        import_apkg(col, third.output)
        assert "{{c1::a new force}}" in notes_by_guid(col)[guid].fields["Quote"]
        assert notes_by_guid(col)[guid].card_ords == (0, 1, 2)


def test_build_summary_tells_how_to_clear_an_emptied_card(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["build"])
    edit(source, "cloze: [a new force, the one who asks]", "cloze: [the one who asks]")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0
    assert (
        "  cloze removed: light-gives c1 `a new force` (its card is empty in Anki now; "
        "remove it with Tools > Empty Cards)" in result.stdout.splitlines()
    )


def test_a_renamed_card_is_noticed_with_the_line_to_add(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["build"])
    edit(source, "term: the bottom of the heart", "term: bottom of the heart")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "cards_source/sample.yaml:14:5: warning: card `bottom-of-the-heart` looks like the removed card "
        "`the-bottom-of-the-heart`; in Anki its reviews stay with `the-bottom-of-the-heart` and it starts anew",
        "    hint: to keep its history, add `id: the-bottom-of-the-heart` to this card "
        "(`quotedeck fix` writes out every card's id, so that rewording never changes one)",
    ]
    edit(source, "light-gives", "light-gives-force")
    result = CliRunner().invoke(main, ["build"])
    assert "add `id: light-gives` to this card" in result.stderr


@pytest.mark.parametrize("version", [1, 2])
def test_a_card_with_a_new_name_and_the_same_quote_is_noticed(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    """Version 1 of the lock kept each quote, version 2 a digest of it: either tells a renamed card."""
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["build"])
    lock_path = source / "quotedeck.lock"
    if version == 1:
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        quotes = {"the-bottom-of-the-heart": "It’s called the bottom of the heart."}
        for card_id, note in lock["notes"].items():
            del note["quote_digest"]
            note["quote"] = quotes.get(card_id, "a quote of another card")
        lock["version"] = 1
        lock_path.write_text(json.dumps(lock), encoding="utf-8")
    edit(source, "term: the bottom of the heart", "term: heart")  # a prompt unlike the old one
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0
    assert (
        result.stderr.splitlines()[-1]
        == "    hint: to keep its history, add `id: the-bottom-of-the-heart` to this card "
        "(`quotedeck fix` writes out every card's id, so that rewording never changes one)"
    )
    assert json.loads(lock_path.read_text(encoding="utf-8"))["version"] == 2


def _reviewed(col: object, card_id: str) -> dict[int, int]:
    """The Anki card ids of a note, by cloze number (from 1)."""
    from anki.collection import Collection

    assert isinstance(col, Collection)
    guid = next(g for g, n in notes_by_guid(col).items() if n.fields["Id"] == card_id)
    note_id = notes_by_guid(col)[guid].note_id
    return {c.ord + 1: c.id for c in cards(col) if c.nid == note_id}


def test_a_renamed_term_keeps_its_card_and_reviews_once_the_warning_is_followed(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user trial's trap: `software patents` -> `patents`, then `id:` added as the warning says."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    with fresh_collection() as col:
        import_apkg(col, source.parent / "build" / "test-deck.apkg")
        (card,) = _reviewed(col, "the-bottom-of-the-heart").values()
        review(col, card, ease=4)
        history = card_history(col)
        assert history[card].reps == 1 and history[card].ivl > 0

        edit(source, "term: the bottom of the heart", "term: bottom of the heart")
        warned = CliRunner().invoke(main, ["build", "--dry-run"])
        assert "add `id: the-bottom-of-the-heart` to this card" in warned.stderr
        edit(source, "term: bottom of the heart", "term: bottom of the heart\n    id: the-bottom-of-the-heart")
        result = CliRunner().invoke(main, ["build"])
        assert (result.exit_code, result.stderr) == (0, "")
        assert "cloze removed" not in result.stdout
        import_apkg(col, source.parent / "build" / "test-deck.apkg")
        assert _reviewed(col, "the-bottom-of-the-heart") == {1: card}  # no second card
        note = next(n for n in notes_by_guid(col).values() if n.fields["Id"] == "the-bottom-of-the-heart")
        assert note.fields["Quote"] == "It’s called the {{c1::bottom of the heart}}."
        assert card_history(col) == history  # the same card, its reps and interval


def test_a_phrase_edited_in_place_keeps_its_card_and_a_removed_one_empties_its_own(source: Path) -> None:
    first = build(source, now=T0)
    with fresh_collection() as col:
        import_apkg(col, first.output)
        by_number = _reviewed(col, "light-gives")
        review(col, by_number[1], ease=4)  # "a new force"
        review(col, by_number[2], ease=1)  # "the one who asks"
        history = card_history(col)

        # A word dropped from one phrase, the other left alone.
        edit(source, "cloze: [a new force, the one who asks]", "cloze: [new force, the one who asks]")
        second = build(source, now=T0 + DAY)
        assert second.changes.removed_clozes == ()
        import_apkg(col, second.output)
        note = next(n for n in notes_by_guid(col).values() if n.fields["Id"] == "light-gives")
        assert note.fields["Quote"] == "The Light gives a {{c1::new force}} to {{c2::the one who asks}}."
        assert _reviewed(col, "light-gives") == by_number
        assert card_history(col) == history

        # A phrase removed while an unlike one is added: the old card empties, the new one starts.
        edit(source, "cloze: [new force, the one who asks]", "cloze: [The Light, the one who asks]")
        third = build(source, now=T0 + 2 * DAY)
        assert [(c.phrase, c.ordinal) for c in third.changes.removed_clozes] == [("new force", 1)]
        import_apkg(col, third.output)
        note = next(n for n in notes_by_guid(col).values() if n.fields["Id"] == "light-gives")
        assert note.fields["Quote"] == "{{c3::The Light}} gives a new force to {{c2::the one who asks}}."


def test_a_removed_card_is_listed_with_how_to_find_it_in_anki(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    package = tmp_path / "build" / "test-deck.apkg"
    CliRunner().invoke(main, ["build"])
    with fresh_collection() as col:
        import_apkg(col, package)
        text = (source / "sample.yaml").read_text()
        (source / "sample.yaml").write_text(text[: text.index("  - term: the bottom of the heart")])
        result = CliRunner().invoke(main, ["build"])
        hint = "Anki keeps it; to delete it, search the browser for Id:the-bottom-of-the-heart"
        assert result.stdout.splitlines()[1:] == [
            "Changes: 0 added, 0 updated, 2 unchanged, 1 removed",
            f"  removed: the-bottom-of-the-heart ({hint})",
        ]
        assert import_apkg(col, package).counts() == {"duplicate": 2}
        assert col.note_count() == 3  # Anki keeps the removed note...
        (found,) = col.find_notes("Id:the-bottom-of-the-heart")  # ...and the search finds exactly it
        assert col.get_note(found)["Term"] == "the bottom of the heart"


def test_locked_fails_when_the_lock_is_stale_and_writes_nothing(source: Path) -> None:
    first = build(source, now=T0)
    digest = sha256(first.output)
    build(source, locked=True, now=T0 + DAY)  # unchanged: fine
    edit(source, "A new force.", "A new force!")
    with pytest.raises(LockOutdated, match="updated: light-gives"):
        build(source, locked=True, now=T0 + DAY)
    assert sha256(first.output) == digest


def test_locked_fails_on_a_lock_in_an_older_format_and_writes_nothing(source: Path) -> None:
    """A lock of quotedeck's previous format is rewritten by the next build: `--locked` refuses that."""
    build(source, now=T0)
    lock_path = source / "quotedeck.lock"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    for note in lock["notes"].values():
        del note["quote_digest"]
        note["quote"] = "a quote"
    lock["version"] = 1
    lock_path.write_text(json.dumps(lock), encoding="utf-8")
    before = lock_path.read_bytes()
    with pytest.raises(LockOutdated, match=r"older quotedeck \(version 1\); run `quotedeck build` once and commit"):
        build(source, locked=True, now=T0 + DAY)
    assert lock_path.read_bytes() == before
    assert build(source, now=T0 + DAY).changes.has_changes is False  # the notes are as they were
    assert json.loads(lock_path.read_text(encoding="utf-8"))["version"] == 2
    build(source, locked=True, now=T0 + 2 * DAY)


def test_dry_run_and_json_report(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["build"])
    edit(source, "A new force.", "A new force!")
    before = (source / "quotedeck.lock").read_bytes()
    result = CliRunner().invoke(main, ["build", "--dry-run", "--json"])
    report = json.loads(result.stdout)
    assert (report["written"], report["updated"], report["unchanged"]) == (
        False,
        ["light-gives"],
        ["the-innermost-point", "the-bottom-of-the-heart"],
    )
    assert (source / "quotedeck.lock").read_bytes() == before


def test_a_fresh_clone_without_lock_builds(source: Path) -> None:
    report = build(source, now=T0)
    (source / "quotedeck.lock").unlink()
    again = build(source, now=T0 + DAY)
    assert again.changes.added == report.changes.added


def test_moving_a_card_to_another_deck_warns_that_anki_keeps_its_cards(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["build"])
    edit(source, "cards:\n", "deck: Hearts\ncards:\n")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0
    assert (
        "cards_source/sample.yaml:6:5: warning: card `the-innermost-point` moved from deck `Test Deck` to "
        "`Test Deck::Hearts`; Anki keeps the cards you already have in the old deck"
    ) in result.stderr.splitlines()
    assert "    hint: in Anki's browser, search Id:the-innermost-point and use Change Deck" in result.stderr
