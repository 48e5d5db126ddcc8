"""Every exception quotedeck raises on purpose; the command line turns each into a message and exit code 1."""

from __future__ import annotations

import errno
from pathlib import Path

from quotedeck.problems import Problem


class QuotedeckError(Exception):
    """Base class of every error quotedeck raises on purpose."""


class SourceProblems(QuotedeckError):
    """The sources have errors; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(p.is_error for p in problems)} error(s) in the sources")
        self.problems = sorted(problems, key=Problem.sort_key)


class FileError(QuotedeckError):
    """A file quotedeck writes or opens, and what went wrong with it: shown as `path: error: message`."""

    def __init__(self, path: Path, message: str, hint: str = "") -> None:
        super().__init__(f"{path}: error: {message}")
        self.path = path
        self.message = message
        self.hint = hint


class OutputError(FileError):
    """The package could not be written; the previous one is untouched."""

    @classmethod
    def cannot_write(
        cls,
        path: Path,
        what: str,
        reason: OSError | str,
        kept: str = "the previous package and lock are unchanged",
        *,
        movable: bool = True,
    ) -> OutputError:
        """`path` (the package, the lock, the preview) could not be written because of `reason`;
        only a `movable` one can be written elsewhere with -o (the lock stays beside the card files)."""
        number = reason.errno if isinstance(reason, OSError) else None
        text = (reason.strerror or str(reason)) if isinstance(reason, OSError) else reason
        if number == errno.ENOSPC or "disk is full" in text:
            text, hint = "the disk is full", "free some space, then build again"
        elif movable:
            hint = _WRITE_HINTS.get(number or 0, "")
        else:
            hint = _FIXED_PLACE_HINTS.get(number or 0, "").format(folder=path.parent)
        return cls(path, f"cannot write {what}: {text}; {kept}", hint)


_WRITE_HINTS = {
    errno.EACCES: "choose another place with -o, or make the folder writable",
    errno.EPERM: "choose another place with -o, or make the folder writable",
    errno.EROFS: "choose another place with -o: this one is read-only",
    errno.ENAMETOOLONG: "choose a shorter file name with -o",
}


class LockOutdated(QuotedeckError):
    """`--locked` was given but the sources no longer match the lock."""


_FIXED_PLACE_HINTS = {
    errno.EACCES: "make {folder} writable: the lock is kept there, beside the card files",
    errno.EPERM: "make {folder} writable: the lock is kept there, beside the card files",
    errno.EROFS: "{folder} is on a read-only disk: build from a writable copy of the repository",
}


class CollectionError(FileError):
    """An Anki collection could not be opened or changed; it is as it was."""
