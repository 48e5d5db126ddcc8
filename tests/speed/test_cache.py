"""Rebuilds read only what changed, write nothing when nothing did, and build what a cold build builds."""

import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import quotedeck.speed.cache
import quotedeck.speed.fast
from quotedeck import pipeline
from quotedeck.cli import main
from quotedeck.errors import SourceProblems
from quotedeck.pipeline import NotedFile, check_and_note, check_card_file, summarize
from quotedeck.speed.encoding import decode_summary, encode
from quotedeck.speed.fast import build, check
from quotedeck.speed.storage import cache_folder
from tests.support.sources import write_source

T0 = 1_800_000_000
DAY = 86_400

ONE = "The Light gives a new force to the one who asks.\n\nA person asks the Light to change him.\n"
TWO = "That point is the innermost point,\nwhere the Creator is found.\n\nIt’s called the bottom of the heart.\n"
TEXTS = {"one.txt": ONE, "two.txt": TWO}
CARDS = {
    "a.yaml": """\
        source:
          text: texts/one.txt
          title: One
        cards:
          - question: What does the Light give to the one who asks?
            answer: A new force.
            quote: "The Light gives a new force to the one who asks."
            cloze: [a new force, the one who asks]
          - term: the Light
            definition: What a person asks to change him.
            quote: "A person asks the Light to change him."
        """,
    "b.yaml": """\
        source:
          text: texts/two.txt
          title: Two
        cards:
          - term: the innermost point
            definition: The place in the heart where the Creator is found.
            quote: "That point is the innermost point, where the Creator is found."
        """,
    "c.yaml": """\
        source:
          text: texts/two.txt
          title: Two
        deck: Heart
        cards:
          - term: the bottom of the heart
            definition: What the innermost point is called.
            quote: "It's called the bottom of the heart."
        """,
}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_source(tmp_path, cards=CARDS, texts=TEXTS)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The card files a build parses and verifies, by name."""
    seen: list[str] = []

    def counting(root: Path, path: Path, *args: object) -> NotedFile:
        seen.append(path.name)
        return check_and_note(root, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(quotedeck.speed.workers, "check_and_note", counting)
    return seen


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cache_entries(source: Path) -> list[Path]:
    return sorted(cache_folder(source, "entries").rglob("*"))


def stamps(source: Path) -> list[Path]:
    return sorted(cache_folder(source, "stamps").glob("*"))


def snapshot(folder: Path) -> dict[Path, tuple[int, bytes]]:
    """Every file below `folder`: when it was last written, and what it holds."""
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def cold_build_bytes(source: Path, now: int) -> bytes:
    """The package built from scratch by the pipeline alone: no cache, no stamp, no workers, no
    package (the lock stays: it is a source)."""
    fresh = source.parent / "fresh"
    shutil.copytree(source, fresh / "cards_source")
    return pipeline.build(fresh / "cards_source", now=now).output.read_bytes()


def test_a_rebuild_after_one_edit_reads_that_file_and_matches_a_cold_build(source: Path, reads: list[str]) -> None:
    build(source, now=T0)
    assert reads == ["a.yaml", "b.yaml", "c.yaml"]
    reads.clear()
    edit(source / "b.yaml", "The place in the heart", "The place deep in the heart")
    report = build(source, now=T0 + DAY)
    assert reads == ["b.yaml"]
    assert (report.changes.updated, report.written) == (("the-innermost-point",), True)
    assert report.output.read_bytes() == cold_build_bytes(source, now=T0 + 2 * DAY)


def test_a_rebuild_without_change_writes_nothing_and_keeps_the_package(source: Path, reads: list[str]) -> None:
    first = build(source, now=T0)
    before = snapshot(source.parent)
    reads.clear()
    again = build(source, now=T0 + DAY)
    assert snapshot(source.parent) == before  # the package, the lock, the stamp, the cache: untouched
    assert reads == []
    assert (again.up_to_date, again.written, again.size) == (True, False, first.size)
    assert (again.notes, again.cards) == (first.notes, first.cards)
    assert again.changes.unchanged == (
        "what-does-the-light-give-to-the-one-who-asks",
        "the-light",
        "the-innermost-point",
        "the-bottom-of-the-heart",
    )
    assert not again.changes.has_changes


def test_up_to_date_reports_what_a_full_build_reports(source: Path) -> None:
    build(source, now=T0)
    edit(source / "c.yaml", "term: the bottom of the heart", "term: bottom of the heart")  # renamed: warns once
    renamed = build(source, now=T0 + DAY)
    assert renamed.warnings and renamed.changes.added == ("bottom-of-the-heart",)
    settled = build(source, now=T0 + 2 * DAY)
    assert settled.up_to_date
    shutil.rmtree(source.parent / "build")
    full = build(source, now=T0 + 2 * DAY)
    assert not full.up_to_date
    assert (settled.changes, settled.warnings, settled.notes, settled.cards) == (
        full.changes,
        full.warnings,
        full.notes,
        full.cards,
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"not a pickle at all",
        lambda data: pickle.dumps(("some key", "some value")),  # a pickle, but not ours
        lambda data: data[: data.index(b"\n") + 1] + pickle.dumps("x"),  # our header, then a pickle
        lambda data: data.replace(b"entry 5", b"entry 4"),  # another format
    ],
    ids=["empty", "truncated", "garbage", "foreign", "wrong-content", "old-format"],
)
def test_a_damaged_or_foreign_cache_is_ignored(source: Path, reads: list[str], damage: object) -> None:
    build(source, now=T0)
    for entry in cache_entries(source):
        if entry.is_file():
            entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    for stamp in stamps(source):
        stamp.write_text("{ not json")
    reads.clear()
    edit(source / "a.yaml", "A new force.", "A new force, from above.")
    report = build(source, now=T0 + DAY)
    assert reads == ["a.yaml", "b.yaml", "c.yaml"]
    assert report.output.read_bytes() == cold_build_bytes(source, now=T0 + 2 * DAY)
    reads.clear()
    assert build(source, now=T0 + 2 * DAY).up_to_date  # and the cache works again
    edit(source / "a.yaml", "A new force, from above.", "A new force.")
    build(source, now=T0 + 3 * DAY)
    assert reads == ["a.yaml"]


def test_a_changed_text_is_read_again_by_the_files_citing_it(source: Path, reads: list[str]) -> None:
    build(source, now=T0)
    reads.clear()
    edit(source / "texts" / "two.txt", "the bottom of the heart", "the depth of the heart")
    with pytest.raises(SourceProblems) as raised:
        build(source, now=T0 + DAY)
    assert reads == ["b.yaml", "c.yaml"]
    assert [(p.location.path.name, p.message) for p in raised.value.problems if p.is_error] == [
        ("c.yaml", "the quote differs from the text: it has `bottom` where the text has `depth` (texts/two.txt)")
    ]


def test_a_number_changed_in_the_lock_checks_again_only_the_file_it_numbers(source: Path, reads: list[str]) -> None:
    """Remembered notes serve while the lock gives their phrases the numbers they have; a card
    file whose numbers the lock changed (a merge, a hand edit) is checked and numbered again."""
    build(source, now=T0)
    lock = source / "quotedeck.lock"
    edit(lock, '"a new force": 1', '"a new force": 3')  # as if c3 had been given to it before
    reads.clear()
    report = build(source, now=T0 + DAY)
    assert reads == ["a.yaml"]
    assert "{{c3::a new force}}" in "".join(s.note.fields[2] for s in pipeline.check(source).plan.notes)
    assert report.output.read_bytes() == cold_build_bytes(source, now=T0 + 2 * DAY)


@pytest.mark.parametrize("change", ["deck", "code"])
def test_the_deck_and_quotedecks_own_code_are_inputs(
    source: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    build(source, now=T0)
    reads.clear()
    if change == "deck":
        edit(source / "deck.yaml", "name: Test Deck", "name: Other Deck")
    else:
        monkeypatch.setattr(quotedeck.speed.cache, "code_fingerprint", lambda: "another version of quotedeck")
    report = build(source, now=T0 + DAY)
    assert reads == ["a.yaml", "b.yaml", "c.yaml"]
    assert report.written


@pytest.mark.parametrize("change", ["package", "lock", "text"])
def test_a_changed_package_lock_or_text_is_not_up_to_date(source: Path, change: str) -> None:
    first = build(source, now=T0)
    if change == "package":
        first.output.write_bytes(b"edited by hand")
    elif change == "lock":
        edit(source / "quotedeck.lock", '"mod": 1800000000', '"mod": 1800000001')
    else:
        (source / "texts" / "one.txt").write_text(TEXTS["one.txt"] + "\nOne more paragraph.\n")
    again = build(source, now=T0 + DAY)
    assert (again.up_to_date, again.written) == (False, True)
    if change == "package":
        assert again.output.read_bytes() == cold_build_bytes(source, now=T0 + DAY)


def test_check_and_dry_run_read_the_cache_and_write_none(source: Path, reads: list[str]) -> None:
    check(source)
    build(source, dry_run=True, now=T0)
    assert not (source.parent / "build").exists()
    build(source, now=T0)
    reads.clear()
    edit(source / "b.yaml", "The place in the heart", "The place deep in the heart")
    before = snapshot(source.parent / "build")
    check(source)
    dry = build(source, dry_run=True, now=T0 + DAY)
    assert reads == ["b.yaml", "b.yaml"]
    assert (dry.written, dry.changes.updated) == (False, ("the-innermost-point",))
    assert snapshot(source.parent / "build") == before


def test_progress_is_told_each_card_file_and_the_write(source: Path) -> None:
    steps: list[tuple[int, int]] = []
    build(source, now=T0, progress=lambda done, total: steps.append((done, total)))
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_the_cli_says_when_the_package_is_up_to_date(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    CliRunner().invoke(main, ["build"])
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0
    size = (source.parent / "build" / "test-deck.apkg").stat().st_size
    assert result.stdout.splitlines() == [
        f"build/test-deck.apkg is up to date: 4 notes, 5 cards ({size / 1024:.1f} KB)",
        "Changes: 0 added, 0 updated, 4 unchanged, 0 removed",
    ]


def test_the_stamp_records_the_package_it_stamped(source: Path) -> None:
    report = build(source, now=T0)
    [stamp] = [json.loads(path.read_bytes()) for path in stamps(source)]
    assert stamp["package"] == hashlib.sha256(report.output.read_bytes()).hexdigest()
    assert stamp["texts"] == ["texts/one.txt", "texts/two.txt"]


def test_an_input_saved_during_the_build_is_read_again_next_time(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def saved_while_read(root: Path, path: Path, *args: object) -> NotedFile:
        result = check_and_note(root, path, *args)  # type: ignore[arg-type]
        if path.name == "b.yaml":
            edit(path, "The place in the heart", "The place deep in the heart")
        return result

    monkeypatch.setattr(quotedeck.speed.workers, "check_and_note", saved_while_read)
    first = build(source, now=T0)
    assert first.written
    assert stamps(source) == []
    assert [entry.name for entry in cache_entries(source) if entry.is_file()] != []
    assert len([entry for entry in cache_entries(source) if entry.is_file()]) == 2  # a and c, not b
    monkeypatch.undo()
    again = build(source, now=T0 + DAY)
    assert (again.up_to_date, again.changes.updated) == (False, ("the-innermost-point",))
    assert again.output.read_bytes() == cold_build_bytes(source, now=T0 + 2 * DAY)


def test_notes_made_before_the_lock_numbered_a_new_phrase_serve_the_next_build(source: Path, reads: list[str]) -> None:
    """A phrase added to a card gets its number in the build that first sees it, from a lock
    without it: those notes are the ones the next build needs, the number now in the lock."""
    build(source, now=T0)
    edit(source / "a.yaml", "cloze: [a new force, the one who asks]", "cloze: [a new force, the one who asks, Light]")
    reads.clear()
    assert build(source, now=T0 + DAY).changes.updated == ("what-does-the-light-give-to-the-one-who-asks",)
    assert reads == ["a.yaml"]
    edit(source / "b.yaml", "The place in the heart", "The place deep in the heart")
    reads.clear()
    report = build(source, now=T0 + 2 * DAY)
    assert reads == ["b.yaml"]
    assert report.output.read_bytes() == cold_build_bytes(source, now=T0 + 3 * DAY)


def test_a_file_whose_notes_are_not_remembered_is_checked_again(source: Path, reads: list[str]) -> None:
    """The deck's tags are in every note: a card file's summary is still good, its notes are not,
    and it is checked again (a cache entry holds no cards to make notes from)."""
    build(source, now=T0)
    edit(source / "deck.yaml", "tags: [test-deck]", "tags: [test-deck, heart]")
    reads.clear()
    report = build(source, now=T0 + DAY)
    assert reads == ["a.yaml", "b.yaml", "c.yaml"]
    assert report.output.read_bytes() == cold_build_bytes(source, now=T0 + 2 * DAY)


def test_a_card_file_result_decodes_to_the_same_records(source: Path) -> None:
    """Results travel from workers and sit in the cache encoded: decoded, they are the same
    cards and places again, of the same types (a plain tuple would compare equal to a named one)."""
    result = summarize(check_card_file(source, source / "a.yaml", "Test Deck", {}))
    assert len(result.asks) == 2
    again = decode_summary(encode(result))
    assert again == result
    assert [type(card).__name__ for card in again.asks] == ["Asks", "Asks"]
    assert {type(line).__name__ for _, line, _, _ in again.asks} == {"int"}
    assert {type(where).__name__ for _, where in again.ids} == {"Location"}
    assert {type(text).__name__ for text, _title, _where in again.cited} == {"PosixPath"}


PLANTED = b"cos\nsystem\n(S'touch %s'\ntR."  # a pickle that runs a command when loaded


def test_a_planted_pickle_runs_nothing(source: Path, reads: list[str], tmp_path: Path) -> None:
    """A repository that commits a crafted pickle where the cache once lived, or a file planted in
    the user's cache folder itself, gets no code run: entries are data, and this one is no entry."""
    build(source, now=T0)
    ran = tmp_path / "ran"
    planted = PLANTED % str(ran).encode()
    old_place = source.parent / "build" / ".quotedeck-cache" / "0123456789abcdef"
    old_place.mkdir(parents=True)
    (old_place / ("0" * 64)).write_bytes(b"quotedeck card file cache 2\n" + b"0" * 64 + b"\n" + planted)
    for entry in cache_entries(source):
        if entry.is_file():
            entry.write_bytes(b"quotedeck card file entry 5\n" + planted)  # the header of this version
    reads.clear()
    edit(source / "a.yaml", "A new force.", "A new force, from above.")
    report = build(source, now=T0 + DAY)
    check(source)
    assert not ran.exists()
    assert reads == ["a.yaml", "b.yaml", "c.yaml"]
    assert report.output.read_bytes() == cold_build_bytes(source, now=T0 + 2 * DAY)


