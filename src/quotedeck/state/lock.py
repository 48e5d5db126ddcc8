"""`quotedeck.lock`: what the last build exported, committed beside the sources.

It keeps what Anki needs to see stay the same between builds: each note's
modification time (only a newer one makes Anki apply an edit) and each
phrase's cloze number (a card's review history belongs to its number).
Besides, to tell a renamed card from a new one: its prompt, and a digest of
its quote (version 1 kept the quote itself; such a lock is still read).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from quotedeck.notes.note import quote_digest
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.files import is_inside
from quotedeck.sources.reading import read_utf8

LOCK_VERSION = 2
_READABLE = (1, LOCK_VERSION)  # version 1 kept each note's `quote` where 2 keeps its `quote_digest`
# Notes are written to the lock file in batches of this many.
_BATCH = 1000


# The retired phrases of every note that has none: one dict, never changed, for all of them.
NO_RETIRED: dict[str, int] = {}


class LockedNote(NamedTuple):
    """A named tuple: a lock of 50,000 notes makes 50,000 of them each time it is read and written."""

    guid: str
    kind: str
    digest: str
    mod: int
    clozes: dict[str, int]  # phrase key -> cloze number
    retired: dict[str, int] = NO_RETIRED  # removed phrases keep their number
    prompt: str = ""
    quote_digest: str = ""  # see quote_digest()
    deck: str = ""


@dataclass(frozen=True)
class LockedNotetype:
    id: int
    digest: str
    mod: int


@dataclass(frozen=True)
class Lock:
    deck: str = ""
    notes: dict[str, LockedNote] = field(default_factory=dict)
    notetypes: dict[str, LockedNotetype] = field(default_factory=dict)
    version: int = LOCK_VERSION  # of the file it was read from: an older one is written anew

    def numbers(self, card_id: str) -> dict[str, int]:
        """Every cloze number the card's note has had, by phrase key: live and retired."""
        locked = self.notes.get(card_id)
        if locked is None:
            return {}
        return {**locked.retired, **locked.clozes} if locked.retired else locked.clozes

    def live_numbers(self, card_id: str) -> dict[str, int]:
        """The cloze numbers of the phrases the card's note had at the last build, by phrase key."""
        locked = self.notes.get(card_id)
        return locked.clozes if locked is not None else {}

    def to_json(self) -> str:
        """The lock as `json.dumps(indent=1, sort_keys=True, ensure_ascii=False)` writes it."""
        return self.dump().decode()

    def dump(self) -> bytes:
        """The lock file: to_json() in UTF-8."""
        parts: list[bytes] = []
        self.write(parts.append)
        return b"".join(parts)

    def write(self, out: Callable[[bytes], object]) -> None:
        """Give the lock file to `out`, a piece at a time (see write_lock)."""
        write_lock(out, self.deck, sorted(self.notes.items()), self.notetypes)


def write_lock(
    out: Callable[[bytes], object],
    deck: str,
    notes: Iterable[tuple[str, LockedNote]],
    notetypes: dict[str, LockedNotetype],
) -> None:
    """Give `out` the lock file of these notes, in card id order, a batch of notes at a time.

    json's indenting encoder is pure Python, and took most of the time of
    writing a lock of 50,000 notes: the note records are put together here,
    and given out as they are made, so that neither the whole text nor every
    record need be in memory at once.
    """
    out(f'{{\n "deck": {_STRING(deck)},\n "notes": {{'.encode())
    remaining, separator = iter(notes), "\n"
    while batch := list(itertools.islice(remaining, _BATCH)):
        out((separator + ",\n".join([f"  {_STRING(card_id)}: {_note_json(note)}" for card_id, note in batch])).encode())
        separator = ",\n"
    closing = "},\n" if separator == "\n" else "\n },\n"
    records = _json({name: _fields(notetype) for name, notetype in notetypes.items()}, 1)
    out(f'{closing} "notetypes": {records},\n "version": {LOCK_VERSION}\n}}\n'.encode())


_STRING = json.encoder.encode_basestring  # a JSON string, non-ASCII kept (ensure_ascii=False)
_NOTE_FIELDS = [(f'"{name}": ', name) for name in sorted(LockedNote._fields)]


def _fields(record: LockedNotetype) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _note_json(note: LockedNote) -> str:
    return "{\n   " + ",\n   ".join([key + _value(getattr(note, name)) for key, name in _NOTE_FIELDS]) + "\n  }"


def _value(value: object) -> str:
    """A note's field, three levels into the lock."""
    if type(value) is str:
        return _STRING(value)
    if type(value) is int:
        return str(value)
    if type(value) is dict:
        if not value:
            return "{}"
        if all(type(k) is str and type(n) is int for k, n in value.items()):
            return "{\n    " + ",\n    ".join([f"{_STRING(k)}: {n}" for k, n in sorted(value.items())]) + "\n   }"
    return _json(value, 3)


def _json(value: object, depth: int) -> str:
    """What json.dumps writes, `depth` levels in."""
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + " " * depth)


def read_lock(path: Path) -> Lock | Problem:
    """The lock at `path`; a missing lock is an empty one (a fresh clone still builds)."""
    if not path.exists():
        return Lock()
    if not is_inside(path, path.parent):
        return error(Location(path), "quotedeck.lock is a link to a file elsewhere", "replace the link with the file")
    text = read_utf8(path)
    if isinstance(text, Problem):
        return text
    try:
        data = json.loads(text)
        version = data.get("version")
        shared: dict[object, Any] = {}
        if version not in _READABLE:
            raise ValueError(f"unknown version {version!r}")
        return Lock(
            deck=data["deck"],
            notes={k: _locked_note(v, version, shared) for k, v in data["notes"].items()},
            notetypes={k: LockedNotetype(**v) for k, v in data["notetypes"].items()},
            version=version,
        )
    except json.JSONDecodeError as exc:
        return error(Location(path, exc.lineno, exc.colno), f"the lock file is not valid JSON: {exc.msg}", _REPAIR_HINT)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return error(Location(path), f"the lock file is damaged: {exc}", _REPAIR_HINT)


def _locked_note(values: dict[str, Any], version: int, shared: dict[object, Any]) -> LockedNote:
    """A lock's note, which holds one copy of the values most notes share: a lock of
    50,000 notes is in memory all through a build, beside the notes being built."""
    if version == 1 and "quote" in values:
        quote = values.pop("quote")
        if not isinstance(quote, str):
            raise TypeError(f"a quote must be a string, not {quote!r}")
        values["quote_digest"] = quote_digest(quote)
    for name in ("kind", "deck", "mod"):
        if name in values:
            values[name] = shared.setdefault(values[name], values[name])
    if values.get("retired") == {}:
        values["retired"] = NO_RETIRED
    return LockedNote(**values)


_REPAIR_HINT = "restore it from version control (git checkout -- quotedeck.lock)"
