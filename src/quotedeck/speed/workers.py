"""One card file parsed and verified: the unit a build caches, and spreads over the cores.

Card files are independent of each other, and checking them is nearly all of
a cold build's time. When there is much to check and more than one core, the
files are checked in forked worker processes: they inherit what they check
against instead of receiving copies, start before the build has read the lock
(see cache.Loading), and send each file's result back pickled, which is also
the form the build cache stores.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quotedeck.model import DeckInfo, Sources
from quotedeck.notes.note import NoteSpec
from quotedeck.problems import Location, Problem
from quotedeck.sources.parse import parse_card_file
from quotedeck.speed.hashing import Hashes
from quotedeck.state.lock import Lock, assign_ordinals
from quotedeck.verify.cards import verify
from quotedeck.verify.texts import SourceText

# Below this many bytes of card files to check, starting workers costs more than it saves.
PARALLEL_FROM = 1 << 20


@dataclass(frozen=True)
class FileResult:
    """What one card file's cards gave, and what that depended on besides the file."""

    ids: tuple[tuple[str, Location], ...]  # each card's id, where it is set (ids must be unique across files)
    notes: tuple[NoteSpec, ...]
    parse_problems: tuple[Problem, ...]
    verify_problems: tuple[Problem, ...]
    texts: tuple[tuple[Path, str], ...]  # the texts its quotes were checked against, with their hashes

    def __reduce__(self) -> tuple[object, ...]:
        # A named tuple pickles through a Python call of its own, and a card has three (its note
        # and two places): they travel as plain tuples, a third less time, and are named again.
        ids = [(card_id, *where) for card_id, where in self.ids]
        notes = [(*note[:-2], *note.location, note.digest) for note in self.notes]
        return _unpickled, (ids, notes, self.parse_problems, self.verify_problems, self.texts)

    def holds_for(self, lock: Lock) -> bool:
        """Whether `lock` gives the notes the cloze numbers they have (the only use verify makes of it)."""
        for note in self.notes:
            locked = lock.notes.get(note.card_id)
            if locked is not None and all(locked.clozes.get(key) == number for key, number in note.clozes):
                continue  # the usual case, and the lock numbers these phrases as they are
            keys = [key for key, _ in note.clozes]  # in cloze order, which keeps the order new phrases came in
            if assign_ordinals(keys, locked) != dict(note.clozes):
                return False
        return True


def _unpickled(
    ids: list[tuple[str, Path, int, int]],
    notes: list[tuple[Any, ...]],
    parse_problems: tuple[Problem, ...],
    verify_problems: tuple[Problem, ...],
    texts: tuple[tuple[Path, str], ...],
) -> FileResult:
    """FileResult.__reduce__ undone: tuple.__new__ names a tuple without its class's Python __new__."""
    named = tuple.__new__
    return FileResult(
        tuple([(card_id, named(Location, (path, line, column))) for card_id, path, line, column in ids]),
        tuple([named(NoteSpec, (*note[:-4], named(Location, note[-4:-1]), note[-1])) for note in notes]),
        parse_problems,
        verify_problems,
        texts,
    )


def check_file(
    root: Path, path: Path, deck: DeckInfo, lock: Lock, texts: dict[Path, SourceText], hashes: Hashes
) -> FileResult:
    """Parse and verify one card file."""
    cards, parse_problems = parse_card_file(root, path, deck.name)
    cited = sorted({card.source.text_path for card in cards})
    text_hashes = tuple((text, hashes(text)) for text in cited)  # before reading: a later edit shows next time
    notes, verify_problems = verify(Sources(root, deck, tuple(cards)), lock, texts)
    return FileResult(
        ids=tuple((card.id, card.id_location) for card in cards),
        notes=tuple(notes),
        parse_problems=tuple(parse_problems),
        verify_problems=tuple(verify_problems),
        texts=text_hashes,
    )


@dataclass(frozen=True)
class Checked:
    """A card file's result, and the same pickled when a worker made it (the cache stores that)."""

    result: FileResult
    pickled: bytes | None = None


class Checking:
    """Card files being checked, in their order: by worker processes that start at once, where
    there is much to check and more than one core (`jobs` caps them), or here, one by one.

    Workers check against the lock they are started with. Files checked here use
    the lock given to `results`, so that a build can start its workers before it
    has read the lock (see FileResult.holds_for).
    """

    def __init__(
        self, root: Path, paths: list[Path], deck: DeckInfo, lock: Lock, hashes: Hashes, jobs: int | None = None
    ) -> None:
        self.root, self.paths, self.deck, self.hashes = root, paths, deck, hashes
        self._pool: ProcessPoolExecutor | None = None
        self._pickles: Iterator[bytes] = iter(())
        workers = worker_count(paths, jobs)
        if workers > 1:
            context = multiprocessing.get_context("fork")
            pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(root, deck, lock))
            try:
                self._pickles = pool.map(_check_in_worker, paths)  # every file is handed out, the workers start
                self._pool = pool
            except OSError:  # no worker to be had (too many processes, say): the files are checked here
                pool.shutdown(cancel_futures=True)

    def results(self, lock: Lock) -> Iterator[Checked]:
        if self._pool is None:
            texts: dict[Path, SourceText] = {}
            for path in self.paths:
                yield Checked(check_file(self.root, path, self.deck, lock, texts, self.hashes))
            return
        for pickled in self._pickles:
            yield Checked(pickle.loads(pickled), pickled)

    def close(self) -> None:
        """Stop the workers; the files not yet begun are left unchecked (also on Ctrl-C, or an error)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Checking:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def worker_count(paths: list[Path], jobs: int | None) -> int:
    """How many processes check `paths`: 1 means the build's own, and no workers."""
    if len(paths) < 2 or sys.platform != "linux":  # forking is safe to rely on only on Linux
        return 1
    cores = len(os.sched_getaffinity(0))
    if jobs is None:
        jobs = cores if sum(_size(path) for path in paths) >= PARALLEL_FROM else 1
    return min(jobs, len(paths))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was listed: checking it will say so
        return 0


@dataclass
class _Worker:
    """What a worker process checks every file against; it lives as long as the process."""

    root: Path
    deck: DeckInfo
    lock: Lock
    texts: dict[Path, SourceText]
    hashes: Hashes


_worker: _Worker | None = None  # set only inside a worker process, once, when it starts


def _start_worker(root: Path, deck: DeckInfo, lock: Lock) -> None:
    global _worker
    # Ctrl-C reaches every process of the terminal's group: the build itself stops the
    # workers, and their own tracebacks would only bury its message.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = _Worker(root, deck, lock, {}, Hashes())


def _check_in_worker(path: Path) -> bytes:
    state = _worker
    if state is None:  # pragma: no cover - the pool starts every worker with _start_worker
        raise RuntimeError("a card file worker was not started")
    result = check_file(state.root, path, state.deck, state.lock, state.texts, state.hashes)
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
