"""Running out of memory on a big text is a located problem, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.checking import HEAD
from tests.support.sources import write_source

MB = 2**20
# The check runs in a child whose address space is capped at what it uses after
# importing quotedeck plus some headroom. The text is 16 MB of 2 million different
# words: reading and normalising it takes a few copies of it; indexing its words
# (it is over 200 KB, so the quote is searched through an index) about 300 MB.
CHILD = """
import resource, sys
from quotedeck.cli import main
with open("/proc/self/statm") as statm:
    used = int(statm.read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (used + {headroom}, used + {headroom}))
main(["check", "cards_source"])
"""
HINT = "    hint: close other programs, or split the text into smaller files"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm and caps RLIMIT_AS")
@pytest.mark.parametrize(
    ("headroom", "expected"),
    [
        (
            200 * MB,
            "cards_source/sample.yaml:7:12: error: there was not enough memory to search the text for the quote"
            " (texts/sample.txt)",
        ),
        (24 * MB, "cards_source/sample.yaml:2:9: error: there was not enough memory to read the text file sample.txt"),
    ],
)
def test_running_out_of_memory_on_a_big_text_is_a_located_problem(tmp_path: Path, headroom: int, expected: str) -> None:
    words = " ".join(f"w{i}" for i in range(2_000_000))
    card = "  - term: t\n    definition: d\n    quote: w5 w6 w7\n"
    write_source(tmp_path, HEAD + card, {"sample.txt": words + ".\n"})
    src = str(Path(__file__).parents[1] / "src")
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(headroom=headroom)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src},
    )
    assert (child.returncode, child.stdout) == (1, ""), child.stderr
    assert child.stderr.splitlines() == [expected, HINT, "1 error(s); nothing was written"]
