"""Where speed keeps what it remembers between builds: the user's cache folder, never the deck's repository."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import platformdirs


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
    with contextlib.suppress(OSError):
        path.unlink()


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))
