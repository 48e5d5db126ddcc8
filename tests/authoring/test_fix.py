"""`quotedeck fix`: near-miss quotes get the text's words, cards get their ids written out,
and every other byte of the card file stays as it was."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from quotedeck.authoring.yaml_quoting import double_quoted, plain
from quotedeck.cli import main
from quotedeck.sources.yamlnodes import MappingNode, ScalarNode, SequenceNode, load_yaml
from quotedeck.verify.quotes import QuoteMatch, find_quote
from quotedeck.verify.texts import parse_text
from tests.authoring.test_find import TEXT
from tests.support.checking import run
from tests.support.sources import write_source

HEAD = "source:\n  text: texts/hearts.txt\n  title: A Small Book of Hearts\ncards:\n"

# Comments, flow lists, a flow card, `|` and `>` scalars, an ellipsis, non-ASCII, a BOM and CRLF.
BEFORE = (
    "\ufeff# Cards about hearts — é\n"
    + HEAD
    + """\
  - term: the innermost point   # the place
    definition: Where the Creator is found.
    quote: 'That point is the innermost point, where the Creator is hidden.'
    cloze: [innermost point]

  - question: What does the Light give?
    answer: A new force.
    quote: |
      When the desire understands its own nature, it asks for the opposite
      transformation, and the Light gives it a new power to rise above itself.
    cloze: [opposite transformation]   # a flow list
    id: light-gives

  - {term: bottom, definition: "Of the heart.", quote: "It’s called the bottom of the hart."}

  - question: Where does the answer come from?
    answer: From above.
    quote: >
      A person asks the Light to change him …
      the Light answerss “from above”
    cloze: from above
"""
)

AFTER = (
    "\ufeff# Cards about hearts — é\n"
    + HEAD
    + """\
  - term: the innermost point   # the place
    id: the-innermost-point
    definition: Where the Creator is found.
    quote: 'That point is the innermost point, where the Creator is found.'
    cloze: [innermost point]

  - question: What does the Light give?
    answer: A new force.
    quote: |
      When the desire understands its own nature, it asks for the opposite
      transformation, and the Light gives it a new force to rise above itself.
    cloze: [opposite transformation]   # a flow list
    id: light-gives

  - {term: bottom, id: bottom, definition: "Of the heart.", quote: "It’s called the bottom of the heart."}

  - question: Where does the answer come from?
    id: where-does-the-answer-come-from
    answer: From above.
    quote: >
      A person asks the Light to change him … the Light answers “from above”
    cloze: from above
