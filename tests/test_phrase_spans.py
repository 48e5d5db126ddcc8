"""The `str.find` path of `phrase_spans` finds exactly what the phrase's pattern finds."""

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from quotedeck.cloze import _ASCII_CASE_TWINS, phrase_pattern, phrase_spans

# Letters, case twins, quote marks, word and non-word neighbours, and whitespace.
ALPHABET = "aAbBiIsSkK" + "".join(sorted(_ASCII_CASE_TWINS)) + "ßéΣς_1 \t\n\"'“”‘’.,-…"
quotes = st.text(ALPHABET, max_size=40)
phrase_texts = st.text(ALPHABET, min_size=1, max_size=6).filter(str.strip)


def by_pattern(text: str, quote: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in phrase_pattern(text).finditer(quote))


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
    assert twins == _ASCII_CASE_TWINS
