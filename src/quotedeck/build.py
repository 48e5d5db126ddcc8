"""The whole pipeline: sources -> verified notes -> stamped plan -> package and lock.

Returns data (a report) or raises a QuotedeckError; never prints.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from quotedeck.changes import ChangeReport, Plan, plan
from quotedeck.ids import slugify
from quotedeck.lock import LOCK_FILE, Lock, read_lock
from quotedeck.model import Sources
from quotedeck.output import write_with_lock
from quotedeck.parse import parse_sources
from quotedeck.problems import Problem, QuotedeckError, SourceProblems
from quotedeck.verify import verify


class LockOutdated(QuotedeckError):
    """`--locked` was given but the sources no longer match the lock."""


@dataclass(frozen=True)
class BuildReport:
    output: Path
    notes: int
    cards: int
    size: int  # bytes written; 0 when nothing was written
    changes: ChangeReport
    warnings: tuple[Problem, ...]
    lock_path: Path
    written: bool


def default_output(source: Path, deck_name: str) -> Path:
    """`build/<deck>.apkg` beside the card source folder."""
    return source.parent / "build" / f"{slugify(deck_name) or 'deck'}.apkg"


def prepare(source: Path, now: int | None = None) -> tuple[Sources, Plan, list[Problem]]:
    """Everything `build` checks, without writing; raises SourceProblems on any error."""
    sources, problems = parse_sources(source)
    lock = read_lock(source / LOCK_FILE)
    if isinstance(lock, Problem):
        problems.append(lock)
    if sources is None:
        raise SourceProblems(problems)
    # Also when parsing found errors, or the lock is damaged: report all at once.
    notes, verify_problems = verify(sources, lock if isinstance(lock, Lock) else Lock())
    problems.extend(verify_problems)
    if any(p.is_error for p in problems) or isinstance(lock, Problem):
        raise SourceProblems(problems)
    stamp = int(time.time()) if now is None else now
    the_plan = plan(notes, lock, sources.deck.name, sources.deck.location, stamp)
    return sources, the_plan, problems + list(the_plan.warnings)


def build(
    source: Path,
    out: Path | None = None,
    *,
    dry_run: bool = False,
    locked: bool = False,
    now: int | None = None,
) -> BuildReport:
    sources, the_plan, warnings = prepare(source, now)
    output = out or default_output(source, sources.deck.name)
    lock_path = source / LOCK_FILE
    lock_text = the_plan.lock.to_json()
    if locked and the_plan.report.has_changes:
        raise LockOutdated(_describe_changes(the_plan.report))
    report = BuildReport(
        output=output,
        notes=len(the_plan.notes),
        cards=sum(len(s.note.ordinals) for s in the_plan.notes),
        size=0,
        changes=the_plan.report,
        warnings=tuple(sorted(warnings, key=Problem.sort_key)),
        lock_path=lock_path,
        written=False,
    )
    if dry_run:
        return report
    changed = not lock_path.exists() or lock_path.read_bytes() != lock_text.encode()
    size = _write(the_plan, sources, output, lock_path, lock_text.encode() if changed else None)
    return BuildReport(**{**report.__dict__, "size": size, "written": True})


def _write(the_plan: Plan, sources: Sources, output: Path, lock_path: Path, lock: bytes | None) -> int:
    from quotedeck.package import write_package  # genanki loads only when a package is written

    return write_with_lock(lambda: write_package(the_plan, sources.deck, output), output, lock_path, lock)


def _describe_changes(changes: ChangeReport) -> str:
    parts = []
    for label, ids in (
        ("added", changes.added),
        ("updated", changes.updated),
        ("removed", [i for i, _ in changes.removed]),
    ):
        if ids:
            parts.append(f"{label}: {', '.join(ids)}")
    if changes.notetypes_changed:
        parts.append(f"notetypes changed: {', '.join(changes.notetypes_changed)}")
    if changes.removed_clozes:
        parts.append("clozes removed: " + ", ".join(f"{c.card_id} c{c.ordinal}" for c in changes.removed_clozes))
    return (
        "the sources differ from quotedeck.lock (" + "; ".join(parts) + "); run `quotedeck build` and commit the lock"
    )
