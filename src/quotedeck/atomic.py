"""Files that appear complete or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def temporary_beside(target: Path, suffix: str) -> Iterator[Path]:
    """A temporary file in the target's folder (so a rename onto it is atomic); always removed."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(handle)
    path = Path(name)
    # mkstemp makes the file private (0600); a build's output is an ordinary file.
    path.chmod(0o666 & ~_umask())
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(temporary: Path, target: Path) -> None:
    """Flush `temporary` to disk, then rename it over `target`."""
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)


def write_atomically(target: Path, data: bytes) -> None:
    with temporary_beside(target, ".tmp") as temporary:
        temporary.write_bytes(data)
        publish(temporary, target)
