"""Hashes of the files a build reads: what tells a rebuild what changed."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_hash(path: Path) -> str:
    """The file's SHA-256; a file that cannot be read hashes to the reason, so that its return shows."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        return f"unreadable ({exc.errno})"


class Hashes:
    """Each file hashed once per build, however many card files cite it."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self._known:
            self._known[path] = file_hash(path)
        return self._known[path]
