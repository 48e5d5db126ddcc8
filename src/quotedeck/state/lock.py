"""`quotedeck.lock`: what the last build exported, committed beside the sources.

It keeps what Anki needs to see stay the same between builds: each note's
modification time (only a newer one makes Anki apply an edit) and each
phrase's cloze number (a card's review history belongs to its number).
Besides, to tell a renamed card from a new one: its prompt, and a digest of
its quote (version 1 kept the quote itself; such a lock is still read).
"""

from __future__ import annotations

import errno
import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from quotedeck.notes.note import quote_digest
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.files import is_inside
from quotedeck.sources.ids import is_valid_id
from quotedeck.sources.reading import decode_utf8, read_bytes

LOCK_VERSION = 2
_READABLE = (1, LOCK_VERSION)  # version 1 kept each note's `quote` where 2 keeps its `quote_digest`
# Notes are written to the lock file in batches of this many.
_BATCH = 1000


# The retired phrases of every note that has none: one dict, never changed, for all of them.
NO_RETIRED: dict[str, int] = {}


class LockedNote(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """What the lock keeps of a note. A msgspec record: a lock as written decodes straight into
    these, with the types and ranges below checked, and leaves nothing to let go (freed records
    among the kept ones slowed the forked workers that make notes)."""

    guid: str
    kind: str
    digest: str
    mod: _Mod
    clozes: dict[str, _Cloze]  # phrase key -> cloze number
    retired: dict[str, _Cloze] = {}  # removed phrases keep their number
    prompt: str = ""
    quote_digest: str = ""  # see quote_digest()
    deck: str = ""


@dataclass(frozen=True)
class LockedNotetype:
    """What the lock keeps of a notetype: its id, digest and modification time."""

    id: int
    digest: str
    mod: int


@dataclass(frozen=True)
class Lock:
    """quotedeck.lock: what the last build exported, by card id."""

    deck: str = ""
    notes: dict[str, LockedNote] = field(default_factory=dict)
    notetypes: dict[str, LockedNotetype] = field(default_factory=dict)
    version: int = LOCK_VERSION  # of the file it was read from: an older one is written anew

    def numbers(self, card_id: str) -> tuple[dict[str, int], dict[str, int]]:
        """The cloze numbers the card's note has, by phrase key: its live phrases', and its retired ones'."""
        locked = self.notes.get(card_id)
        return (locked.clozes, locked.retired) if locked is not None else ({}, {})

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
    """Give `out` the lock file of these notes, in card id order, a batch of notes at a time:
    what json.dumps(indent=1, sort_keys=True, ensure_ascii=False) writes, but encoded and
    indented by msgspec (json's indenting encoder is pure Python), and never all at once."""
    out(f'{{\n "deck": {_STRING(deck)},\n "notes": {{'.encode())
    remaining, separator = iter(notes), b"\n"
    while batch := dict(itertools.islice(remaining, _BATCH)):
        # The batch as a JSON object, one level deeper: its entries without the braces around them.
        indented = msgspec.json.format(_ENCODER.encode(batch), indent=1).replace(b"\n", b"\n ")
        out(separator + indented[2:-3])
        separator = b",\n"
    closing = "},\n" if separator == b"\n" else "\n },\n"
    records = _json({name: _fields(notetype) for name, notetype in notetypes.items()}, 1)
    out(f'{closing} "notetypes": {records},\n "version": {LOCK_VERSION}\n}}\n'.encode())


_STRING = json.encoder.encode_basestring  # a JSON string, non-ASCII kept (ensure_ascii=False)
_ENCODER = msgspec.json.Encoder(order="sorted")


def _fields(record: LockedNotetype) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _json(value: object, depth: int) -> str:
    """What json.dumps writes, `depth` levels in."""
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + " " * depth)


