"""The whole pipeline: sources -> verified notes -> stamped plan -> package and lock.

Returns data (a report) or raises a QuotedeckError; never prints.
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from quotedeck.model import DeckInfo
from quotedeck.notes.notetypes import NOTETYPES
from quotedeck.output.writing import write_with_lock
from quotedeck.problems import Problem, QuotedeckError, SourceProblems
from quotedeck.sources.ids import slugify
from quotedeck.sources.parse import DECK_FILE, card_files, parse_deck, parse_sources
from quotedeck.speed.cache import (
    FileCache,
    Loading,
    Progress,
    Stamp,
    inputs_digest,
    read_stamp,
    stamp_path,
    write_stamp,
)
from quotedeck.speed.hashing import Hashes, file_hash
from quotedeck.state.changes import ChangeReport, Plan, plan
from quotedeck.state.lock import LOCK_FILE, LOCK_VERSION, Lock, read_lock
from quotedeck.verify.cards import verify


class LockOutdated(QuotedeckError):
    """`--locked` was given but the sources no longer match the lock."""


@dataclass(frozen=True)
class BuildReport:
    output: Path
    notes: int
    cards: int
    size: int  # the package's size in bytes; 0 when none was written (a dry run)
    changes: ChangeReport
    warnings: tuple[Problem, ...]
    lock_path: Path
    written: bool
    up_to_date: bool = False  # the package was built from these very inputs already: nothing was written


@dataclass(frozen=True)
class _Prepared:
    deck: DeckInfo
    plan: Plan
    warnings: list[Problem]
    source_warnings: list[Problem]  # those about the sources themselves, not about what changed
    lock_version: int  # of the lock file read: an older format is written anew
    texts: list[tuple[Path, str]]  # every text cited, with its hash
    files: int  # card files read


def default_output(source: Path, deck_name: str) -> Path:
    """`build/<deck>.apkg` beside the card source folder."""
    return source.parent / "build" / f"{slugify(deck_name) or 'deck'}.apkg"


def prepare(source: Path, now: int | None = None, jobs: int | None = None) -> tuple[DeckInfo, Plan, list[Problem]]:
    """Everything `build` checks, without writing; raises SourceProblems on any error.

    Card files unchanged since the last build come from its cache, which this leaves as it is.
    """
    with _collector_paused():
        cache = FileCache(source.parent / "build", source, keep=False)
        prepared = _prepare(source, now, Hashes(), cache, jobs=jobs)
    return prepared.deck, prepared.plan, prepared.warnings


def build(
    source: Path,
    out: Path | None = None,
    *,
    dry_run: bool = False,
    locked: bool = False,
    now: int | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> BuildReport:
    """Check the sources, then write the package and the lock; `progress` hears of each step.

    Only card files whose inputs changed since the last build are parsed and
    verified again, on up to `jobs` cores (see cardfiles.py), and nothing is
    written when no input changed (see cache.py).
    """
    with _collector_paused():
        return _build(source, out, dry_run=dry_run, locked=locked, now=now, progress=progress, jobs=jobs)


def _build(
    source: Path,
    out: Path | None,
    *,
    dry_run: bool,
    locked: bool,
    now: int | None,
    progress: Progress | None,
    jobs: int | None,
) -> BuildReport:
    hashes = Hashes()
    deck, deck_problems = parse_deck(source)
    lock_path = source / LOCK_FILE
    inputs = None
    if deck is not None and not deck_problems:  # a stray *.yml is no input, but must be reported
        output = out or default_output(source, deck.name)
        inputs = _inputs(source, output, hashes)
        stamp = read_stamp(stamp_path(output))
        if stamp is not None and _still_holds(stamp, inputs(hashes(lock_path)), output, hashes):
            return _up_to_date(stamp, output, lock_path)
    steps = (lambda done, total: progress(done, total + 1)) if progress else None  # the last step: writing
    with FileCache(source.parent / "build", source) as cache:  # what the build does not save, it drops
        prepared = _prepare(source, now, hashes, cache, progress=steps, jobs=jobs)
        the_plan = prepared.plan
        output = out or default_output(source, prepared.deck.name)
        if locked and the_plan.report.has_changes:
            raise LockOutdated(_describe_changes(the_plan.report))
        if locked and prepared.lock_version != LOCK_VERSION:
            raise LockOutdated(
                f"quotedeck.lock is in the format of an older quotedeck (version {prepared.lock_version}); "
                "run `quotedeck build` once and commit the lock it writes"
            )
        report = BuildReport(
            output=output,
            notes=len(the_plan.notes),
            cards=sum(len(s.note.ordinals) for s in the_plan.notes),
            size=0,
            changes=the_plan.report,
            warnings=tuple(sorted(prepared.warnings, key=Problem.sort_key)),
            lock_path=lock_path,
            written=False,
        )
        if dry_run:
            return report
        # The cache and the stamp keep only what was read as it was hashed: when an input
        # was saved during the build, they are left as they were and the next build reads it.
        # Every input has been read by now: they are hashed again while the package is written.
        rehash = functools.partial(_unchanged, inputs, source, output, prepared.texts) if inputs else lambda: False
        old_lock = functools.partial(hashes, lock_path)  # hashed while the package is written, too
        size, lock_hash, unchanged = _write(the_plan, prepared.deck, output, lock_path, old_lock, rehash)
        if inputs is not None and unchanged:
            # What the same inputs, this lock now among them, build to: every note unchanged.
            stamp = Stamp(
                inputs=inputs(lock_hash),
                texts=prepared.texts,
                package=file_hash(output),
                notes=report.notes,
                cards=report.cards,
                card_ids=[s.note.card_id for s in the_plan.notes],
                warnings=prepared.source_warnings,
            )
            write_stamp(stamp_path(output), stamp)
            cache.save()
        if progress:
            progress(prepared.files + 1, prepared.files + 1)
        return BuildReport(**{**report.__dict__, "size": size, "written": True})


def _prepare(
    source: Path,
    now: int | None,
    hashes: Hashes,
    cache: FileCache,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> _Prepared:
    deck, deck_problems = parse_deck(source)
    if deck is None:
        _check_everything(source, read_lock(source / LOCK_FILE))
    with Loading(source, deck, cache, hashes, jobs) as loading:  # card files start being checked...
        lock = read_lock(source / LOCK_FILE)  # ...while the lock is read
        if isinstance(lock, Problem):
            _check_everything(source, lock)
        loaded = loading.finish(deck_problems, lock, progress)
    if any(p.is_error for p in loaded.problems):
        raise SourceProblems(loaded.problems)
    stamp = int(time.time()) if now is None else now
    the_plan = plan(loaded.notes, lock, deck.name, deck.location, stamp)
    warnings = loaded.problems + list(the_plan.warnings)
    return _Prepared(deck, the_plan, warnings, loaded.problems, lock.version, loaded.texts, loaded.files)


def _check_everything(source: Path, lock: Lock | Problem) -> NoReturn:
    """Nothing to build: the whole check finds every problem there is, the quotes'
    included (against an empty lock when it is the lock that is damaged)."""
    sources, problems = parse_sources(source)
    if sources is not None:
        problems += verify(sources, lock if isinstance(lock, Lock) else Lock())[1]
    raise SourceProblems([*problems, lock] if isinstance(lock, Problem) else problems)


def _inputs(source: Path, output: Path, hashes: Hashes) -> Callable[[str], str]:
    """The digest of everything a build reads, given the lock's hash."""
    files = [(str(path), hashes(path)) for path in [source / DECK_FILE, *card_files(source)]]
    notetypes = [notetype.digest for notetype in NOTETYPES.values()]
    fixed = [str(source.resolve()), str(source), str(output), files, notetypes]
    return lambda lock_hash: inputs_digest([*fixed, lock_hash])


