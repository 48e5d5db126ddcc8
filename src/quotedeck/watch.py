"""Wait for the curator to save a source file (for `build --watch`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles

from quotedeck.state.lock import LOCK_FILE


def _is_source(change: watchfiles.Change, path: str) -> bool:
    # The build writes the lock itself; reacting to it would rebuild forever.
    name = Path(path).name
    return name != LOCK_FILE and not name.startswith(".") and name.endswith((".yaml", ".txt"))


def source_changes(source: Path, stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """Yield the changed source files after each save, until `stop` is set."""
    for changes in watchfiles.watch(source, watch_filter=_is_source, stop_event=stop, debounce=300):
        yield {Path(path) for _change, path in changes}
