"""A build of unchanged inputs writes nothing: the stamp of the last build says what it read and wrote.

It lives in the user's cache folder, never beside the package, and is read as
data: the texts it names are used only as paths inside the card source folder.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from quotedeck.output.atomic import file_digest
from quotedeck.pipeline import BuildReport
from quotedeck.problems import Location, Problem, Severity
from quotedeck.sources.files import SourceFolder, is_inside
from quotedeck.speed import cache
from quotedeck.speed.hashing import Hashes
from quotedeck.speed.storage import cache_folder, read_quietly, write_quietly
from quotedeck.state.changes import ChangeReport

_FORMAT = 3
_MAX_STAMP = 64 * 2**20


@dataclass(frozen=True)
class Stamp:
    """The last build's inputs and package, and what a build of the same inputs reports."""

    inputs: str
    output: str
    package: str
    texts: list[str]  # relative to the card source folder
    notes: int
    cards: int
    card_ids: list[str]
    warnings: list[Problem]
    drafts: list[Location]


def inputs_digest(folder: SourceFolder, output: str, hashes: Hashes, texts: list[tuple[str, str]]) -> str:
    """Everything a build reads: quotedeck itself, deck.yaml, the card files, the lock, the texts."""
    files = [(str(path), hashes(path)) for path in (folder.deck_file, *folder.card_files, folder.lock_file)]
    parts = [cache.code_fingerprint(), str(folder.root.resolve()), str(folder.root), output, files, texts]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _stamp_path(folder: SourceFolder, out: Path | None) -> Path:
    name = hashlib.sha256(str(out.resolve() if out else "").encode()).hexdigest()[:24]
    return cache_folder(folder.root, "stamps") / name


def up_to_date(folder: SourceFolder, out: Path | None, hashes: Hashes) -> BuildReport | None:
    """The report of the last build, if it read these very inputs and its package is still as it wrote it."""
    stamp = _read(_stamp_path(folder, out))
    if stamp is None or (out is not None and stamp.output != str(out)):
        return None
    texts = []
    for name in stamp.texts:
        text = folder.root / name
        if not is_inside(text, folder.root) or not text.is_file():
            return None
        texts.append((name, hashes(text)))
    output = Path(stamp.output)
    if inputs_digest(folder, stamp.output, hashes, texts) != stamp.inputs or file_digest(output) != stamp.package:
        return None
    return BuildReport(
        output=output,
        notes=stamp.notes,
        cards=stamp.cards,
        size=output.stat().st_size,
        changes=ChangeReport(unchanged=tuple(stamp.card_ids)),
        warnings=tuple(sorted(stamp.warnings, key=Problem.sort_key)),
        lock_path=folder.lock_file,
        written=False,
        up_to_date=True,
        card_ids=tuple(stamp.card_ids),
        drafts=tuple(stamp.drafts),
    )


def remember(folder: SourceFolder, out: Path | None, report: BuildReport, hashes: Hashes) -> None:
    """Stamp a build that wrote `report`, from the inputs as `hashes` finds them after it (checked unchanged)."""
    texts = [(str(path.relative_to(folder.root)), digest) for path, digest in report.texts]
    stamp = Stamp(
        inputs=inputs_digest(folder, str(report.output), hashes, texts),
        output=str(report.output),
        package=file_digest(report.output),
        texts=[name for name, _ in texts],
        notes=report.notes,
        cards=report.cards,
        card_ids=list(report.card_ids),
        warnings=list(report.source_warnings),
        drafts=list(report.drafts),
    )
    data = {
        "format": _FORMAT,
        **{key: value for key, value in stamp.__dict__.items() if key not in ("warnings", "drafts")},
        "warnings": [
            (str(w.location.path), w.location.line, w.location.column, w.message, w.hint, w.severity.value)
            for w in stamp.warnings
        ],
        "drafts": [(str(d.path), d.line, d.column) for d in stamp.drafts],
    }
    write_quietly(_stamp_path(folder, out), json.dumps(data, ensure_ascii=False).encode())


def _read(path: Path) -> Stamp | None:
    data = read_quietly(path, _MAX_STAMP)
    if data is None:
        return None
    try:
        fields = json.loads(data)
        if fields.pop("format") != _FORMAT:
            return None
        paths: dict[str, Path] = {}  # one Path a file: a deck may have thousands of warnings in one

        def place(where: str, line: int, column: int) -> Location:
            path = paths.get(where)
            if path is None:
                path = paths[where] = Path(where)
            return Location(path, line, column)

        warnings = [
            Problem(place(where, line, column), message, hint, Severity(severity))
            for where, line, column, message, hint, severity in fields.pop("warnings")
        ]
        drafts = [place(where, line, column) for where, line, column in fields.pop("drafts")]
        stamp = Stamp(**fields, warnings=warnings, drafts=drafts)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not all(isinstance(name, str) for name in stamp.texts):
        return None
    return stamp
