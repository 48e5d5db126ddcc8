"""Hashes of the files a build reads: what tells a rebuild what changed."""

from __future__ import annotations

from pathlib import Path

from quotedeck.output.atomic import file_digest


class Hashes:
    """Each file hashed once per build, however many card files cite it."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self._known:
            self._known[path] = file_digest(path)
        return self._known[path]
