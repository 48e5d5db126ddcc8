"""Huge and hostile inputs either work or fail with a clear error: never a hang, never gigabytes.

No timeouts: each test simply has to finish (the suite would hang otherwise),
and the slow ones measure memory in a child process of their own.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quotedeck.errors import SourceProblems
from quotedeck.pipeline import check
from quotedeck.verify.quotes import QuoteMiss, find_quote
from quotedeck.verify.texts import parse_text
from tests.support.checking import HEAD
from tests.support.sources import write_source

FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. "
FOUND = "That point is the innermost point, where the Creator is found."


def _child(script: str, cwd: Path) -> dict[str, object]:
    """Run `script` in a fresh interpreter; it prints JSON. Adds its peak memory in MB."""
    measured = textwrap.dedent(script) + textwrap.dedent("""
        import resource
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps(result))
    """)
    done = subprocess.run([sys.executable, "-c", measured], cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _sentence(number: int) -> str:
    return f"Sentence {number} says lorem ipsum dolor sit amet, consectetur adipiscing elit. "


def test_a_50_mb_text_is_read_and_searched_in_bounded_memory(tmp_path: Path) -> None:
    long_quote = "".join(_sentence(n) for n in range(500, 520)).strip()  # 1,500 characters
    long_typo = long_quote.replace("510 says lorem", "510 says lorme")
    source = write_source(
        tmp_path,
        cards=HEAD
        + f"""\
          - term: the innermost point
            definition: x
            quote: "{FOUND}"
          - question: What does sentence 510 say?
            answer: Latin.
            quote: "{long_typo}"
            cloze: Sentence 510
        """,
        texts={},
    )
    with open(source / "texts" / "sample.txt", "w", encoding="utf-8") as handle:
        for paragraph in range(700):  # paragraphs of 1,000 sentences, 75 KB each
            handle.write("".join(_sentence(n) for n in range(paragraph * 1000, paragraph * 1000 + 1000)) + "\n\n")
        handle.write(FOUND + "\n")
    assert (source / "texts" / "sample.txt").stat().st_size > 50 * 2**20
    result = _child(
        """
        import json
        from pathlib import Path
        from quotedeck.pipeline import check
        from quotedeck.errors import SourceProblems
        try:
            check(Path("cards_source"))
            result = {"problems": []}
        except SourceProblems as exc:
            result = {"problems": [(p.location.line, p.message) for p in exc.problems]}
        """,
        tmp_path,
    )
    assert result["problems"] == [
        [
            10,
            "the quote differs from the text: it has `lorme` where the text has `lorem` (texts/sample.txt)",
        ]
    ]
    assert isinstance(result["peak_mb"], int) and result["peak_mb"] < 600, result


def test_a_100k_line_card_file_is_checked(tmp_path: Path) -> None:
    cards = [HEAD]
    for number in range(25_000):  # four lines a card
        cards.append(f"  - term: innermost\n    id: card-{number}\n    definition: x\n    quote: {FOUND}\n")
    source = write_source(tmp_path, cards="".join(cards))
    assert len((source / "sample.yaml").read_text().splitlines()) == 100_004
    checked = check(source, now=1_700_000_000)
    _, plan, problems = checked.deck, checked.plan, list(checked.warnings)
    # Every card but the first asks what the first asks: the lint says so, and nothing else.
    assert len(plan.notes) == 25_000
    assert [p.message for p in problems if "in the same quote as card `card-0`" not in p.message] == []
    assert len(problems) == 24_999


def test_a_100k_line_card_file_with_a_mistake_at_the_end(tmp_path: Path) -> None:
    cards = [HEAD] + [
        f"  - term: innermost\n    id: card-{n}\n    definition: x\n    quote: {FOUND}\n" for n in range(25_000)
    ]
    source = write_source(tmp_path, cards="".join(cards) + "  - term: x\n    defintion: y\n")
    with pytest.raises(SourceProblems) as raised:
        check(source)
    assert [(p.location.line, p.message) for p in raised.value.problems if p.is_error] == [
        (100_005, "missing key `quote`"),  # `definition` is there, misspelt
        (100_006, "unknown key `defintion`"),
    ]


def test_a_card_file_too_big_to_be_hand_written_is_refused(tmp_path: Path) -> None:
    source = write_source(tmp_path, cards={})
    with open(source / "huge.yaml", "wb") as handle:
        handle.truncate(17 * 2**20)
    with pytest.raises(SourceProblems) as raised:
        check(source)
    assert [(p.message, p.hint) for p in raised.value.problems] == [
        ("the file is 17 MB; quotedeck reads files up to 16 MB", "split it into several files")
    ]


def test_very_many_values_are_refused_before_memory_runs_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("quotedeck.sources.yamlnodes.MAX_VALUES", 1000)
    source = write_source(tmp_path, cards="tags: [" + ", ".join(["t"] * 2000) + "]\n")
    with pytest.raises(SourceProblems) as raised:
        check(source)
    assert [(p.location.line, p.location.column, p.message) for p in raised.value.problems] == [
        (1, len("tags: [") + 997 * len("t, ") + 1, "the file holds more than 1,000 values")
    ]


@pytest.mark.parametrize("length", [100, 5_000, 200_000])
def test_a_long_quote_that_is_not_in_a_big_text_is_explained_quickly(length: int) -> None:
    text = parse_text(Path("big.txt"), FILLER * 60_000)  # 5 MB in one paragraph
    quote = ("Nothing in this sentence is in the text, except that it is long. " * 4_000)[:length]
    miss = find_quote(quote, text)
    assert isinstance(miss, QuoteMiss) and miss.reason == "the quote is not in the text"


def test_an_elided_quote_whose_first_part_is_everywhere(tmp_path: Path) -> None:
    """Every `the` in a 5 MB paragraph is a candidate start; the search stays linear."""
    text = parse_text(Path("big.txt"), "the " * 1_250_000 + "end")
    miss = find_quote("the … missing words", text)
    assert isinstance(miss, QuoteMiss) and miss.reason == "the part `missing words` is not in the text"
    reordered = find_quote("end … the", text)
    assert isinstance(reordered, QuoteMiss) and "another order" in reordered.reason