"""
)


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    source = write_source(tmp_path, HEAD + "  - term: x\n", {"hearts.txt": TEXT})
    (source / "sample.yaml").write_bytes(crlf(BEFORE))
    return source


def test_fix_rewrites_only_the_quotes_and_ids(deck: Path) -> None:
    code, out, err = run("fix")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "cards_source/sample.yaml:6:5: id added: `id: the-innermost-point`",
        "cards_source/sample.yaml:8:12: quote fixed: it has `hidden.` where the text has `found.` "
        "(paragraph 2, 92% similar)",
        "cards_source/sample.yaml:13:12: quote fixed: it has `power` where the text has `force` "
        "(paragraph 4, 97% similar)",
        "cards_source/sample.yaml:19:6: id added: `id: bottom`",
        "cards_source/sample.yaml:19:56: quote fixed: it has `hart.` where the text has `heart.` "
        "(paragraph 2, 97% similar)",
        "cards_source/sample.yaml:21:5: id added: `id: where-does-the-answer-come-from`",
        "cards_source/sample.yaml:23:12: quote fixed: it has `answerss` where the text has `answers` "
        "(paragraph 3, 96% similar)",
        "Fixed 4 quotes and 3 ids in 1 file",
        "OK: 4 notes, 4 cards in cards_source, every quote found",
    ]
    assert (deck / "sample.yaml").read_bytes() == crlf(AFTER)
    assert run("fix") == (0, "Fixed 0 quotes and 0 ids in 0 files\n" + out.splitlines()[-1] + "\n", "")


def test_dry_run_shows_a_diff_and_writes_nothing(deck: Path) -> None:
    (deck / "sample.yaml").write_text(
        HEAD + "  - term: the innermost point\n    definition: Where.\n"
        "    quote: That point is the innermost point, where the Creator is hidden.\n",
        encoding="utf-8",
    )
    before = (deck / "sample.yaml").read_bytes()
    code, out, err = run("fix", "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "--- cards_source/sample.yaml",
        "+++ cards_source/sample.yaml",
        "@@ -3,5 +3,6 @@",
        "   title: A Small Book of Hearts",
        " cards:",
        "   - term: the innermost point",
        "+    id: the-innermost-point",
        "     definition: Where.",
        "-    quote: That point is the innermost point, where the Creator is hidden.",
        "+    quote: That point is the innermost point, where the Creator is found.",
        "cards_source/sample.yaml:5:5: id added: `id: the-innermost-point`",
        "cards_source/sample.yaml:7:12: quote fixed: it has `hidden.` where the text has `found.` "
        "(paragraph 2, 92% similar)",
        "Would fix 1 quote and 1 id in 1 file; nothing was written",
    ]
    assert (deck / "sample.yaml").read_bytes() == before


def test_what_it_cannot_fix_is_reported_as_check_does(deck: Path) -> None:
    (deck / "sample.yaml").write_text(
        HEAD + "  - term: innermost point\n    definition: Where.\n    id: point\n"
        "    quote: That point is the innermost point, where the Creator is hidden.\n"
        "  - term: nothing\n    definition: Not there.\n    id: nothing\n"
        "    quote: Nothing like this is anywhere in the text at all.\n",
        encoding="utf-8",
    )
    code, out, err = run("fix")
    assert code == 1
    assert out.splitlines()[-1] == "Fixed 1 quote and 0 ids in 1 file"
    check = run("check")
    assert check[0] == 1
    assert err.splitlines()[:-1] == check[2].splitlines()[:-1]
    assert err.splitlines()[-1] == "1 error(s) left to fix by hand"
    assert err.startswith("cards_source/sample.yaml:12:12: error: the quote is not in the text")


def test_two_passages_alike_are_not_chosen_between(deck: Path) -> None:
    twins = "The cat sat on the red mat today. The cat sat on the red hat today.\n"
    (deck / "texts" / "hearts.txt").write_text(twins, encoding="utf-8")
    card = (
        HEAD + "  - term: cat\n    definition: An animal.\n    id: cat\n    quote: The cat sat on the red bat today.\n"
    )
    (deck / "sample.yaml").write_text(card, encoding="utf-8")
    code, out, err = run("fix")
    assert code == 1
    assert out.splitlines()[0] == "Fixed 0 quotes and 0 ids in 0 files"
    assert "cards_source/sample.yaml:8:35: error: the quote differs from the text" in err
    assert (deck / "sample.yaml").read_text(encoding="utf-8") == card


# Hypothesis: whatever a curator half remembers, `fix` leaves a quote that verifies, or `check` reports it.

WORDS = ["light", "heart", "point", "force", "above", "desire", "nature", "the", "a", "of", "Creator", "asks"]
STYLES = ["plain", "double", "single", "literal", "folded"]


def _written(quote: str, style: str) -> str:
    if style == "double":
        return double_quoted(quote)
    if style == "single":
        return "'" + quote.replace("'", "''") + "'"
    if style in ("literal", "folded"):
        return ("|" if style == "literal" else ">") + "\n      " + quote
    return quote


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(0, 40),
    length=st.integers(3, 14),
    edits=st.lists(st.tuples(st.sampled_from(["swap", "drop", "typo", "add"]), st.integers(0, 100)), max_size=3),
    replacement=st.sampled_from(WORDS),
    style=st.sampled_from(STYLES),
)
def test_fixed_quotes_verify_or_are_reported(
    start: int, length: int, edits: list[tuple[str, int]], replacement: str, style: str
) -> None:
    words = " ".join(TEXT.split("\n\n", 1)[1].split()).split(" ")
    quote_words = words[start : start + length]
    for kind, where in edits:
        i = where % len(quote_words)
        if kind == "swap":
            quote_words[i] = replacement
        elif kind == "drop" and len(quote_words) > 1:
            del quote_words[i]
        elif kind == "typo":
            quote_words[i] = quote_words[i] + "s"
        else:
            quote_words.insert(i, replacement)
    quote = " ".join(quote_words)
    if style == "plain" and plain(quote) is None:  # a curator would have had a YAML error to fix first
        style = "double"
    with tempfile.TemporaryDirectory() as folder:
        source = write_source(Path(folder), HEAD + "  - term: x\n", {"hearts.txt": TEXT})
        path = source / "sample.yaml"
        head = HEAD + "  # before\n  - question: What?\n    answer: This.\n"
        tail = "\n    cloze: '?'\n  # after\n"
        path.write_text(head + f"    quote: {_written(quote, style)}" + tail, encoding="utf-8")
        runner = CliRunner()
        fixed = runner.invoke(main, ["fix", str(source)])
        assert fixed.exception is None or isinstance(fixed.exception, SystemExit)
        after = path.read_text(encoding="utf-8")
        # Only the quote and the id changed: the card's other lines and the comments are as they were.
        assert after.startswith(head.replace("  - question: What?\n", "  - question: What?\n    id: what\n"))
        assert after.endswith(tail)
        node = load_yaml(path)
        assert isinstance(node, MappingNode)
        cards = node.value[1][1]
        assert isinstance(cards, SequenceNode) and isinstance(cards.value[0], MappingNode)
        quote_node = next(v for k, v in cards.value[0].value if k.value == "quote")
        begin, end = quote_node.start_mark, quote_node.end_mark
        assert isinstance(quote_node, ScalarNode) and begin is not None and end is not None
        verified = isinstance(find_quote(quote_node.value, parse_text(path, TEXT)), QuoteMatch)
        check = runner.invoke(main, ["check", str(source)])
        # Reported in the quote: at its start, or at a word it differs in.
        errors = re.findall(rf"^{re.escape(os.path.relpath(path))}:(\d+):(\d+): error:", check.stderr, re.MULTILINE)
        inside = [(int(line), int(column)) for line, column in errors]
        quoted = any((begin.line + 1, begin.column + 1) <= at < (end.line + 1, end.column + 1) for at in inside)
        assert verified or quoted, (quote, after, check.stderr)


def test_every_difference_fixed_is_named_and_a_dry_run_leaves_none_to_fix_by_hand(deck: Path) -> None:
    (deck / "sample.yaml").write_text(
        HEAD + "  - term: the innermost point\n    definition: Where.\n    id: point\n"
        "    quote: That spot is the innermost point,\n      where the Creator is hidden.\n",
        encoding="utf-8",
    )
    code, out, err = run("fix", "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "cards_source/sample.yaml:8:12: quote fixed: it has `spot` where the text has `point`; "
        "it has `hidden.` where the text has `found.` (paragraph 2, 90% similar)",
        "Would fix 1 quote and 0 ids in 1 file; nothing was written",
    ]
