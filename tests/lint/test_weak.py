"""The lint for weak cards: warnings in check and build, errors with --strict."""

from pathlib import Path

import pytest

from quotedeck.lint.weak import MAX_QUOTE_WORDS, gives_away
from tests.support.checking import HEAD, run
from tests.support.sources import TEXT, write_source

pytestmark = pytest.mark.usefixtures("in_tmp")

QUOTE = '"That point is the innermost point, where the Creator is found."'
OK = "OK: 1 notes, 1 cards in cards_source, every quote found\n"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def check(tmp_path: Path, cards: str, texts: dict[str, str] | None = None) -> tuple[int, str, str]:
    write_source(tmp_path, HEAD + cards, texts or {"sample.txt": TEXT})
    return run("check", "cards_source")


def test_a_definition_that_holds_the_term(tmp_path: Path) -> None:
    cards = f"  - term: the innermost point\n    definition: The Innermost Point of the heart.\n    quote: {QUOTE}\n"
    assert check(tmp_path, cards) == (
        0,
        OK,
        "cards_source/sample.yaml:6:17: warning: the definition contains the hidden phrase `the innermost point`, "
        "and shows it on the front\n"
        "    hint: reword the definition without `the innermost point`, or hide other words\n",
    )


def test_a_question_that_nearly_holds_its_phrase(tmp_path: Path) -> None:
    cards = (
        "  - question: Where is the Creator's innermost points?\n    answer: x\n"
        f"    quote: {QUOTE}\n    cloze: innermost point\n"
    )
    code, _, err = check(tmp_path, cards)
    assert (code, err.splitlines()[0]) == (
        0,
        "cards_source/sample.yaml:5:15: warning: the question nearly contains the hidden phrase `innermost point`, "
        "and shows it on the front",
    )


def test_what_the_quote_shows_besides_the_phrase_counts_too(tmp_path: Path) -> None:
    text = TEXT + "\nThe innermost points are many; one innermost point is enough.\n"
    cards = (
        "  - term: innermost point\n    definition: x\n"
        '    quote: "The innermost points are many; one innermost point is enough."\n'
    )
    _, _, err = check(tmp_path, cards, {"sample.txt": text})
    assert err.splitlines()[0] == (
        "cards_source/sample.yaml:7:12: warning: the quote nearly contains the hidden phrase `innermost point`, "
        "and shows it on the front"
    )


@pytest.mark.parametrize(
    ("phrase", "text", "given"),
    [
        ("innermost point", "the INNERMOST  point", True),
        ("innermost point", "the innermost poínt", True),  # nearly
        ("man", "the human heart", False),  # a short phrase only as a whole word
        ("man", "a man's heart", True),
        ("software patents", "patents on software", False),
    ],
)
def test_gives_away(phrase: str, text: str, given: bool) -> None:
    assert gives_away(phrase, text) is given


def test_a_hint_that_is_its_phrase(tmp_path: Path) -> None:
    cards = (
        "  - question: Where?\n    answer: x\n"
        f"    quote: {QUOTE}\n    cloze: {{phrase: innermost point, hint: Innermost Point}}\n"
    )
    assert check(tmp_path, cards) == (
        0,
        OK,
        "cards_source/sample.yaml:8:21: warning: the hint `Innermost Point` is the phrase it hides\n"
        "    hint: hint at the meaning, not the words\n",
    )


@pytest.mark.parametrize(("hint", "side"), [("where the Creator", "after"), ("That point is", "before")])
def test_a_hint_that_repeats_the_words_around_its_phrase(tmp_path: Path, hint: str, side: str) -> None:
    cards = (
        "  - question: Where?\n    answer: x\n"
        f"    quote: {QUOTE}\n    cloze: {{phrase: the innermost point, hint: {hint}}}\n"
    )
    assert check(tmp_path, cards) == (
        0,
        OK,
        f"cards_source/sample.yaml:8:21: warning: the hint `{hint}` repeats the words {side} the phrase, "
        "which the card shows already\n"
        "    hint: hint at what is hidden: its meaning, its first letter, its number of words\n",
    )


def test_a_good_hint_is_quiet(tmp_path: Path) -> None:
    cards = (
        "  - question: Where?\n    answer: x\n"
        f"    quote: {QUOTE}\n    cloze: {{phrase: the innermost point, hint: deepest place}}\n"
    )
    assert check(tmp_path, cards) == (0, OK, "")


def test_a_quote_longer_than_a_phone_screen(tmp_path: Path) -> None:
    words = [f"w{n}" for n in range(MAX_QUOTE_WORDS + 1)]
    text = TEXT + "\n" + " ".join(words) + "\n"
    cards = f"  - term: w7\n    definition: x\n    quote: {' '.join(words)}\n"
    assert check(tmp_path, cards, {"sample.txt": text}) == (
        0,
        OK,
        f"cards_source/sample.yaml:7:12: warning: the quote has {MAX_QUOTE_WORDS + 1} words; "
        f"a phone shows about {MAX_QUOTE_WORDS} without scrolling\n"
        "    hint: quote less (an ellipsis `…` leaves out the middle), or split it into two cards\n",
    )
    shorter = f"  - term: w7\n    definition: x\n    quote: {' '.join(words[:-1])}\n"
    assert check(tmp_path, shorter, {"sample.txt": text})[2] == ""


def test_two_cards_hiding_the_same_phrase_of_the_same_quote(tmp_path: Path) -> None:
    cards = {
        "a.yaml": HEAD + f"  - term: the innermost point\n    definition: x\n    quote: {QUOTE}\n",
        "b.yaml": HEAD
        + f"  - question: Where?\n    answer: x\n    quote: {QUOTE.lower()}\n    cloze: [The Innermost Point]\n",
    }
    text = TEXT + "\nthat point is the innermost point, where the creator is found.\n"
    write_source(tmp_path, cards, {"sample.txt": text})
    assert run("check", "cards_source") == (
        0,
        "OK: 2 notes, 2 cards in cards_source, every quote found\n",
        "cards_source/b.yaml:8:13: warning: card `where` hides `The Innermost Point` in the same quote as card "
        "`the-innermost-point` (a.yaml:5)\n"
        "    hint: the two cards ask the same thing: remove one, or hide another phrase\n",
    )


def test_strict_makes_warnings_errors_and_writes_nothing(tmp_path: Path) -> None:
    cards = f"  - term: the innermost point\n    definition: the innermost point\n    quote: {QUOTE}\n"
    write_source(tmp_path, HEAD + cards)
    expected = (
        1,
        "",
        "cards_source/sample.yaml:6:17: error: the definition contains the hidden phrase `the innermost point`, "
        "and shows it on the front\n"
        "    hint: reword the definition without `the innermost point`, or hide other words\n"
        "1 error(s); nothing was written\n",
    )
    assert run("check", "--strict", "cards_source") == expected
    assert run("build", "--strict", "cards_source") == expected
    assert not (tmp_path / "build").exists()
    assert run("build", "cards_source")[0] == 0
    # A build of the very same inputs skips its work, but not the warnings --strict refuses.
    assert run("build", "--strict", "cards_source") == expected


def test_the_shipped_deck_has_no_weak_cards() -> None:
    deck = Path(__file__).parents[2] / "cards_source"
    code, _, err = run("check", "--strict", str(deck))
    assert (code, err) == (0, ""), err
