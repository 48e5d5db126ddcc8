"""What a reader cannot see is folded for plain text too: ligatures, soft hyphens, zero-width and
no-break spaces, words broken by a hyphen at a line end, and lines broken at a dash."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotedeck.verify.quotes import QuoteMatch, find_quote
from quotedeck.verify.texts import parse_text

TEXT = (
    "The ﬁrst reﬂection of the heart is inner\u00admost, and its\u00a0point is\u200b quiet.\n"
    "It asks for its trans-\nformation, and the self-\ncontrol it has is a well-\nknown thing;\n"
    "the transformation comes, and so does well-known patience.\n"
    "Between light\u2014\ndark and near\n\u2014far, pages 12\u2013\n13; a spaced dash \u2014\nstays spaced.\n"
    "The eye\n\u2014\u201cthe lamp\u201d\u2014\nsees.\n"
)


@pytest.mark.parametrize(
    "quote",
    [
        "The first reflection of the heart is innermost",
        "and its point is quiet",
        "It asks for its transformation",  # the joined word occurs elsewhere
        "the self-control it has",  # no sign either way: both forms are accepted
        "the selfcontrol it has",
        "is a well-known thing",  # the hyphenated form occurs elsewhere
        "Between light\u2014dark and near\u2014far, pages 12\u201313",  # the line broke at a closed dash
        "a spaced dash \u2014 stays spaced",
        "The eye\u2014\u201cthe lamp\u201d\u2014sees.",  # a quotation mark between the dash and the word
    ],
)
def test_invisible_differences_match(quote: str) -> None:
    assert isinstance(find_quote(quote, parse_text(Path("t.txt"), TEXT)), QuoteMatch)


@pytest.mark.parametrize(
    "quote",
    ["It asks for its trans-formation", "is a wellknown thing", "light \u2014 dark", "a spaced dash\u2014stays"],
)
def test_a_decided_break_matches_only_as_the_text_writes_the_word(quote: str) -> None:
    assert not isinstance(find_quote(quote, parse_text(Path("t.txt"), TEXT)), QuoteMatch)
