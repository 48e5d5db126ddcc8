"""A `quotedeck build` in a child process that takes its workers' results slowly, for tests that stop it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def slow_parallel_build(source: Path, folder: Path, pause: float, **popen: Any) -> subprocess.Popen[str]:
    """`quotedeck build -j 2 SOURCE`, its build process pausing `pause` seconds on each card file's
    result (a sitecustomize module in `folder`): the workers are done, and wait, when it is stopped."""
    sitecustomize = folder / "sitecustomize.py"
    folder.mkdir(parents=True)
    sitecustomize.write_text(
        "import time, quotedeck.speed.fast as f\n"
        "decode = f.decode_notes\n"
        "def slow(data):\n"
        f"    time.sleep({pause})\n"
        "    return decode(data)\n"
        "f.decode_notes = slow\n"
    )
    return subprocess.Popen(
        [sys.executable, "-m", "quotedeck", "build", "-j", "2", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])},
        **popen,
    )
