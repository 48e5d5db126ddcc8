"""`build` shows a progress bar once it has run for a second, on a terminal only."""

import io
import time

import pytest

from quotedeck.cli import LateBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    return now


def test_the_bar_appears_after_a_second_on_a_terminal(clock: list[float]) -> None:
    terminal = Terminal()
    bar = LateBar(terminal)
    bar(1, 4)
    assert terminal.getvalue() == ""
    clock[0] += 1.5
    bar(2, 4)
    bar(4, 4)
    bar.close()
    assert "Building" in terminal.getvalue()
    assert terminal.getvalue().endswith("100%\x1b[?25h\n")


def test_no_bar_when_not_a_terminal(clock: list[float]) -> None:
    pipe = io.StringIO()
    bar = LateBar(pipe)
    clock[0] += 5
    bar(1, 2)
    bar(2, 2)
    bar.close()
    assert pipe.getvalue() == ""


def test_no_bar_for_a_quick_build(clock: list[float]) -> None:
    terminal = Terminal()
    bar = LateBar(terminal)
    bar(1, 2)
    clock[0] += 0.5
    bar(2, 2)
    bar.close()
    assert terminal.getvalue() == ""
