"""One build of a card source folder at a time: two that overlap would both read the same lock,
and could give different contents the same modification time (Anki would then keep the first)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs

try:
    import fcntl
except ImportError:  # Windows has no flock: builds there are not serialised
    fcntl = None  # type: ignore[assignment]


@contextmanager
def one_build_at_a_time(source: Path) -> Iterator[None]:
    """Wait until no other build of `source` runs, and hold it off until the block ends.

    The lock file lives in the user's cache folder, never in the repository; the kernel
    releases it when the process ends, however it ends. Where it cannot be made (no
    writable cache folder), the build goes on alone rather than fail.
    """
    name = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:24]
    folder = Path(platformdirs.user_cache_dir("quotedeck")) / "builds"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        yield
        return
    try:
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock
