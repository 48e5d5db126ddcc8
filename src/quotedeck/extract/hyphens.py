"""A word broken by a hyphen at a line end, joined the way the rest of the text writes it.

`trans-` / `formation` becomes `transformation` when the text has that word
elsewhere; `self-` / `control` stays `self-control` when the text has that form
elsewhere. With no sign either way the word is joined and its hyphenated form
recorded, so that a quote may give either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from quotedeck.extract.records import Extracted

_BREAK = re.compile(r"(\w+)-[ \t]*\n[ \t]*(\w+)")
_WORD = re.compile(r"\w+")
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")


def join_broken_words(texts: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    """The texts with every line-end hyphen break decided, and the words joined without a sign."""
    if not any("-\n" in text or "- \n" in text for text in texts):
        return list(texts), ()
    unbroken = [_BREAK.sub(" ", text) for text in texts]  # the words the text has besides the breaks
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

    return [_BREAK.sub(decide, text) for text in texts], tuple(undecided)


def with_words_joined(extracted: Extracted) -> Extracted:
    """`extracted` with its line-end hyphen breaks decided (join_broken_words)."""
    texts, hyphenated = join_broken_words([p.text for p in extracted.paragraphs])
    paragraphs = tuple(replace(p, text=t) for p, t in zip(extracted.paragraphs, texts, strict=True))
    return replace(extracted, paragraphs=paragraphs, hyphenated=hyphenated)
