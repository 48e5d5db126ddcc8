"""Line breaks at hyphens and dashes: only the paragraphs that have one are searched for it,
and that gives what searching every paragraph gives."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from quotedeck.extract.hyphens import join_broken_words

_BREAK = re.compile(r"(\w+)-[ \t]*\n[ \t]*(\w+)")
_WORD = re.compile(r"\w+")
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_DASH_BREAK = re.compile(
    r"(?<=\S[\u2013\u2014])[ \t]*\n[ \t]*(?=\S)|(?<=[\w\"'\u2019\u201d)\]])[ \t]*\n[ \t]*(?=[\u2013\u2014]\S)"
)


def every_paragraph_searched(texts: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """join_broken_words as its rules say, without the searches it may skip."""
    texts = [_DASH_BREAK.sub("", text) for text in texts]
    unbroken = [_BREAK.sub(" ", text) for text in texts]
    words = {word.lower() for text in unbroken for word in _WORD.findall(text)}
    compounds = {word.lower() for text in unbroken for word in _HYPHENATED.findall(text)}
    undecided: dict[str, None] = {}

    def decide(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        if (left + right).lower() in words:
            return left + right
        if f"{left}-{right}".lower() in compounds:
            return f"{left}-{right}"
        undecided[f"{left}-{right}".lower()] = None
        return left + right

    return [_BREAK.sub(decide, text) for text in texts], tuple(undecided)


pieces = st.sampled_from(["self", "control", "trans", "formation", "light", "dark", "-", "\u2014", "\u2013"])
gaps = st.sampled_from(["", " ", "\t", "\n", " \n ", "\t\n", "-\n", "- \n", "\u2014\n", "\n\u2014", '"', "\u2019"])
paragraphs = st.lists(st.tuples(pieces, gaps).map("".join), max_size=12).map("".join)


@given(st.lists(paragraphs, max_size=5))
def test_searching_only_the_paragraphs_with_a_break_gives_the_same(texts: list[str]) -> None:
    assert join_broken_words(texts) == every_paragraph_searched(texts)


def test_a_break_with_two_spaces_before_it_is_joined_too() -> None:
    assert join_broken_words(["the trans-  \nformation", "a transformation"]) == (
        ["the transformation", "a transformation"],
        (),
    )
