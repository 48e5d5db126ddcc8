"""Anki's MathJax in a real headless Chromium: a card side in, what MathJax made of it out.

MathJax comes from npm (`.ci/run` installs it into `.ci/node`; nothing is
downloaded at test time), the configuration from Anki itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.card_text import PARTS
from tests.support.chromium import Tab, chromium, find_chromium

ROOT = Path(__file__).resolve().parents[2]
# The bundle Anki's reviewer loads (ankitects/anki: js/vendor/mathjax/tex-chtml-full.js).
MATHJAX = ROOT / ".ci" / "node" / "node_modules" / "mathjax" / "es5" / "tex-chtml-full.js"

# Anki's MathJax configuration, copied from ankitects/anki ts/mathjax/index.ts
# (AnkiDroid loads the same one). Only the `paths` entry is left out: it points
# into Anki's own web server; here the extensions load beside tex-chtml-full.js.
ANKI_MATHJAX_CONFIG = r"""
window.MathJax = {
    tex: {
        displayMath: [["\\[", "\\]"]],
        processEscapes: false,
        processEnvironments: false,
        processRefs: false,
        packages: {
            "[+]": ["noerrors", "mathtools", "mhchem"],
            "[-]": ["textmacros"],
        },
    },
    loader: {
        load: ["[tex]/noerrors", "[tex]/mathtools", "[tex]/mhchem"],
    },
    startup: {
        typeset: false,
    },
};
"""

# Put a card side in the page, let MathJax typeset it as Anki's reviewer does, and report.
_TYPESET = """(async (side) => {
    await MathJax.startup.promise;
    const qa = document.getElementById("qa");
    qa.innerHTML = side;
    await MathJax.typesetPromise([qa]);
    const texts = {};
    for (const part of %s) {
        const element = qa.querySelector("." + part);
        if (element) texts[part] = element.textContent;
    }
    return {
        typeset: qa.querySelectorAll("mjx-container").length,
        links: qa.querySelectorAll("a[href], [onclick]").length,
        texts: texts,
    };
})(%s)"""


def skip_or_fail(message: str) -> None:
    """Skipped on a developer's machine that lacks a tool; under CI=true that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; under CI=true the MathJax tests must run, not be skipped")
    pytest.skip(message)


@contextmanager
def mathjax_page(workdir: Path) -> Iterator[Tab]:
    """A browser tab with Anki's MathJax loaded and ready."""
    executable = find_chromium()
    if executable is None:
        skip_or_fail("Chromium is not installed: install it with `apt-get install chromium` (or set CHROMIUM=/path)")
    if not MATHJAX.is_file():
        skip_or_fail(f"MathJax is not installed: run `npm install --prefix {ROOT / '.ci' / 'node'} mathjax@3.2.2`")
    assert executable is not None
    page = workdir / "mathjax.html"
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<script>{ANKI_MATHJAX_CONFIG}</script><script src={json.dumps(MATHJAX.as_uri())}></script>"
        '</head><body><div id="qa"></div></body></html>',
        encoding="utf-8",
    )
    with chromium(executable) as tab:
        tab.load(page.as_uri())
        yield tab


def typeset(tab: Tab, side: str) -> dict[str, Any]:
    """How many formulas and links MathJax made of `side`, and each part's text afterwards."""
    result: dict[str, Any] = tab.evaluate(_TYPESET % (json.dumps(list(PARTS)), json.dumps(side)))
    return result
