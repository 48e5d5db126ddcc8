"""Card files checked, and their notes made, in worker processes, one per core, when there is much to check.

Card files are independent of each other, and checking them and making their
notes is nearly all of a cold build's time. Workers are forked, so they start
with what they work from (the lock's numbers among it) instead of receiving
copies, and send each result back encoded (the form the caches store). A
worker dies with the build that started it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from quotedeck.pipeline import Numbering, check_and_note
from quotedeck.speed.encoding import encode
from quotedeck.speed.extracted import remembered_extract
from quotedeck.verify.texts import SourceText, TextShelf

# Below this many bytes of card files to check, starting workers costs more than it saves.
PARALLEL_FROM = 1 << 20
_PR_SET_PDEATHSIG = 1  # prctl(2)


def worker_count(paths: list[Path], jobs: int | None) -> int:
    """How many processes check `paths`: 1 means the build's own, and no workers."""
    if len(paths) < 2 or sys.platform != "linux":  # forking is safe to rely on only on Linux
        return 1
    cores = len(os.sched_getaffinity(0))
    if jobs is None:
        jobs = cores if sum(_size(path) for path in paths) >= PARALLEL_FROM else 1
    return min(jobs, len(paths))


def check_encoded(
    root: Path, path: Path, deck_name: str, numbering: Numbering | None, texts: dict[Path, SourceText]
) -> tuple[bytes, bytes]:
    """One card file checked and its notes made, encoded: its summary (the cache entry), and its notes."""
    noted = check_and_note(root, path, deck_name, numbering, texts, remembered_extract)
    return encode(noted.summary), encode(noted.notes)


@contextmanager
def checked_in_workers(
    root: Path, paths: list[Path], deck_name: str, numbering: Numbering | None, workers: int
) -> Iterator[Iterator[tuple[bytes, bytes]] | None]:
    """What check_encoded gives for each card file, in order, from `workers` processes, or None
    when no worker is to be had (too many processes, say). The files not yet begun when the
    block ends (Ctrl-C, an error) are left unchecked."""
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(root, deck_name, numbering))
    try:
        try:
            results = pool.map(_check, paths)  # every file is handed out, the workers start
        except OSError:
            results = None
        yield results
    finally:
        pool.shutdown(cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was listed: checking it will say so
        return 0


@dataclass
class _Worker:
    """What a worker process checks every file against; it lives as long as the process."""

    root: Path
    deck_name: str
    numbering: Numbering | None
    texts: dict[Path, SourceText]


_worker: _Worker | None = None  # set only inside a worker process, once, when it starts


def _start_worker(root: Path, deck_name: str, numbering: Numbering | None) -> None:
    global _worker
    # Ctrl-C reaches every process of the terminal's group: the build itself stops the
    # workers, and their own tracebacks would only bury its message.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A build killed outright (SIGKILL) cannot stop its workers: the kernel does.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    _worker = _Worker(root, deck_name, numbering, TextShelf())


def _check(path: Path) -> tuple[bytes, bytes]:
    state = _worker
    if state is None:  # pragma: no cover - the pool starts every worker with _start_worker
        raise RuntimeError("a card file worker was not started")
    return check_encoded(state.root, path, state.deck_name, state.numbering, state.texts)
