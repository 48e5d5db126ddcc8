"""Quotes start and end at word boundaries, whatever the accents: random texts, random cuts."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quotedeck.verify.quotes import QuoteMatch, QuoteMiss, find_quote
from quotedeck.verify.texts import parse_text

FIXED = settings(derandomize=True, database=None, deadline=None, max_examples=300)

# Letters, and combining marks that compose with some of them (an acute, a tilde)
# and that never compose (Hebrew points): a word is its letters and their marks.
LETTERS = "abneoכלה"
MARKS = "\u0301\u0303\u05b7\u05b9\u05bc"


def in_word(char: str) -> bool:
    """The reference: a mark, or a letter of ours, composed with marks or not."""
    return char in MARKS or unicodedata.normalize("NFD", char)[0] in LETTERS


SEPARATORS = [" ", " ", " ", ", ", ". ", " “", "” ", "\n", "-", "'"]

words = st.text(st.sampled_from(LETTERS + MARKS), min_size=1, max_size=6).filter(lambda w: w[0] in LETTERS)
texts = st.lists(st.tuples(words, st.sampled_from(SEPARATORS)), min_size=2, max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


def boundaries(text: str) -> list[int]:
    """Offsets of `text` that are not between two characters of one word."""
    return [i for i in range(len(text) + 1) if not (0 < i < len(text) and in_word(text[i - 1]) and in_word(text[i]))]


def form(draw: st.DrawFn, text: str) -> str:
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)


@FIXED
@given(st.data(), texts)
def test_a_quote_cut_at_word_boundaries_always_verifies(data: st.DataObject, raw: str) -> None:
    text = parse_text(Path("t.txt"), form(data.draw, raw))
    cuts = boundaries(text.normalized)
    start = data.draw(st.sampled_from(cuts))
    end = data.draw(st.sampled_from([c for c in cuts if c > start] or [start]))
    quote = text.normalized[start:end]
    assume(quote.strip())
    match = find_quote(form(data.draw, quote), text)
    assert isinstance(match, QuoteMatch), match
    assert match.start <= start + len(quote) - len(quote.lstrip())  # the first place, or an earlier one


@FIXED
@given(st.data(), texts)
def test_a_quote_cut_inside_a_word_never_verifies_there(data: st.DataObject, raw: str) -> None:
    text = parse_text(Path("t.txt"), form(data.draw, raw))
    normalized = text.normalized
    cuts = set(boundaries(normalized))
    inside = [i for i in range(1, len(normalized)) if i not in cuts]
    assume(inside)
    cut = data.draw(st.sampled_from(inside))
    other = data.draw(st.sampled_from(sorted(cuts)))
    start, end = sorted((cut, other))
    quote = normalized[start:end].strip()
    assume(quote and not _whole(normalized, normalized.find(quote), normalized.find(quote) + len(quote)))
    match = find_quote(form(data.draw, quote), text)
    # The same words may occur elsewhere, whole: found there, never inside a word.
    whole = [
        i for i in range(len(normalized)) if normalized.startswith(quote, i) and _whole(normalized, i, i + len(quote))
    ]
    if whole:
        paragraph = text.paragraph_at(whole[0])
        assert match == QuoteMatch(paragraph, whole[0], whole[0] + len(quote))
    else:
        assert isinstance(match, QuoteMiss), match
        assert "inside the word" in match.reason


def _whole(text: str, start: int, end: int) -> bool:
    """The reference: a cut end is fine when it is a boundary, or when the quote's own
    character there is not part of a word (a quote may start with `, `)."""
    starts = start in boundaries(text) or not in_word(text[start])
    ends = end in boundaries(text) or not in_word(text[end - 1])
    return starts and ends
