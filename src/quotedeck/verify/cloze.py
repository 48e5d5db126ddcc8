"""Where each phrase to hide sits in the quote as the card will show it."""

from __future__ import annotations

import itertools
import re

from quotedeck.model import Phrase, PhraseSpans
from quotedeck.problems import Problem, error
from quotedeck.verify.texts import straighten_quotes

_DOUBLE = '"“”„‟'
_SINGLE = "'‘’‚‛"
# The only characters outside ASCII that an ASCII letter matches when case is ignored (İ ı ſ K).
_ASCII_CASE_TWINS = "\u0130\u0131\u017f\u212a"
_WORD_CHAR = re.compile(r"\w")


def phrase_key(text: str) -> str:
    """What makes two phrases the same phrase (for keeping card numbers stable)."""
    return " ".join(straighten_quotes(text).casefold().split())


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


def phrase_spans(text: str, quote: str) -> tuple[tuple[int, int], ...]:
    """Where `phrase_pattern(text)` matches in `quote`.

    Compiling a pattern per phrase dominated the build, so an ASCII phrase in a
    quote spaced by single spaces (nearly always) is found with `str.find`,
    which gives the same spans; anything else goes through the pattern.
    """
    phrase = straighten_quotes(" ".join(text.split())).lower()
    folded = straighten_quotes(quote).lower()  # one character for one: offsets stay
    if (
        not phrase
        or not phrase.isascii()
        or len(folded) != len(quote)
        or " ".join(quote.split()) != quote
        or (not quote.isascii() and any(twin in quote for twin in _ASCII_CASE_TWINS))
    ):
        return tuple(m.span() for m in phrase_pattern(text).finditer(quote))
    stripped = text.strip()
    before = _WORD_CHAR.match(stripped) is not None
    after = _WORD_CHAR.match(stripped[-1]) is not None
    spans = []
    start = folded.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        if (before and start and _WORD_CHAR.match(quote, start - 1)) or (after and _WORD_CHAR.match(quote, end)):
            start = folded.find(phrase, start + 1)
        else:
            spans.append((start, end))
            start = folded.find(phrase, end)
    return tuple(spans)


def find_phrases(quote: str, phrases: tuple[Phrase, ...]) -> tuple[list[PhraseSpans], list[Problem]]:
    """Every occurrence of every phrase in the shown quote; gaps and overlaps are problems."""
    deletions: list[PhraseSpans] = []
    problems: list[Problem] = []
    seen: dict[str, Phrase] = {}
    for phrase in phrases:
        key = phrase_key(phrase.text)
        first = seen.setdefault(key, phrase)
        if first is not phrase:
            problems.append(
                error(
                    phrase.location,
                    f"`{phrase.text}` is listed twice (first at line {first.location.line})",
                    "remove one: every place the phrase occurs in the quote is hidden already",
                )
            )
            continue
        spans = phrase_spans(phrase.text, quote)
        if not spans:
            problems.append(
                error(
                    phrase.location,
                    f"`{phrase.text}` is not in the quote",
                    "a phrase to hide must appear in the quote as whole words (case does not matter)",
                )
            )
            continue
        deletions.append(PhraseSpans(phrase, key, spans))
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


def _overlaps(deletions: list[PhraseSpans]) -> list[Problem]:
    if len(deletions) == 1 and len(deletions[0].spans) == 1:  # the usual card: one phrase, found once
        return []
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


def _hides_everything(quote: str, deletions: list[PhraseSpans]) -> bool:
    """No word is left visible (an ellipsis, or punctuation, is no word)."""
    cursor = 0
    for start, end in sorted([span for deletion in deletions for span in deletion.spans]):
        if _WORD_CHAR.search(quote, cursor, start):
            return False
        cursor = max(cursor, end)
    return _WORD_CHAR.search(quote, cursor) is None
