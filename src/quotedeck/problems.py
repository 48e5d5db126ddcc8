"""Problems found in the sources, each tied to the place a curator must fix."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """A place in a source file; line and column count from 1.

    A named tuple rather than a dataclass: every card has several, and the
    build cache stores them all, so making and unpickling them must be cheap.
    """

    path: Path
    line: int = 1
    column: int = 1


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in the sources."""

    location: Location
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (str(loc.path), loc.line, loc.column, self.message)


def error(location: Location, message: str, hint: str = "") -> Problem:
    return Problem(location, message, hint, Severity.ERROR)


def warning(location: Location, message: str, hint: str = "") -> Problem:
    return Problem(location, message, hint, Severity.WARNING)


class QuotedeckError(Exception):
    """Base class of every error quotedeck raises on purpose."""


class SourceProblems(QuotedeckError):
    """The sources have errors; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(p.is_error for p in problems)} error(s) in the sources")
        self.problems = sorted(problems, key=Problem.sort_key)


class OutputError(QuotedeckError):
    """The package could not be written; the previous one is untouched."""

    def __init__(self, path: Path, message: str, hint: str = "") -> None:
        super().__init__(f"{path}: error: {message}")
        self.path = path
        self.message = message
        self.hint = hint

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
_FIXED_PLACE_HINTS = {
    errno.EACCES: "make {folder} writable: the lock is kept there, beside the card files",
    errno.EPERM: "make {folder} writable: the lock is kept there, beside the card files",
    errno.EROFS: "{folder} is on a read-only disk: build from a writable copy of the repository",
}
