"""A step in a forked child: its result or its exception arrives as if it had run here."""

import os
import sys
import time

import pytest

from quotedeck.speed.forking import Forked, forked

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="steps run in place elsewhere")


def test_the_step_runs_in_another_process_and_its_result_comes_back() -> None:
    child_pid, said = Forked(lambda: (os.getpid(), "done")).result()
    assert (child_pid != os.getpid(), said) == (True, "done")


def fail() -> None:
    raise ValueError("no space left")


def test_the_step_s_exception_is_raised_here() -> None:
    with pytest.raises(ValueError, match="no space left"):
        Forked(fail).result()


class Unpicklable(Exception):
    def __init__(self, handle: object) -> None:
        super().__init__(handle)
        self.handle = handle

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("cannot pickle")


def raise_unpicklable() -> None:
    raise Unpicklable("a handle")


def test_an_exception_that_cannot_travel_arrives_as_its_description() -> None:
    with pytest.raises(RuntimeError, match="Unpicklable"):
        Forked(raise_unpicklable).result()


def test_a_failing_block_stops_the_child_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(KeyError), forked(lambda: time.sleep(60)) as child:
        pid = child._pid
        raise KeyError("the lock could not be written")
    assert time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind


def test_without_a_child_the_step_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert Forked(os.getpid).result() == os.getpid()
