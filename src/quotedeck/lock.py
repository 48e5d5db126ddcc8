"""`quotedeck.lock`: what the last build exported, committed beside the sources.

It keeps what Anki needs to see stay the same between builds: each note's
modification time (only a newer one makes Anki apply an edit) and each
phrase's cloze number (a card's review history belongs to its number).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from quotedeck.problems import Location, Problem, error
from quotedeck.reading import read_utf8

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
        # Each record's own field dict, not asdict(): that deep copy took longer than the encoding.
        data = {
            "version": LOCK_VERSION,
            "deck": self.deck,
            "notes": {card_id: vars(note) for card_id, note in self.notes.items()},
            "notetypes": {name: vars(notetype) for name, notetype in self.notetypes.items()},
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_lock(path: Path) -> Lock | Problem:
    """The lock at `path`; a missing lock is an empty one (a fresh clone still builds)."""
    if not path.exists():
        return Lock()
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
