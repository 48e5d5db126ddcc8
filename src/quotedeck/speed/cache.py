"""Card files whose inputs are unchanged are not checked again.

An entry holds what a build keeps of one card file checked (its
pipeline.FileSummary), under a
key made of everything that result depends on: quotedeck's own code, the
inputs check_card_file names (pipeline.card_file_inputs), and the card file's
bytes. It also records the digest of each text it was checked against, and is
used only while they all still hold. Entries live in the user's cache folder,
are data only, and one that does not decode is no entry.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from quotedeck import __version__
from quotedeck.pipeline import FileSummary, card_file_inputs
from quotedeck.sources.files import is_inside
from quotedeck.speed.encoding import decode_summary
from quotedeck.speed.hashing import Hashes
from quotedeck.speed.storage import Shelf, cache_folder

_FORMAT = b"quotedeck card file entry 5\n"
# An entry is the size of its card file, a few times over; card files are at most 16 MB.
_MAX_ENTRY = 256 * 2**20


@functools.cache
def code_fingerprint() -> str:
    """quotedeck's own code and templates, every folder of it, and Python's version."""
    digest = hashlib.sha256(f"{__version__}\n{sys.version}\n".encode())
    for name, data in sorted(_package_files(files("quotedeck"), "")):
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def _package_files(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    found = []
    for item in folder.iterdir():
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            found += _package_files(item, f"{prefix}{item.name}/")
        else:
            found.append((prefix + item.name, item.read_bytes()))
    return found


def entry_key(root: Path, path: Path, deck_name: str, file_digest: str) -> str:
    """The key of check_card_file's result for this card file, with these bytes."""
    parts = (code_fingerprint(), *card_file_inputs(root, path, deck_name), file_digest)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass
class FileCache:
    """The entries of one card source folder."""

    root: Path
    hashes: Hashes
    writes: bool = True  # whether what is checked anew is kept (`check` keeps nothing)
    shelf: Shelf = field(init=False)
    keys: dict[Path, str] = field(default_factory=dict)  # each card file's key in this build
    # The inputs as they are when the build is saved (each hashed then, on first asking), the lock
    # just written among them: what the stamp records, as the cache keeps only unchanged files.
    after: Hashes = field(default_factory=Hashes)

    def __post_init__(self) -> None:
        self.shelf = Shelf(cache_folder(self.root, "entries"), _MAX_ENTRY, writes=self.writes)

    def get(self, key: str) -> FileSummary | None:
        """The entry under `key`, if there is one and every text it was checked against is unchanged."""
        entry = self.shelf.load(key, _FORMAT, decode_summary)
        if entry is None:
            return None
        for text, digest in entry.texts:
            if not is_inside(text, self.root) or self.hashes(text) != digest:
                return None
        return entry

    def add(self, key: str, path: Path, encoded: bytes) -> None:
        """Card file `path`, checked anew in this build: kept if, when the build is saved, the card
        file still has the bytes it was keyed by (one saved meanwhile is checked again next time)."""
        digest = self.hashes(path)
        self.shelf.stage(key, _FORMAT + encoded, lambda: self.after(path) == digest)

    def save(self) -> None:
        """Keep the new entries, and drop those no longer used (older versions of the card files)."""
        self.shelf.save()

    def discard(self) -> None:
        self.shelf.discard()
