"""The weak-card lint folds a card's quote once, then cuts each phrase's card from it: that must
be what cutting the quote, then folding it, gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quotedeck.lint.weak import _folded, _visible
from quotedeck.verify.texts import collapse_whitespace, straighten_quotes

words = st.sampled_from(["Light", "LIGHT", "heart", "“The", "point”", "it’s", "İstanbul", "ǅemal", "ß", "…", "a"])


@st.composite
def quotes_with_spans(draw: st.DrawFn) -> tuple[str, tuple[tuple[int, int], ...]]:
    shown = collapse_whitespace(" ".join(draw(st.lists(words, min_size=1, max_size=12))))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(shown)), max_size=6))))
    pairs = tuple(zip(cuts[::2], cuts[1::2], strict=False))
    return shown, pairs


@given(quotes_with_spans())
def test_cutting_the_folded_quote_is_folding_the_cut_quote(case: tuple[str, tuple[tuple[int, int], ...]]) -> None:
    shown, spans = case
    lowered = straighten_quotes(shown.lower())
    if len(lowered) != len(shown):  # the lint folds such a quote after cutting it
        return
    assert " ".join(_visible(lowered, spans).split()) == _folded(_visible(shown, spans))
