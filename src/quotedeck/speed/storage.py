"""Where speed keeps what it remembers between builds: the user's cache folder, never the deck's repository."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import platformdirs

T = TypeVar("T")


def cache_folder(source: Path, kind: str) -> Path:
    """The folder for `kind` (entries, stamps) of one card source folder, named by its absolute path."""
    root_key = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:24]
    return Path(platformdirs.user_cache_dir("quotedeck")) / kind / root_key


def texts_folder() -> Path:
    """Where extracted texts are kept, by their content: shared by every deck."""
    return Path(platformdirs.user_cache_dir("quotedeck")) / "texts"


def read_quietly(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes, if it is a regular file of ours (no link) and not too big."""
    try:
        with open(path, "rb", opener=_no_follow) as handle:
            if os.fstat(handle.fileno()).st_size > max_bytes:
                return None
            return handle.read()
    except OSError:
        return None


def write_quietly(path: Path, data: bytes) -> bool:
    """Write whole or not at all, and never fail the build for it: a missing entry only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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


def remove_quietly(path: Path) -> None:
    """Remove a file of ours, if it is there."""
    with contextlib.suppress(OSError):
        path.unlink()


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


@dataclass
class Shelf:
    """Entries of one kind for one card source folder, by key. What a build makes is written to a
    scratch file at once (not held in memory), and put in place only when the build succeeds."""

    folder: Path
    max_bytes: int
    writes: bool = True  # False: stage nothing, save nothing (a check)
    used: set[str] = field(default_factory=set)
    staged: dict[str, tuple[Path, Callable[[], bool]]] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        """Whether there is an entry under `key` (reading it says whether it is usable)."""
        self.used.add(key)
        return (self.folder / key).is_file()

    def read(self, key: str) -> bytes | None:
        self.used.add(key)
        return read_quietly(self.folder / key, self.max_bytes)

    def load(self, key: str, header: bytes, decode: Callable[[bytes], T]) -> T | None:
        """The entry under `key`, decoded, if it begins with `header` and decodes (msgspec
        raises a ValueError, or a TypeError, for anything else): else there is none."""
        data = self.read(key)
        if data is None or not data.startswith(header):
            return None
        try:
            return decode(data[len(header) :])
        except (ValueError, TypeError):
            return None

    def stage(self, key: str, data: bytes, keep: Callable[[], bool] = lambda: True) -> None:
        """`data` under `key`, kept at `save` if `keep` still says so then."""
        self.used.add(key)
        if not self.writes:
            return
        scratch = self.folder / f".{key}.new"
        if write_quietly(scratch, data):
            self.staged[key] = (scratch, keep)

    def save(self) -> None:
        """Put the staged entries in place, and drop every other file (older entries, scratch
        files a killed build left)."""
        if not self.writes:
            return
        for key, (scratch, keep) in self.staged.items():
            if keep():
                with contextlib.suppress(OSError):
                    os.replace(scratch, self.folder / key)
        self.staged.clear()
        try:
            stale = [entry for entry in self.folder.iterdir() if entry.name not in self.used]
        except OSError:
            return
        for entry in stale:
            remove_quietly(entry)

    def discard(self) -> None:
        """Drop what was staged (a build that failed)."""
        for scratch, _keep in self.staged.values():
            remove_quietly(scratch)
        self.staged.clear()
