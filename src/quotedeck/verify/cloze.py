"""Where each phrase to hide sits in the quote as the card will show it."""

from __future__ import annotations

import itertools
import re
import unicodedata

from quotedeck.model import Phrase, PhraseSpans
from quotedeck.problems import Problem, error
from quotedeck.verify.texts import is_word_char, straighten_quotes

_DOUBLE = '"“”„‟'
_SINGLE = "'‘’‚‛"
# The only characters outside ASCII that an ASCII letter matches when case is ignored (İ ı ſ K).
ASCII_CASE_TWINS = "\u0130\u0131\u017f\u212a"
_WORD_CHAR = re.compile(r"\w")


def phrase_key(text: str) -> str:
    """What makes two phrases the same phrase (for keeping card numbers stable)."""
    return " ".join(straighten_quotes(text).casefold().split())


def phrase_pattern(text: str) -> re.Pattern[str]:
    """Matches `text` case-insensitively, whatever the whitespace, whichever kind of
    quote marks, and with its accents composed or decomposed (`ñ` or `n` and a
    combining tilde). Word boundaries are checked apart: see `pattern_spans`."""
    parts = []
    for char in _letters(" ".join(text.split())):
        if char == " ":
            parts.append(r"\s+")
        elif char in _DOUBLE:
            parts.append(f"[{_DOUBLE}]")
        elif char in _SINGLE:
            parts.append(f"[{_SINGLE}]")
        else:
            parts.append(_any_form(char))
    return re.compile("".join(parts), re.IGNORECASE)


def _any_form(letter: str) -> str:
    """A pattern for `letter` as written, composed or decomposed."""
    forms = dict.fromkeys((letter, unicodedata.normalize("NFC", letter), unicodedata.normalize("NFD", letter)))
    return re.escape(letter) if len(forms) == 1 else "(?:" + "|".join(map(re.escape, forms)) + ")"


def _letters(text: str) -> list[str]:
    """`text` cut into characters, each with the combining marks that follow it."""
    letters: list[str] = []
    for char in text:
        if letters and letters[-1] != " " and not char.isascii() and unicodedata.category(char)[0] == "M":
            letters[-1] += char
        else:
            letters.append(char)
    return letters


def pattern_spans(text: str, quote: str) -> tuple[tuple[int, int], ...]:
    """Where `phrase_pattern(text)` matches in `quote` at word boundaries, one after another.

    A boundary only where the phrase itself starts or ends with a word character:
    `man` must not hide part of `human` (nor `or` the end of `señor` written with a
    combining tilde), but `, man` may follow any letter. Python's `\\w` does not
    match a combining mark, so the boundaries are checked here, not in the pattern.
    """
    pattern = phrase_pattern(text)
    before, after = _edges(text)
    spans = []
    match = pattern.search(quote)
    while match is not None:
        start, end = match.span()
        if _cuts_a_word(quote, start, end, before, after):
            match = pattern.search(quote, start + 1)
        else:
            spans.append((start, end))
            match = pattern.search(quote, end)
    return tuple(spans)


def _edges(text: str) -> tuple[bool, bool]:
    """Whether the phrase starts, and ends, with a word character."""
    stripped = text.strip()
    return is_word_char(stripped[0]), is_word_char(stripped[-1])


def _cuts_a_word(quote: str, start: int, end: int, before: bool, after: bool) -> bool:
    return (before and start > 0 and is_word_char(quote[start - 1])) or (
        after and end < len(quote) and is_word_char(quote[end])
    )


def phrase_spans(text: str, quote: str) -> tuple[tuple[int, int], ...]:
    """What `pattern_spans` gives.

    Compiling a pattern per phrase dominated the build, so an ASCII phrase in a
    quote spaced by single spaces (nearly always) is found with `str.find`,
    which gives the same spans; anything else goes through the pattern.
    """
    return _spans(text, quote, _folded_quote(quote))


def _folded_quote(quote: str) -> str | None:
    """The quote lower-cased one character for one (offsets stay), or None where only the
    pattern finds phrases the same way: a quote of several phrases is folded once."""
    folded = straighten_quotes(quote).lower()
    if (
        len(folded) != len(quote)
        or " ".join(quote.split()) != quote
        or (not quote.isascii() and any(twin in quote for twin in ASCII_CASE_TWINS))
    ):
        return None
    return folded


def _spans(text: str, quote: str, folded: str | None) -> tuple[tuple[int, int], ...]:
    phrase = straighten_quotes(" ".join(text.split())).lower()
    if folded is None or not phrase or not phrase.isascii():
        return pattern_spans(text, quote)
    before, after = _edges(text)
    spans = []
    start = folded.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        if _cuts_a_word(quote, start, end, before, after):
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
    folded = _folded_quote(quote)
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
        spans = _spans(phrase.text, quote, folded)
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
    if deletions and not problems and hides_everything(quote, deletions):
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


def hides_everything(quote: str, deletions: list[PhraseSpans]) -> bool:
    """No word is left visible (an ellipsis, or punctuation, is no word)."""
    cursor = 0
    for start, end in sorted([span for deletion in deletions for span in deletion.spans]):
        if _WORD_CHAR.search(quote, cursor, start):
            return False
        cursor = max(cursor, end)
    return _WORD_CHAR.search(quote, cursor) is None
