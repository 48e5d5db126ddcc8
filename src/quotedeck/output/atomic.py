"""Files that appear complete or not at all."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@contextmanager
def temporary_beside(target: Path, suffix: str) -> Iterator[Path]:
    """A temporary file in the target's folder (so a rename onto it is atomic); always removed."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(handle)
    path = Path(name)
    try:
        # mkstemp makes the file private (0600); a build's output is an ordinary file.
        path.chmod(0o666 & ~_umask())
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


# Writes a file's content by calling the function it is given with each piece.
Writer = Callable[[Callable[[bytes], object]], None]


@dataclass(frozen=True)
class Staged:
    digest: str  # the SHA-256 of what was written
    put: Callable[[], None] | None  # renames it over the target; None when it is what the target holds


def file_digest(path: Path) -> str:
    """The file's SHA-256; a file that cannot be read digests to the reason, so that its return shows."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        return f"unreadable ({exc.errno})"


@contextmanager
def staged(target: Path, write: Writer) -> Iterator[Staged]:
    """What `write` writes (with the function it is given), in a temporary file beside
    `target`, hashed on its way there.

    Unless it is what `target` holds already, the file is flushed to disk, and
    `put` puts it in place (a rename, which needs no space). Never put in place,
    it is removed.
    """
    with temporary_beside(target, ".tmp") as temporary:
        digest = hashlib.sha256()
        with open(temporary, "wb") as handle:

            def out(data: bytes) -> None:
                digest.update(data)
                handle.write(data)

            write(out)
            unchanged = digest.hexdigest() == file_digest(target)
            if not unchanged:
                handle.flush()
                os.fsync(handle.fileno())
        yield Staged(digest.hexdigest(), None if unchanged else lambda: os.replace(temporary, target))
