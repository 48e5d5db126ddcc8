"""Where each phrase to hide sits in the quote as the card will show it."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from quotedeck.model import Phrase
from quotedeck.problems import Problem, error
from quotedeck.quotes import ELLIPSIS

_DOUBLE = '"“”„‟'
_SINGLE = "'‘’‚‛"


@dataclass(frozen=True)
class Deletion:
    """One cloze deletion: a phrase, its Anki card number, its places in the quote."""

    ordinal: int
    phrase: Phrase
    spans: tuple[tuple[int, int], ...]


def phrase_key(text: str) -> str:
    """What makes two phrases the same phrase (for keeping card numbers stable)."""
    return " ".join(
        text.translate(str.maketrans(_DOUBLE, '"' * 5)).translate(str.maketrans(_SINGLE, "'" * 5)).casefold().split()
    )


def phrase_pattern(text: str) -> re.Pattern[str]:
    """Matches `text` case-insensitively at word boundaries, whatever the whitespace
    and whichever kind of quote marks."""
    parts = []
    for char in " ".join(text.split()):
        if char == " ":
            parts.append(r"\s+")
        elif char in _DOUBLE:
            parts.append(f"[{_DOUBLE}]")
        elif char in _SINGLE:
            parts.append(f"[{_SINGLE}]")
        else:
            parts.append(re.escape(char))
    body = "".join(parts)
    # A boundary only where the phrase itself starts or ends with a word character:
    # `man` must not hide part of `human`, but `, man` may follow any letter.
    before = r"(?<!\w)" if re.match(r"\w", text.strip()) else ""
    after = r"(?!\w)" if re.search(r"\w$", text.strip()) else ""
    return re.compile(before + body + after, re.IGNORECASE)


def find_deletions(
    quote: str, phrases: tuple[Phrase, ...], ordinals: dict[str, int]
) -> tuple[list[Deletion], list[Problem]]:
    """Every occurrence of every phrase in the shown quote; gaps and overlaps are problems."""
    deletions: list[Deletion] = []
    problems: list[Problem] = []
    seen: dict[str, Phrase] = {}
    for phrase in phrases:
        first = seen.setdefault(phrase_key(phrase.text), phrase)
        if first is not phrase:
            problems.append(
                error(
                    phrase.location,
                    f"`{phrase.text}` is listed twice (first at line {first.location.line})",
                    "remove one: every place the phrase occurs in the quote is hidden already",
                )
            )
            continue
        spans = tuple(m.span() for m in phrase_pattern(phrase.text).finditer(quote))
        if not spans:
            problems.append(
                error(
                    phrase.location,
                    f"`{phrase.text}` is not in the quote",
                    "a phrase to hide must appear in the quote as whole words (case does not matter)",
                )
            )
            continue
        deletions.append(Deletion(ordinals[phrase_key(phrase.text)], phrase, spans))
    problems.extend(_overlaps(deletions))
    if deletions and not problems and _hides_everything(quote, deletions):
        problems.append(
            error(
                deletions[0].phrase.location,
                "the cloze would hide the whole quote",
                "hide a part of the quote, or quote more of the text",
            )
        )
    return deletions, problems


def _overlaps(deletions: list[Deletion]) -> list[Problem]:
    problems = []
    placed = sorted(((span, d) for d in deletions for span in d.spans), key=lambda placed: placed[0])
    for (span_a, a), (span_b, b) in itertools.pairwise(placed):
        if span_b[0] < span_a[1]:
            first, second = sorted((a, b), key=lambda d: d.phrase.location)
            problems.append(
                error(
                    second.phrase.location,
                    f"`{second.phrase.text}` overlaps `{first.phrase.text}` in the quote",
                    "phrases to hide must not share words; merge them or pick other words",
                )
            )
    return list(dict.fromkeys(problems))


def _hides_everything(quote: str, deletions: list[Deletion]) -> bool:
    hidden = [False] * len(quote)
    for deletion in deletions:
        for start, end in deletion.spans:
            hidden[start:end] = [True] * (end - start)
    visible = "".join(c for c, h in zip(quote, hidden, strict=True) if not h)
    return not re.search(r"\w", ELLIPSIS.sub("", visible))
