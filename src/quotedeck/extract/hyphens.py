"""A word broken by a hyphen at a line end, joined the way the rest of the text writes it.

`trans-` / `formation` becomes `transformation` when the text has that word
elsewhere; `self-` / `control` stays `self-control` when the text has that form
elsewhere. With no sign either way the word is joined and its hyphenated form
recorded, so that a quote may give either.

A line that breaks at a dash glued to a word (`light—` / `dark`, `light` /
`—dark`, as a browser breaks `light—dark`) is joined without a space: a spaced
dash keeps its spaces, so that the break tells which was printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from quotedeck.extract.records import Extracted

_BREAK = re.compile(r"(\w+)-[ \t]*\n[ \t]*(\w+)")
_WORD = re.compile(r"\w+")
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
# A line break after a dash glued to what precedes it, or before one glued to what follows
# (em, en dash; a quotation mark may stand between a word and its dash).
_DASH_BREAK = re.compile(
    r"(?<=\S[\u2013\u2014])[ \t]*\n[ \t]*(?=\S)|(?<=[\w\"'\u2019\u201d)\]])[ \t]*\n[ \t]*(?=[\u2013\u2014]\S)"
)
# What each of the two patterns above needs: it starts with a character the regular expression
# engine scans for quickly, where the patterns start with a look-behind tried at every character.
_DASH_BY_BREAK = re.compile(r"[\u2013\u2014][ \t]*\n|\n[ \t]*[\u2013\u2014]")
_HYPHEN_BY_BREAK = re.compile(r"-[ \t]*\n")


def join_broken_words(texts: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    """The texts with every line-end hyphen break decided, and the words joined without a sign;
    a line break at a dash glued to a word is no space."""
    texts = [_DASH_BREAK.sub("", text) if _DASH_BY_BREAK.search(text) else text for text in texts]
    broken = [_HYPHEN_BY_BREAK.search(text) is not None for text in texts]
    if not any(broken):
        return texts, ()
    # The words the text has besides the breaks.
    unbroken = [_BREAK.sub(" ", text) if hyphen else text for text, hyphen in zip(texts, broken, strict=True)]
    words = {word.lower() for text in unbroken for word in _WORD.findall(text)}
    compounds = {word.lower() for text in unbroken for word in _HYPHENATED.findall(text)}
    undecided: dict[str, None] = {}

    def decide(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        joined, hyphenated = left + right, f"{left}-{right}"
        if joined.lower() in words:
            return joined
        if hyphenated.lower() in compounds:
            return hyphenated
        undecided[hyphenated.lower()] = None
        return joined

    joined = [_BREAK.sub(decide, text) if hyphen else text for text, hyphen in zip(texts, broken, strict=True)]
    return joined, tuple(undecided)


def with_words_joined(extracted: Extracted) -> Extracted:
    """`extracted` with its line-end hyphen breaks decided (join_broken_words)."""
    texts, hyphenated = join_broken_words([p.text for p in extracted.paragraphs])
    paragraphs = tuple(replace(p, text=t) for p, t in zip(extracted.paragraphs, texts, strict=True))
    return replace(extracted, paragraphs=paragraphs, hyphenated=hyphenated)