def read_lock(path: Path) -> Lock | Problem:
    """The lock at `path`; a missing lock is an empty one (a fresh clone still builds).

    A lock comes from a repository, merged by git or edited by hand: every field is
    checked, and a damaged one is reported where it is. Two phrases of a note on one
    number (a merge of two branches) are left to assign_ordinals, which knows the card.
    """
    try:
        if not path.exists():
            return Lock()
    except OSError as exc:  # a name too long names no file; a folder that cannot be searched hides one
        if exc.errno == errno.ENAMETOOLONG:
            return Lock()
        return error(Location(path), f"cannot read the lock file: {exc.strerror or exc}")
    if not is_inside(path, path.parent):
        return error(Location(path), "quotedeck.lock is a link to a file elsewhere", "replace the link with the file")
    data = read_bytes(path)
    if isinstance(data, Problem):
        return data
    # JSON can escape half of a character (a lone surrogate, `\udc80`), which no file can be
    # written with; quotedeck never writes one. Such a lock is read field by field, and refused.
    halves = b"\\ud" in data or b"\\uD" in data
    fast = None if halves else _as_written(data)
    if fast is not None:
        return fast
    text = decode_utf8(path, data)
    if isinstance(text, Problem):
        return text
    hint = f"restore it from version control (git checkout -- {path})"
    try:
        lock = _lock(json.loads(text))
        if halves:
            _refuse_half_characters(lock)
        return lock
    except json.JSONDecodeError as exc:
        conflict = _CONFLICT_MARKER.search(text)  # never valid JSON: looked for only then
        if conflict:
            return error(
                Location(path, text.count("\n", 0, conflict.start()) + 1),
                "the lock file has git's conflict markers: a merge changed it on both sides",
                f"take either side (git checkout --theirs {path}, or --ours), then build: "
                "the build gives each new phrase a number of its own",
            )
        return error(Location(path, exc.lineno, exc.colno), f"the lock file is not valid JSON: {exc.msg}", hint)
    except _Damaged as exc:
        return error(_locate(path, text, exc.keys), f"the lock file is damaged: {exc.message}", hint)
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, arrays nested thousands deep
        return error(Location(path), f"the lock file is damaged: {exc}", hint)


# Git writes these at the start of a line where a merge could not join both sides.
_CONFLICT_MARKER = re.compile(r"^(?:<{7}|={7}|>{7})(?: |$)", re.MULTILINE)

# Anki keeps a note's modification time in 32 bits (it wraps in 2106): a later time
# in the lock is damage, and this one leaves room for every newer `mod` a build hands out.
MAX_MOD = 4_102_444_800  # 2100-01-01
# Anki refuses a whole package with a cloze number outside these.
MIN_CLOZE, MAX_CLOZE = 1, 500


_Mod = Annotated[int, msgspec.Meta(ge=0, le=MAX_MOD)]
_Cloze = Annotated[int, msgspec.Meta(ge=MIN_CLOZE, le=MAX_CLOZE)]


class _WrittenNotetype(msgspec.Struct, forbid_unknown_fields=True):
    id: int
    digest: str
    mod: _Mod


class _WrittenLock(msgspec.Struct, forbid_unknown_fields=True):
    deck: str
    notes: dict[str, LockedNote]
    notetypes: dict[str, _WrittenNotetype]
    version: Literal[2]


def _as_written(data: bytes) -> Lock | None:
    """The lock, when it is as this version writes it (nearly always): decoded and typed by
    msgspec in one pass, from the file's bytes (msgspec checks they are UTF-8), without a dict
    per note to check and let go. None for anything else (a byte order mark too), which _lock
    reads field by field and reports where it is damaged."""
    try:
        written = msgspec.json.decode(data, type=_WrittenLock)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not all(map(is_valid_id, written.notes)):
        return None
    notetypes = {name: LockedNotetype(t.id, t.digest, t.mod) for name, t in written.notetypes.items()}
    return Lock(deck=written.deck, notes=written.notes, notetypes=notetypes, version=written.version)