def _unchanged(inputs: Callable[[str], str], source: Path, output: Path, texts: list[tuple[Path, str]]) -> bool:
    """Every input but the lock (which the build writes), hashed again, is what it was when the build began."""
    again = Hashes()
    return _inputs(source, output, again)("") == inputs("") and all(again(text) == digest for text, digest in texts)


def _up_to_date(stamp: Stamp, output: Path, lock_path: Path) -> BuildReport:
    return BuildReport(
        output=output,
        notes=stamp.notes,
        cards=stamp.cards,
        size=output.stat().st_size,
        changes=ChangeReport(unchanged=tuple(stamp.card_ids)),
        warnings=tuple(sorted(stamp.warnings, key=Problem.sort_key)),
        lock_path=lock_path,
        written=False,
        up_to_date=True,
    )


def _still_holds(stamp: Stamp, inputs: str, output: Path, hashes: Hashes) -> bool:
    """The stamp is of these inputs, and the package it stamped is still there, unchanged."""
    return (
        stamp.inputs == inputs
        and all(hashes(text) == digest for text, digest in stamp.texts)
        and file_hash(output) == stamp.package
    )


def _write(
    the_plan: Plan,
    deck: DeckInfo,
    output: Path,
    lock_path: Path,
    old_lock: Callable[[], str],
    meanwhile: Callable[[], bool],
) -> tuple[int, str, bool]:
    """The package's size, the SHA-256 of the lock (written unless it is what `old_lock`
    gives), and what `meanwhile` returned (run while the package is written)."""
    from quotedeck.output.package import write_package_into  # genanki loads only when a package is written

    def package(path: Path, collection: Path) -> None:
        write_package_into(path, collection, the_plan, deck)

    return write_with_lock(package, output, lock_path, the_plan.write_lock, old_lock, meanwhile)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A build makes millions of objects that live until it ends and form no
    # cycles; the cyclic collector would scan them again and again (half the
    # time of a large build) for nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
