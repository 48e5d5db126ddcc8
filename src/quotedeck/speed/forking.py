"""A step run in a forked child process, so that the build goes on beside it on another core.

The child inherits everything (nothing is copied through a pipe but the
outcome), ignores Ctrl-C (the build stops it), and sends back its result or
its exception, which the build receives as if the step had run in place.
Where forking is not to be relied on (anything but Linux), or fails, the step
simply runs in place.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Forked(Generic[T]):
    """A step under way in a child process; `result` waits for it."""

    def __init__(self, step: Callable[[], T]) -> None:
        self._pid = 0
        self._outcome: tuple[bool, object] | None = None
        try:
            if sys.platform != "linux":
                raise OSError("forking is used on Linux only")
            reading, writing = os.pipe()
            pid = os.fork()
        except OSError:  # no child to be had (too many processes, say): the step runs here
            self._outcome = _run(step)
            return
        if pid == 0:  # the child: never returns
            os.close(reading)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(_encoded(_run(step)))
            os._exit(0)  # no atexit handlers, no flushing of the parent's buffers
        os.close(writing)
        self._pid, self._pipe = pid, os.fdopen(reading, "rb")

    def result(self) -> T:
        """The step's return value, or its exception raised here."""
        if self._outcome is None:
            with self._pipe:
                data = self._pipe.read()
            os.waitpid(self._pid, 0)
            self._pid = 0
            self._outcome = pickle.loads(data) if data else (False, RuntimeError("the child process ended silently"))
        succeeded, value = self._outcome
        if not succeeded:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    def stop(self) -> None:
        """End the child now, if it still runs (the build stops without its result)."""
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
            self._pipe.close()


@contextmanager
def forked(step: Callable[[], T]) -> Iterator[Forked[T]]:
    """`step` running in a child process while the block runs; stopped if the block fails."""
    child = Forked(step)
    try:
        yield child
    finally:
        child.stop()


def _run(step: Callable[[], T]) -> tuple[bool, object]:
    try:
        return True, step()
    except BaseException as exc:  # Ctrl-C and the like included: the parent decides
        return False, exc


def _encoded(outcome: tuple[bool, object]) -> bytes:
    try:
        return pickle.dumps(outcome)
    except Exception:  # an exception that does not pickle arrives as its description
        return pickle.dumps((False, RuntimeError(repr(outcome[1]))))