class _Damaged(Exception):
    """A field of the lock that is not what quotedeck writes; `keys` lead to it."""

    def __init__(self, keys: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.keys = keys
        self.message = message


def _lock(data: object) -> Lock:
    top = _record(data, (), {"deck", "notes", "notetypes", "version"}, {"deck", "notes", "notetypes", "version"})
    version = top["version"]
    if version not in _READABLE or type(version) is not int:
        raise _Damaged(("version",), f"unknown version {_shown(version)}")
    deck = _string(top, "deck", ())
    notes = _mapping(top["notes"], ("notes",))
    shared: dict[object, Any] = {}
    locked = {card_id: _locked_note(values, version, shared, card_id) for card_id, values in notes.items()}
    if not all(map(is_valid_id, locked)):  # it would be printed as a removed card's id
        card_id = next(card_id for card_id in locked if not is_valid_id(card_id))
        raise _Damaged(("notes", card_id), f"`{card_id}` is not a card id")
    notetypes = {
        name: _locked_notetype(values, ("notetypes", name))
        for name, values in _mapping(top["notetypes"], ("notetypes",)).items()
    }
    return Lock(deck=deck, notes=locked, notetypes=notetypes, version=version)


_NOTE_FIELDS_REQUIRED = {"guid", "kind", "digest", "mod", "clozes"}
_NOTE_TEXTS = ("guid", "kind", "digest", "prompt", "quote_digest", "deck")


def _locked_note(data: object, version: int, shared: dict[object, Any], card_id: str) -> LockedNote:
    """A lock's note, which holds one copy of the values most notes share: a lock of
    50,000 notes is in memory all through a build, beside the notes being built.

    A note as this version writes it (nearly every one) is checked in one expression
    of C-level steps; any other (version 1, damaged) field by field."""
    if type(data) is dict and data.keys() == _NOTE_FIELDS_ALL:
        clozes, deck, digest, guid, kind, mod, prompt, digest_of_quote, retired = _NOTE_VALUES(data)
        if (
            _STR.issuperset(map(type, (deck, digest, guid, kind, prompt, digest_of_quote)))
            and type(mod) is int
            and 0 <= mod <= MAX_MOD
            and _are_numbers(clozes)
            and (retired == {} or _are_numbers(retired))
        ):
            return LockedNote(
                guid,
                shared.setdefault(kind, kind),
                digest,
                shared.setdefault(mod, mod),
                clozes,
                retired or NO_RETIRED,
                prompt,
                digest_of_quote,
                shared.setdefault(deck, deck),
            )
    values = _checked_note(data, version, ("notes", card_id))
    deck = values.get("deck", "")
    return LockedNote(
        values["guid"],
        values["kind"],
        values["digest"],
        values["mod"],
        values["clozes"],
        values.get("retired") or NO_RETIRED,
        values.get("prompt", ""),
        values.get("quote_digest", ""),
        shared.setdefault(deck, deck),
    )


_NOTE_FIELDS_ALL = frozenset(LockedNote.__struct_fields__)
_NOTE_VALUES = operator.itemgetter(*sorted(LockedNote.__struct_fields__))
_STR = frozenset([str])


def _are_numbers(data: object) -> bool:
    # Set look-ups, no Python loop: an int (True and 1.0 equal 1), and in range.
    return type(data) is dict and _INT.issuperset(map(type, data.values())) and _CLOZE_NUMBERS.issuperset(data.values())


_CLOZE_NUMBERS = frozenset(range(MIN_CLOZE, MAX_CLOZE + 1))
_INT = frozenset([int])


def _checked_note(data: object, version: int, at: tuple[str, ...]) -> dict[str, Any]:
    """The fields of a note that is not quite as this version writes it; raises _Damaged for the first one
    that is not sound."""
    allowed = {*LockedNote.__struct_fields__, "quote"} if version == 1 else set(LockedNote.__struct_fields__)
    values = _record(data, at, allowed, _NOTE_FIELDS_REQUIRED)
    if "quote" in values:
        values["quote_digest"] = quote_digest(_string(values, "quote", at))
        del values["quote"]
    for name in _NOTE_TEXTS:
        if name in values:
            _string(values, name, at)
    _mod(values["mod"], (*at, "mod"))
    _numbers(values["clozes"], (*at, "clozes"))
    if "retired" in values:
        _numbers(values["retired"], (*at, "retired"))
    return values


def _refuse_half_characters(lock: Lock) -> None:
    """Raise _Damaged at the first text of `lock` that holds half of a character."""
    for card_id, note in lock.notes.items():
        at = ("notes", card_id)
        if not _is_text(card_id):
            raise _Damaged(at, f"the id of {_what(at)} {_HALF}")
        for name in _NOTE_TEXTS:
            if not _is_text(getattr(note, name)):
                raise _Damaged((*at, name), f"{_what((*at, name))} {_HALF}")
        for name in ("clozes", "retired"):
            phrase = next((key for key in getattr(note, name) if not _is_text(key)), None)
            if phrase is not None:
                raise _Damaged((*at, name), f"a phrase in {_what((*at, name))} {_HALF}")
    for name, notetype in lock.notetypes.items():
        if not (_is_text(name) and _is_text(notetype.digest)):
            raise _Damaged(("notetypes", name), f"{_what(('notetypes', name))} {_HALF}")
    if not _is_text(lock.deck):
        raise _Damaged(("deck",), f"`deck` {_HALF}")


_HALF = "has half of a character (a `\\uD800` to `\\uDFFF` escape on its own), which no text can hold"


def _is_text(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _locked_notetype(data: object, at: tuple[str, ...]) -> LockedNotetype:
    values = _record(data, at, {"id", "digest", "mod"}, {"id", "digest", "mod"})
    if type(values["id"]) is not int:
        raise _Damaged((*at, "id"), f"{_what((*at, 'id'))} must be a whole number, not {_shown(values['id'])}")
    return LockedNotetype(values["id"], _string(values, "digest", at), _mod(values["mod"], (*at, "mod")))


def _record(data: object, at: tuple[str, ...], allowed: set[str], required: set[str]) -> dict[str, Any]:
    """A JSON object with these fields and no other: a copy, to be changed."""
    values = dict(_mapping(data, at))
    if not values.keys() <= allowed:
        unknown = min(values.keys() - allowed)
        raise _Damaged((*at, unknown), f"{_what(at)} has an unknown field `{unknown}`")
    if not required <= values.keys():
        raise _Damaged(at, f"{_what(at)} has no `{min(required - values.keys())}`")
    return values


def _mapping(data: object, at: tuple[str, ...]) -> dict[str, Any]:
    if type(data) is not dict:
        raise _Damaged(at, f"{_what(at)} must be a JSON object, not {_shown(data)}")
    return data


def _string(values: dict[str, Any], name: str, at: tuple[str, ...]) -> str:
    value = values[name]
    if type(value) is not str:
        raise _Damaged((*at, name), f"{_what((*at, name))} must be text, not {_shown(value)}")
    return value


def _mod(value: object, at: tuple[str, ...]) -> int:
    if type(value) is not int or not 0 <= value <= MAX_MOD:
        raise _Damaged(at, f"{_what(at)} must be a time in whole seconds before 2100, not {_shown(value)}")
    return value


def _numbers(data: object, at: tuple[str, ...]) -> dict[str, int]:
    """A note's phrases and their cloze numbers."""
    numbers = _mapping(data, at)
    for key, number in numbers.items():
        if type(number) is not int or not MIN_CLOZE <= number <= MAX_CLOZE:
            raise _Damaged(
                (*at, key),
                f"{_what(at)} gives `{key}` the cloze number {_shown(number)}; "
                f"numbers go from {MIN_CLOZE} to {MAX_CLOZE}",
            )
    return numbers


def _what(at: tuple[str, ...]) -> str:
    """The part of the lock `at` leads to, said as a curator would."""
    if not at:
        return "the lock"
    if len(at) == 1:
        return f"`{at[0]}`"
    whose = f"card `{at[1]}`" if at[0] == "notes" else f"notetype `{at[1]}`"
    return whose if len(at) == 2 else f"`{at[2]}` of {whose}"


def _shown(value: object) -> str:
    """A value as the lock has it, cut short: the message quotes it."""
    text = json.dumps(value, ensure_ascii=False)
    return f"`{text}`" if len(text) <= 40 else f"`{text[:37]}...`"


def _locate(path: Path, text: str, keys: tuple[str, ...]) -> Location:
    """Where the field `keys` lead to is written, as nearly as the keys can be found in `text`."""
    offset = -1
    for key in keys:
        found = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:").search(text, offset + 1)
        if found is None:
            break
        offset = found.start()
    if offset < 0:
        return Location(path)
    line_start = text.rfind("\n", 0, offset) + 1
    return Location(path, text.count("\n", 0, offset) + 1, offset - line_start + 1)
