"""Problems found in the sources, each tied to the place a curator must fix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """A place in a source file; line and column count from 1.

    A named tuple rather than a dataclass: every card has several, and workers
    and the build cache send them all encoded, so making one must be cheap.
    """

    path: Path
    line: int = 1
    column: int = 1


class Severity(Enum):
    """An error stops the build; a warning is worth a look."""

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
    """A problem that stops the build."""
    return Problem(location, message, hint, Severity.ERROR)


def warning(location: Location, message: str, hint: str = "") -> Problem:
    """A problem worth a look, that does not stop the build."""
    return Problem(location, message, hint, Severity.WARNING)
