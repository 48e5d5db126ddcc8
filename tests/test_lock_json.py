"""The lock is written by hand for speed: it must be exactly what json.dumps writes."""

import json
from dataclasses import asdict

from hypothesis import given
from hypothesis import strategies as st

from quotedeck.lock import LOCK_VERSION, Lock, LockedNote, LockedNotetype

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
    quote=text,
    deck=text,
)
notetypes = st.builds(LockedNotetype, id=st.integers(0, 2**50), digest=text, mod=st.integers(0, 2**40))
locks = st.builds(
    Lock,
    deck=text,
    notes=st.dictionaries(text, notes, max_size=4),
    notetypes=st.dictionaries(text, notetypes, max_size=2),
)


@given(locks)
def test_to_json_is_json_dumps(lock: Lock) -> None:
    expected = json.dumps({"version": LOCK_VERSION, **asdict(lock)}, indent=1, sort_keys=True, ensure_ascii=False)
    assert lock.to_json() == expected + "\n"
