"""The lock is written by hand for speed: it must be exactly what json.dumps writes."""

import json
from dataclasses import asdict
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotedeck.notes.note import quote_digest
from quotedeck.problems import Problem
from quotedeck.sources.ids import is_valid_id
from quotedeck.state.lock import (
    LOCK_VERSION,
    MAX_CLOZE,
    MAX_MOD,
    MIN_CLOZE,
    Lock,
    LockedNote,
    LockedNotetype,
    read_lock,
)

text = st.text(st.characters(codec="utf-8"), max_size=12)
numbers = st.dictionaries(text, st.integers(1, 99), max_size=3)
notes = st.builds(
    LockedNote,
    guid=text,
    kind=text,
    digest=text,
    mod=st.integers(0, 2**40),
    clozes=numbers,
    retired=numbers,
    prompt=text,
    quote_digest=text,
    deck=text,
)
notetypes = st.builds(LockedNotetype, id=st.integers(0, 2**50), digest=text, mod=st.integers(0, 2**40))
locks = st.builds(
    Lock,
    deck=text,
    notes=st.dictionaries(text, notes, max_size=4),
    notetypes=st.dictionaries(text, notetypes, max_size=2),
)


def as_json_dumps_writes_it(lock: Lock) -> str:
    record = {
        "deck": lock.deck,
        "notes": {card_id: msgspec.structs.asdict(note) for card_id, note in lock.notes.items()},
        "notetypes": {name: asdict(notetype) for name, notetype in lock.notetypes.items()},
        "version": LOCK_VERSION,
    }
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@given(locks)
def test_to_json_is_json_dumps(lock: Lock) -> None:
    assert lock.to_json() == as_json_dumps_writes_it(lock)


def test_a_version_1_lock_is_read_with_a_digest_of_each_quote(tmp_path: Path) -> None:
    note = {"clozes": {"x": 1}, "deck": "D", "digest": "d", "guid": "g", "kind": "term", "mod": 5, "prompt": "P"}
    path = tmp_path / "quotedeck.lock"
    lock = {"deck": "D", "notes": {"a": {**note, "quote": "Q q", "retired": {}}}, "notetypes": {}, "version": 1}
    path.write_text(json.dumps(lock), encoding="utf-8")
    assert read_lock(path) == Lock(
        "D", {"a": LockedNote("g", "term", "d", 5, {"x": 1}, {}, "P", quote_digest("Q q"), "D")}, version=1
    )


card_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
written_notes = st.builds(
    LockedNote,
    guid=text,
    kind=text,
    digest=text,
    mod=st.integers(0, MAX_MOD),
    clozes=st.dictionaries(text, st.integers(MIN_CLOZE, MAX_CLOZE), max_size=3),
    retired=st.dictionaries(text, st.integers(MIN_CLOZE, MAX_CLOZE), max_size=2),
    prompt=text,
    quote_digest=text,
    deck=text,
)
written_locks = st.builds(
    Lock,
    deck=text,
    notes=st.dictionaries(card_ids.filter(is_valid_id), written_notes, max_size=4),
    notetypes=st.dictionaries(
        text, st.builds(LockedNotetype, id=st.integers(0, 2**50), digest=text, mod=st.integers(0, MAX_MOD)), max_size=2
    ),
)


@given(written_locks)
def test_a_lock_reads_back_as_it_was_written(tmp_path_factory: pytest.TempPathFactory, lock: Lock) -> None:
    """What a build writes, the next reads (by msgspec, in one pass) as the very same records."""
    path = tmp_path_factory.mktemp("lock") / "quotedeck.lock"
    path.write_bytes(lock.dump())
    assert read_lock(path) == lock


def test_a_lock_of_several_batches_is_json_dumps() -> None:
    """Notes are written a batch at a time: the joins between batches are json.dumps's too."""
    notes = {
        f"card-{n:05}": LockedNote(f"g{n}", "term", f"d{n}", n, {f"phrase {n}": 1, "shared": 2}, {}, f"P{n}", "q", "D")
        for n in range(2 * 1000 + 7)
    }
    lock = Lock("D", notes)
    assert lock.to_json() == as_json_dumps_writes_it(lock)


@given(written_locks)
def test_a_lock_saved_with_a_byte_order_mark_and_windows_line_ends_reads_the_same(
    tmp_path_factory: pytest.TempPathFactory, lock: Lock
) -> None:
    """An editor on Windows may save the lock so; it is read field by field, to the same records."""
    path = tmp_path_factory.mktemp("lock") / "quotedeck.lock"
    path.write_bytes(b"\xef\xbb\xbf" + lock.dump().replace(b"\n", b"\r\n"))
    assert read_lock(path) == lock


def test_a_lock_with_a_byte_that_is_not_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    lock = Lock(deck="Deck", notes={"first": LockedNote("g", "term", "d", 1, {"heart": 1}, prompt="the heart")})
    lines = lock.dump().split(b"\n")
    broken = next(n for n, line in enumerate(lines) if b'"the heart"' in line)
    lines[broken] = lines[broken].replace(b"the heart", b"the h\xffeart")
    path = tmp_path / "quotedeck.lock"
    path.write_bytes(b"\n".join(lines))
    problem = read_lock(path)
    assert isinstance(problem, Problem)
    assert problem.location.line == broken + 1
    assert problem.message.startswith("the file is not UTF-8: byte 0xff")
