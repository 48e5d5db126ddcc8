"""Rebuild only what changed.

Two kinds of files, both in the build folder, both written and read by quotedeck alone:

- `build/.quotedeck-cache/`: for each card file, the notes and problems its
  cards gave. An entry is used only while the card file, the deck's name and
  tags, the texts its quotes were found in and quotedeck's own code are all as
  they were, and the lock still gives its notes the same cloze numbers;
  otherwise the file is parsed and verified again. An unreadable, foreign or
  stale entry is ignored.
- a stamp beside the package (`build/.deck.apkg.stamp`): the hashes of every
  input of the last build and of the package it wrote. While they all match,
  a build has nothing to write.

Entries are pickles, which run code when loaded: they are only ever read from
the cache folder quotedeck writes, and only after their header matches.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quotedeck import __version__
from quotedeck.model import DeckInfo
from quotedeck.notes.note import NoteSpec
from quotedeck.problems import Location, Problem, Severity
from quotedeck.sources.parse import card_files, check_cards
from quotedeck.speed.hashing import Hashes
from quotedeck.speed.workers import Checked, Checking, FileResult
from quotedeck.state.lock import Lock

CACHE_DIR = ".quotedeck-cache"
_HEADER = b"quotedeck card file cache 2\n"  # then the key on a line, then the pickle
_STAMP_FORMAT = 1

# Called with (steps done, steps in all) as a build goes.
Progress = Callable[[int, int], None]


@functools.cache
def code_fingerprint() -> str:
    """quotedeck's own code and Python's version: what other code cached is never used."""
    digest = hashlib.sha256(f"{__version__}\n{sys.version}\n".encode())
    for path in sorted(Path(__file__).parent.parent.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class FileCache:
    """The card file entries of one card source folder."""

    def __init__(self, folder: Path, root: Path, keep: bool = True) -> None:
        root_key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.folder = folder / CACHE_DIR / root_key
        self.keep = keep  # whether what is read anew may be saved (`check` never saves)
        self.used: set[str] = set()
        # Read anew in this build, to be saved if it succeeds: the results to pickle, and the
        # entries a worker pickled, already written to scratch files rather than held in memory.
        self.fresh: dict[str, FileResult] = {}
        self.staged: dict[str, Path] = {}

    def key(self, root: Path, path: Path, deck: DeckInfo, hashes: Hashes) -> str:
        parts = (code_fingerprint(), str(root.resolve()), str(root), str(path), deck.name, deck.tags, hashes(path))
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def has(self, key: str) -> bool:
        """Whether there is an entry under `key` (get says whether it is usable)."""
        self.used.add(key)
        return (self.folder / key).is_file()

    def get(self, key: str, hashes: Hashes) -> FileResult | None:
        """The entry under `key`, if it is ours and still holds for these texts (the lock is the
        caller's to check: FileResult.holds_for)."""
        self.used.add(key)
        try:
            data = (self.folder / key).read_bytes()
            if not data.startswith(_HEADER + key.encode() + b"\n"):
                return None
            result = pickle.loads(data[len(_HEADER) + len(key) + 1 :])
        except Exception:  # a damaged or foreign file is no entry; the card file is read again
            return None
        if not isinstance(result, FileResult):
            return None
        if any(hashes(text) != digest for text, digest in result.texts):
            return None
        return result

    def add(self, key: str, checked: Checked) -> None:
        """A card file read anew in this build."""
        if not self.keep:
            return
        if checked.pickled is None:
            self.fresh[key] = checked.result
            return
        scratch = self.folder / f".{key}.new"
        if _write_quietly(scratch, _HEADER + key.encode() + b"\n" + checked.pickled):
            self.staged[key] = scratch

    def save(self) -> None:
        """Keep what this build read anew, and drop the entries it did not use (older versions of its files)."""
        for key, result in self.fresh.items():
            pickled = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            _write_quietly(self.folder / key, _HEADER + key.encode() + b"\n" + pickled)
        for key, scratch in self.staged.items():
            with contextlib.suppress(OSError):
                os.replace(scratch, self.folder / key)
        self.staged.clear()
        try:
            stale = [entry for entry in self.folder.iterdir() if entry.name not in self.used]
        except OSError:
            return
        for entry in stale:
            with contextlib.suppress(OSError):
                entry.unlink()

    def __enter__(self) -> FileCache:
        return self

    def __exit__(self, *_: object) -> None:
        """Drop the scratch entries that were not saved."""
        for scratch in self.staged.values():
            scratch.unlink(missing_ok=True)
        self.staged.clear()


@dataclass(frozen=True)
class Loaded:
    """All card files, read through the cache."""

    notes: list[NoteSpec]
    problems: list[Problem]
    texts: list[tuple[Path, str]]  # every text cited, with its hash
    files: int


class Loading:
    """All card files, read through the cache, in two steps: begun before the lock is read,
    finished with it.

    Card files the cache lacks start being checked at once (in workers, where that
    pays), against no lock, while the build reads the lock. A file whose notes the
    lock numbers otherwise (its phrases were removed or reordered once) is then
    checked again with the lock: what the lock decides is only cloze numbers.
    """

    def __init__(self, root: Path, deck: DeckInfo, cache: FileCache, hashes: Hashes, jobs: int | None) -> None:
        self.root, self.deck, self.cache, self.hashes = root, deck, cache, hashes
        self.paths = card_files(root)
        self.keys = [cache.key(root, path, deck, hashes) for path in self.paths]
        # Entries are only looked for now, and read once the lock is: both at once would be the peak.
        self.missing = [number for number, key in enumerate(self.keys) if not cache.has(key)]
        self.checking = Checking(root, [self.paths[n] for n in self.missing], deck, Lock(), hashes, jobs)

    def __enter__(self) -> Loading:
        return self

    def __exit__(self, *_: object) -> None:
        self.checking.close()

    def finish(self, deck_problems: list[Problem], lock: Lock, progress: Progress | None = None) -> Loaded:
        """What parse_sources and verify give, with `lock`.

        The problems come in the same order as theirs: the deck's, every file's
        parsing, the checks across files, then every file's verification.
        """
        missing = set(self.missing)
        results = [None if n in missing else self.cache.get(key, self.hashes) for n, key in enumerate(self.keys)]
        results = [result if result is not None and result.holds_for(lock) else None for result in results]
        done, total = len(self.paths) - results.count(None), len(self.paths)
        if progress and done:
            progress(done, total)
        for number, checked in zip(self.missing, self.checking.results(lock), strict=True):
            if checked.result.holds_for(lock):
                results[number] = checked.result
                self.cache.add(self.keys[number], checked)
                done += 1
                if progress:
                    progress(done, total)
        again = [number for number, result in enumerate(results) if result is None]
        with Checking(self.root, [self.paths[n] for n in again], self.deck, lock, self.hashes, jobs=1) as checking:
            for number, checked in zip(again, checking.results(lock), strict=True):
                results[number] = checked.result
                self.cache.add(self.keys[number], checked)
                done += 1
                if progress:
                    progress(done, total)
        found = [result for result in results if result is not None]
        problems = deck_problems + [p for r in found for p in r.parse_problems]
        problems += check_cards(self.deck, [pair for r in found for pair in r.ids], problems)
        problems += [p for r in found for p in r.verify_problems]
        cited = dict(pair for r in found for pair in r.texts)
        return Loaded([note for r in found for note in r.notes], problems, sorted(cited.items()), total)


@dataclass(frozen=True)
class Stamp:
    """The last build's inputs and package, and what a build of the same inputs reports."""

    inputs: str
    texts: list[tuple[Path, str]]
    package: str
    notes: int
    cards: int
    card_ids: list[str]
    warnings: list[Problem]


def stamp_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.stamp")


def inputs_digest(parts: list[object]) -> str:
    return hashlib.sha256(repr([code_fingerprint(), *parts]).encode()).hexdigest()


def read_stamp(path: Path) -> Stamp | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _STAMP_FORMAT:
            return None
        return Stamp(
            inputs=data["inputs"],
            texts=[(Path(text), digest) for text, digest in data["texts"]],
            package=data["package"],
            notes=data["notes"],
            cards=data["cards"],
            card_ids=data["card_ids"],
            warnings=[
                Problem(Location(Path(path), line, column), message, hint, Severity(severity))
                for path, line, column, message, hint, severity in data["warnings"]
            ],
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_stamp(path: Path, stamp: Stamp) -> None:
    data = {
        "format": _STAMP_FORMAT,
        "inputs": stamp.inputs,
        "texts": [(str(text), digest) for text, digest in stamp.texts],
        "package": stamp.package,
        "notes": stamp.notes,
        "cards": stamp.cards,
        "card_ids": stamp.card_ids,
        "warnings": [
            (str(w.location.path), w.location.line, w.location.column, w.message, w.hint, w.severity.value)
            for w in stamp.warnings
        ],
    }
    _write_quietly(path, json.dumps(data, ensure_ascii=False).encode())


def _write_quietly(path: Path, data: bytes) -> bool:
    """Write whole or not at all, and never fail the build for it: a missing entry only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(name, path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
