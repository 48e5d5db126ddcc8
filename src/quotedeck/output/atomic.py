"""Files that appear complete or not at all, written only where no link leads elsewhere."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# What mkstemp names a temporary `.{target}.{8 random characters}{suffix}`: only such files are swept.
_TEMPORARY = re.compile(r"\.(?P<target>.+)\.[a-z0-9_]{8}(?P<suffix>\.[a-z0-9]+)")


@contextmanager
def temporary_beside(target: Path, suffix: str, folder: Path | None = None) -> Iterator[Path]:
    """A temporary file in `folder` (by default the target's, so a rename onto it is atomic); always removed."""
    handle, name = tempfile.mkstemp(dir=folder or target.parent, prefix=f".{target.name}.", suffix=suffix)
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
    """Write `target` whole, or leave it as it was."""
    with temporary_beside(target, ".tmp") as temporary:
        temporary.write_bytes(data)
        publish(temporary, target)


# Writes a file's content by calling the function it is given with each piece.
Writer = Callable[[Callable[[bytes], object]], None]


@dataclass(frozen=True)
class Staged:
    """A file written beside its target, and how to put it in place."""

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
def staged(target: Path, write: Writer, scratch: Path) -> Iterator[Staged]:
    """What `write` writes (with the function it is given), in a temporary file in the folder
    `scratch`, hashed on its way there.

    Unless it is what `target` holds already, the file is flushed to disk, and
    `put` puts it in place (a rename, which needs no space). Never put in place,
    it is removed.
    """
    with temporary_beside(target, ".tmp", scratch) as temporary:
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
        yield Staged(digest.hexdigest(), None if unchanged else lambda: _move(temporary, target))


def _move(temporary: Path, target: Path) -> None:
    """Rename `temporary` over `target`; across file systems, through a copy beside the target."""
    try:
        os.replace(temporary, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with temporary_beside(target, ".tmp") as beside:
            shutil.copyfile(temporary, beside)
            publish(beside, target)


def links_on_the_way(path: Path, within: Path) -> Path | None:
    """The first link among `path` and the folders leading to it below `within`, if any:
    writing there would write wherever the link points."""
    try:
        relative = path.absolute().relative_to(within.absolute())
    except ValueError:
        return None  # a place the user chose outside the repository: theirs to know
    current = within.absolute()
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def sweep_temporaries(folder: Path, targets: set[str]) -> None:
    """Remove what an interrupted build left in `folder`: temporaries of quotedeck's own naming
    for `targets`, regular files only (a link is never followed, nor removed)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        named = _TEMPORARY.fullmatch(entry.name)
        if named and named["target"] in targets and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