def test_nothing_is_kept_in_the_repository(source: Path) -> None:
    build(source, now=T0)
    build(source, now=T0 + DAY)
    assert sorted(p.name for p in (source.parent / "build").iterdir()) == ["test-deck.apkg"]


def test_the_cache_key_changes_with_each_input_of_the_function_it_keys(source: Path, tmp_path: Path) -> None:
    key = quotedeck.speed.cache.entry_key
    base = key(source, source / "a.yaml", "Deck", "digest")
    moved = tmp_path / "elsewhere"
    os.symlink(source, moved)  # the same folder under another name: stored places differ
    changed = [
        key(moved, moved / "a.yaml", "Deck", "digest"),
        key(source, source / "b.yaml", "Deck", "digest"),
        key(source, source / "a.yaml", "Other", "digest"),
        key(source, source / "a.yaml", "Deck", "other digest"),
    ]
    assert base not in changed and len(set(changed)) == len(changed)
    assert key(source, source / "a.yaml", "Deck", "digest") == base


def test_a_changed_image_is_seen_by_the_stamp_and_the_cache(tmp_path: Path) -> None:
    """An image is an input like a text: changing it alone rebuilds the card that shows it."""
    from tests.support.media import image

    source = write_source(tmp_path, cards=CARDS, texts=TEXTS)
    picture = image(source / "media" / "page.png", 60, 20)
    card_file = source / "a.yaml"
    card_file.write_text(card_file.read_text() + "    image: media/page.png\n")
    out = tmp_path / "deck.apkg"
    build(source, out, now=T0)
    assert build(source, out, now=T0 + DAY).up_to_date
    image(picture, 60, 20, colour=(10, 200, 10))
    report = build(source, out, now=T0 + DAY)
    assert not report.up_to_date and report.changes.updated == ("the-light",)
    cold = tmp_path / "cold"
    shutil.copytree(source, cold)
    pipeline.build(cold, tmp_path / "cold.apkg", now=T0 + DAY)
    assert (tmp_path / "cold.apkg").read_bytes() == out.read_bytes()


def test_records_decoded_from_two_card_files_share_one_path_per_text(source: Path) -> None:
    """The build looks a note's text up among every text's place: one object per path makes
    that a lookup by identity."""
    root = source
    summaries = [
        decode_summary(encode(summarize(check_card_file(root, root / name, "Deck", {}))))
        for name in ("b.yaml", "c.yaml")
    ]
    (first, _, _), (second, _, _) = (summary.placed[0] for summary in summaries)
    assert first == root / "texts" / "two.txt"
    assert first is second
