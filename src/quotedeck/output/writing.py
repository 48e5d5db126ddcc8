"""Where the package goes: checked before anything is written, then written with the
lock, so that a failure leaves both files as they were."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

from quotedeck.output.atomic import Writer, publish, staged, temporary_beside
from quotedeck.problems import OutputError
from quotedeck.speed.forking import forked

PACKAGE_SUFFIX = ".apkg"

T = TypeVar("T")


def check_output(path: Path) -> None:
    """Raise OutputError unless `path` can become a package file."""
    if path.is_dir():
        raise OutputError(path, "the output path is a folder", f"give a file name, such as {path / 'deck.apkg'}")
    if path.suffix.lower() != PACKAGE_SUFFIX:  # also keeps a slip of -o from overwriting a source file
        raise OutputError(
            path, f"the package file must end in {PACKAGE_SUFFIX}", f"write {path.with_suffix(PACKAGE_SUFFIX)}"
        )
    for folder in reversed(path.parents):
        if folder.exists() and not folder.is_dir():
            raise OutputError(path, f"{folder} is a file, not a folder", "choose another place with -o")


def write_with_lock(
    write_package: Callable[[Path, Path], None],
    output: Path,
    lock_path: Path,
    write_lock: Writer,
    old_lock: Callable[[], str],
    meanwhile: Callable[[], T],
) -> tuple[int, str, T]:
    """Write the package with `write_package` (given a scratch file beside `output` for the
    package, and one for its collection) and the new lock, which `write_lock` gives, beside
    the old one; then put the package in place, and the lock after it, only if it changed
    (`old_lock` gives the SHA-256 of the one there, asked for once the package is under way).

    The package is written in a child process, while this one writes the lock and
    then runs `meanwhile`: the package takes longest, and there is more than one core.

    Returns the package's size, the new lock's SHA-256, and what `meanwhile` returned.
    """
    check_output(output)
    with ExitStack() as stack:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            package = stack.enter_context(temporary_beside(output, PACKAGE_SUFFIX))
            collection = stack.enter_context(temporary_beside(output, ".anki2"))
        except OSError as exc:
            raise OutputError.cannot_write(output, "the package", exc) from exc
        writing = stack.enter_context(forked(lambda: write_package(package, collection)))
        try:
            lock = stack.enter_context(staged(lock_path, write_lock, unless=old_lock))
        except OSError as exc:
            raise OutputError.cannot_write(lock_path, "the lock", exc, movable=False) from exc
        alongside = meanwhile()
        try:
            writing.result()
            publish(package, output)
        except OSError as exc:
            raise OutputError.cannot_write(output, "the package", exc) from exc
        except sqlite3.Error as exc:  # SQLite reports a full disk itself
            raise OutputError.cannot_write(output, "the package", str(exc)) from exc
        if lock.put is not None:
            try:
                lock.put()
            except OSError as exc:  # a rename: all but impossible once the data is written
                raise OutputError(
                    lock_path, f"the package was written, but not the lock: {exc.strerror}", "build again"
                ) from exc
    return output.stat().st_size, lock.digest, alongside
