"""Hypothesis: whatever words a curator gets wrong, and however the quote is written (plain,
quoted, a block, over several lines), each difference is reported at the word it names."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from quotedeck.authoring.yaml_quoting import double_quoted, plain
from quotedeck.verify.texts import normalize
from tests.support.checking import HEAD, run
from tests.support.sources import TEXT, write_source

WORDS = " ".join(TEXT.split()).split(" ")
STYLES = ["plain", "double", "single", "literal", "folded"]
REPORTED = re.compile(r"^(.+?):(\d+):(\d+): error: .*?it has `([^`]*)` where the text has", re.MULTILINE)


def _written(words: list[str], breaks: list[int], style: str) -> str:
    """The quote's words, a line break before each word in `breaks`, in `style`."""
    lines, line = [], []
    for i, word in enumerate(words):
        if i in breaks and line:
            lines.append(" ".join(line))
            line = []
        line.append(word)
    lines.append(" ".join(line))
    if style == "double":
        return double_quoted(" ".join(words)).replace(" ", "\n      ", len(lines) - 1)
    if style == "single":
        return "'" + "\n      ".join(lines).replace("'", "''") + "'"
    if style in ("literal", "folded"):
        return ("|" if style == "literal" else ">") + "".join("\n      " + text for text in lines)
    return "\n      ".join(lines)


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(0, len(WORDS) - 4),
    length=st.integers(4, 30),
    wrong=st.lists(st.tuples(st.sampled_from(["swap", "typo", "drop", "add"]), st.integers(0, 100)), max_size=6),
    breaks=st.lists(st.integers(1, 30), max_size=4),
    style=st.sampled_from(STYLES),
)
def test_each_difference_is_reported_at_its_word(
    start: int, length: int, wrong: list[tuple[str, int]], breaks: list[int], style: str
) -> None:
    words = WORDS[start : start + length]
    for kind, where in wrong:
        i = where % len(words)
        if kind == "swap":
            words[i] = "lamp"
        elif kind == "typo":
            words[i] += "x"
        elif kind == "drop" and len(words) > 2:
            del words[i]
        else:
            words.insert(i, "lamp")
    if style == "plain" and plain(" ".join(words)) is None:  # a curator would have had a YAML error to fix first
        style = "double"
    with tempfile.TemporaryDirectory() as folder:
        card = f"  - term: x\n    definition: y\n    quote: {_written(words, breaks, style)}\n    cloze: '?'\n"
        source = write_source(Path(folder), HEAD + card, {"sample.txt": TEXT})
        written = (source / "sample.yaml").read_text(encoding="utf-8").split("\n")
        _, _, err = run("check", str(source))
        for path, line, column, has in REPORTED.findall(err):
            assert os.path.samefile(path, source / "sample.yaml")
            at = written[int(line) - 1][int(column) - 1 :]
            if at.startswith(("'", '"', "|", ">")):  # the quote's start: where a word's place is unsure
                continue
            token = at.split()[0].replace("''", "'").replace('\\"', '"')
            assert normalize(token).startswith(has.split(" ")[0]), (err, written)
