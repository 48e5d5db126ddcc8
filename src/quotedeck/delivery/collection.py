"""Finding, opening and backing up an Anki collection with Anki's own code.

Anki keeps its collection locked while it has it open; a second opener is
refused by Anki itself, which is how quotedeck knows to leave it alone.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from quotedeck.errors import CollectionError

if TYPE_CHECKING:
    from anki.collection import Collection

COLLECTION_FILE = "collection.anki2"
BACKUP_FOLDER = "backups"  # beside the collection, where Anki desktop keeps a profile's backups
_INSTALL_HINT = "install it with: pip install 'quotedeck[anki]'"


def collection_file(path: Path) -> Path:
    """The collection at `path`: a `collection.anki2` file, or an Anki profile folder holding one."""
    if path.is_dir():
        path = path / COLLECTION_FILE
        if not path.is_file():
            raise CollectionError(
                path.parent,
                f"no {COLLECTION_FILE} in this folder",
                "give an Anki profile folder (such as ~/.local/share/Anki2/User 1) or its collection.anki2",
            )
        return path
    if not path.is_file():
        raise CollectionError(path, "no such collection", f"give a {COLLECTION_FILE} file or the profile folder")
    return path


def _collection_class() -> type[Collection]:
    try:
        # anki.collection first: the package's import cycle fails when anki.cards comes first.
        from anki.collection import Collection
    except ImportError as exc:
        raise CollectionError(Path("anki"), f"the `anki` package is needed: {exc}", _INSTALL_HINT) from exc
    return Collection


@contextmanager
def open_collection(path: Path) -> Iterator[Collection]:
    """The collection, open for changes; refused while Anki (or anything else) has it open."""
    from anki.errors import DBError

    collection_class = _collection_class()
    try:
        col = collection_class(str(path))
    except DBError as exc:
        raise CollectionError(
            path,
            f"Anki has this collection open ({exc}); nothing was changed",
            "close Anki (or switch to another profile), then run the command again",
        ) from exc
    try:
        yield col
    finally:
        col.close()


@contextmanager
def read_only_copy(path: Path) -> Iterator[Collection]:
    """A copy of the collection, open: reading it can change nothing, even while Anki has it open
    (what Anki has not saved yet is not in the copy)."""
    collection_class = _collection_class()
    with tempfile.TemporaryDirectory(prefix="quotedeck-status-") as scratch:
        copy = Path(scratch) / COLLECTION_FILE
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        col = collection_class(str(copy))
        try:
            yield col
        finally:
            col.close()


def backup(col: Collection, path: Path) -> Path:
    """Anki's own backup of the open collection, made now, into the folder Anki desktop uses."""
    folder = path.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
    # Anki names a backup by the second it was made: the newest file is this one.
    made = [path for path in folder.iterdir() if path.suffix == ".colpkg"]
    return max(made, key=lambda path: (path.stat().st_mtime_ns, path.name)) if made else folder
