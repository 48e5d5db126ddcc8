"""`quotedeck.lock`: what the last build exported, committed beside the sources.

It keeps what Anki needs to see stay the same between builds: each note's
modification time (only a newer one makes Anki apply an edit) and each
phrase's cloze number (a card's review history belongs to its number).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from quotedeck.problems import Location, Problem, error
from quotedeck.reading import read_utf8
from quotedeck.sourcefiles import is_inside

LOCK_FILE = "quotedeck.lock"
LOCK_VERSION = 1


@dataclass(frozen=True)
class LockedNote:
    guid: str
    kind: str
    digest: str
    mod: int
    clozes: dict[str, int]  # phrase key -> cloze number
    retired: dict[str, int] = field(default_factory=dict)  # removed phrases keep their number
    prompt: str = ""
    quote: str = ""
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

    def to_json(self) -> str:
        """The lock as `json.dumps(indent=1, sort_keys=True, ensure_ascii=False)` writes it."""
        return self.dump().decode()

    def dump(self) -> bytes:
        """The lock file: to_json() in UTF-8.

        json's indenting encoder is pure Python, and took most of the time of
        writing a lock of 50,000 notes: the note records are put together here,
        and encoded one by one, so that the text is in memory once.
        """
        notetypes = {name: vars(notetype) for name, notetype in self.notetypes.items()}
        lines = [b"{", f' "deck": {_STRING(self.deck)},'.encode()]
        if self.notes:
            lines.append(b' "notes": {')
            last = len(self.notes) - 1
            for number, (card_id, note) in enumerate(sorted(self.notes.items())):
                comma = "," if number < last else ""
                lines.append(f"  {_STRING(card_id)}: {_note_json(note)}{comma}".encode())
            lines.append(b" },")
        else:
            lines.append(b' "notes": {},')
        lines += [f' "notetypes": {_json(notetypes, 1)},'.encode(), f' "version": {LOCK_VERSION}'.encode(), b"}", b""]
        return b"\n".join(lines)


_STRING = json.encoder.encode_basestring  # a JSON string, non-ASCII kept (ensure_ascii=False)
_NOTE_FIELDS = [(f'"{f.name}": ', f.name) for f in sorted(fields(LockedNote), key=lambda f: f.name)]


def _note_json(note: LockedNote) -> str:
    values = vars(note)
    return "{\n   " + ",\n   ".join([key + _value(values[name]) for key, name in _NOTE_FIELDS]) + "\n  }"


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
        if data.get("version") != LOCK_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        return Lock(
            deck=data["deck"],
            notes={k: LockedNote(**v) for k, v in data["notes"].items()},
            notetypes={k: LockedNotetype(**v) for k, v in data["notetypes"].items()},
        )
    except json.JSONDecodeError as exc:
        return error(Location(path, exc.lineno, exc.colno), f"the lock file is not valid JSON: {exc.msg}", _REPAIR_HINT)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return error(Location(path), f"the lock file is damaged: {exc}", _REPAIR_HINT)


_REPAIR_HINT = "restore it from version control (git checkout -- quotedeck.lock)"


def assign_ordinals(phrase_keys: list[str], locked: LockedNote | None) -> dict[str, int]:
    """A cloze number for each phrase: the one it had, else one never used by this note.

    Numbers are never reused for another phrase, because Anki keeps the old
    card (and its reviews) under its number.
    """
    known = {**locked.retired, **locked.clozes} if locked else {}
    next_free = max(known.values(), default=0) + 1
    ordinals: dict[str, int] = {}
    for key in phrase_keys:
        if key in ordinals:
            continue
        if key in known:
            ordinals[key] = known[key]
        else:
            ordinals[key] = next_free
            next_free += 1
    return ordinals
