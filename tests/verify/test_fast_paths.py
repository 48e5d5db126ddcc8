"""The fast paths of cloze.py give what the plain versions give."""

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from quotedeck.model import Phrase, PhraseSpans
from quotedeck.problems import Location
from quotedeck.verify.cloze import ASCII_CASE_TWINS, hides_everything, pattern_spans, phrase_spans
from quotedeck.verify.quotes import ELLIPSIS

# Letters, case twins, quote marks, combining marks, word and non-word neighbours, and whitespace.
ALPHABET = "aAbBiIsSkK" + "".join(sorted(ASCII_CASE_TWINS)) + "ßéΣς_1 \t\n\"'“”‘’.,-…\u0301\u05bc"
quotes = st.text(ALPHABET, max_size=40)
phrase_texts = st.text(ALPHABET, min_size=1, max_size=6).filter(str.strip)


def by_pattern(text: str, quote: str) -> tuple[tuple[int, int], ...]:
    return pattern_spans(text, quote)


@settings(max_examples=300)
@given(phrase_texts, quotes)
@example("kelvin", "\u212aelvin degrees")
@example("is", "th\u0131s \u0130S")
@example("st", "the \u017ft")
@example("a b", "a  b a\tb")
def test_spans_are_the_patterns_spans(text: str, quote: str) -> None:
    assert phrase_spans(text, quote) == by_pattern(text, quote)


@given(phrase_texts, st.lists(st.sampled_from(["a", "A", "is", "IS", "k", "“a”", "'s", "ab", "_a"]), max_size=12))
def test_spans_in_single_spaced_quotes(text: str, words: list[str]) -> None:
    """The common case: the shown quote, its whitespace collapsed."""
    quote = " ".join(words)
    assert phrase_spans(text, quote) == by_pattern(text, quote)


def test_only_the_listed_twins_match_an_ascii_letter_when_case_is_ignored() -> None:
    letters = re.compile("[a-z]", re.IGNORECASE)
    twins = {chr(code) for code in range(128, 0x110000) if not 0xD800 <= code < 0xE000 and letters.fullmatch(chr(code))}
    assert twins == set(ASCII_CASE_TWINS)


def hides_everything_char_by_char(quote: str, deletions: list[PhraseSpans]) -> bool:
    """The first version: a flag per character."""
    hidden = [False] * len(quote)
    for deletion in deletions:
        for start, end in deletion.spans:
            hidden[start:end] = [True] * (end - start)
    visible = "".join(c for c, h in zip(quote, hidden, strict=True) if not h)
    return not re.search(r"\w", ELLIPSIS.sub("", visible))


@st.composite
def quotes_and_spans(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int]]]]:
    quote = draw(st.text("ab .…", max_size=30))
    ends = st.integers(0, len(quote))
    span = st.tuples(ends, ends).map(lambda pair: (min(pair), max(pair)))
    return quote, draw(st.lists(st.lists(span, max_size=4), min_size=1, max_size=3))


@given(quotes_and_spans())
def test_hides_everything_as_char_by_char(case: tuple[str, list[list[tuple[int, int]]]]) -> None:
    quote, span_lists = case
    phrase = Phrase("x", "", Location(Path("cards.yaml")))
    deletions = [PhraseSpans(phrase, "x", tuple(found)) for found in span_lists]
    assert hides_everything(quote, deletions) == hides_everything_char_by_char(quote, deletions)
