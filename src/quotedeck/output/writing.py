"""Where the package goes: checked before anything is written, then written with the
lock, so that a failure leaves both files as they were."""

from __future__ import annotations

import errno
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from quotedeck.errors import OutputError
from quotedeck.model import DeckInfo
from quotedeck.output.atomic import links_on_the_way, publish, staged, sweep_temporaries, temporary_beside
from quotedeck.output.package import write_collection, zip_collection
from quotedeck.sources.files import is_inside
from quotedeck.state.changes import Plan

PACKAGE_SUFFIX = ".apkg"


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


def write_outputs(plan: Plan, deck: DeckInfo, output: Path, lock_path: Path, repository: Path) -> int:
    """Write the package and the new lock, or neither: both are written to scratch files in the
    package's folder first (none in the card source folder), then put in place, the lock only
    when it changed. Nothing is written through a link inside `repository`. Returns the
    package's size."""
    check_output(output)
    if is_inside(output, lock_path.parent):
        raise OutputError(
            output,
            "the package would be written into the card source folder, where every file is a source",
            "write it outside the folder (without -o it goes to build/ beside the folder)",
        )
    for path in (output, lock_path):
        link = links_on_the_way(path, repository)
        if link is not None:
            raise OutputError(
                path,
                f"{link} is a link; quotedeck writes nothing through a link in the deck's repository",
                "remove the link (a cloned repository may have planted it), or choose a place with -o",
            )
    sweep_temporaries(output.parent, {output.name, lock_path.name})
    sweep_temporaries(lock_path.parent, {lock_path.name})  # where older versions staged the lock
    with ExitStack() as stack:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            package = stack.enter_context(temporary_beside(output, PACKAGE_SUFFIX))
            collection = stack.enter_context(temporary_beside(output, ".anki2"))
            media = write_collection(collection, plan, deck)
        except OSError as exc:
            raise OutputError.cannot_write(output, "the package", exc) from exc
        except sqlite3.Error as exc:  # SQLite reports a full disk itself
            raise OutputError.cannot_write(output, "the package", str(exc)) from exc
        # ISA-L lets go of the interpreter while it deflates: the lock is written meanwhile.
        # A package that fails is reported first.
        lock_failed: OSError | None = None
        with ThreadPoolExecutor(1) as pool:
            zipped = pool.submit(zip_collection, collection, package, media)
            try:
                lock = stack.enter_context(staged(lock_path, plan.write_lock, output.parent))
            except OSError as exc:
                lock_failed = exc
            try:
                zipped.result()
            except OSError as exc:
                raise OutputError.cannot_write(output, "the package", exc) from exc
        if lock_failed is not None:
            raise OutputError.cannot_write(lock_path, "the lock", lock_failed, movable=False) from lock_failed
        if lock.put is not None and not os.access(lock_path.parent, os.W_OK):
            # The lock is renamed into its folder last: find out now, before the package is published.
            denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(lock_path.parent))
            raise OutputError.cannot_write(lock_path, "the lock", denied, movable=False)
        try:
            publish(package, output)
        except OSError as exc:
            raise OutputError.cannot_write(output, "the package", exc) from exc
        if lock.put is not None:
            try:
                lock.put()
            except OSError as exc:  # a rename: all but impossible once the data is written
                raise OutputError(
                    lock_path, f"the package was written, but not the lock: {exc.strerror}", "build again"
                ) from exc
    return output.stat().st_size
