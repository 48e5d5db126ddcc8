"""`build --watch` rebuilds on every save and survives a broken one."""

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.sources import write_source


def _reader(stream: object, lines: "queue.Queue[str]") -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line.rstrip("\n"))


def _wait_for(lines: "queue.Queue[str]", text: str, seen: list[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"never saw {text!r}; output was:\n" + "\n".join(seen))


def test_watch_rebuilds_after_each_save(tmp_path: Path) -> None:
    source = write_source(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "quotedeck", "build", "--watch"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        _wait_for(lines, "Watching cards_source", seen)
        assert "Changes: 2 added, 0 updated, 0 unchanged, 0 removed" in seen
        time.sleep(1.0)  # the watcher starts just after it says so
        cards = source / "sample.yaml"
        cards.write_text(cards.read_text().replace("A new force.", "A new force, from above."))
        _wait_for(lines, "Changes: 0 added, 1 updated, 1 unchanged, 0 removed", seen)
        cards.write_text(cards.read_text().replace('quote: "The Light', 'quote: "The Lamp'))
        _wait_for(lines, "error: the quote differs from the text: it has `Lamp` where the text has `Light`", seen)
        _wait_for(lines, "nothing was written", seen)
        assert process.poll() is None, "a broken save must not stop the watch"
    finally:
        # SIGTERM, not SIGINT: a shell running the suite in the background
        # starts its children with SIGINT ignored.
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
