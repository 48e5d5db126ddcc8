"""The lint for weak cards: each rule looks at the verified cards and warns, at the place to fix.

Rules: the front gives the hidden phrase away; a hint that is its phrase or repeats
the words around it; a quote too long for a phone screen; two cards hiding the
same phrase of the same quote. (A quote that runs across a paragraph break is
warned of by verify/cards.py, which alone sees the text.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz

from quotedeck.model import Kind, PhraseSpans, VerifiedCard
from quotedeck.problems import Location, Problem, warning
from quotedeck.verify.cloze import phrase_key, phrase_spans
from quotedeck.verify.texts import straighten_quotes

# What a phone shows of a quote without scrolling, beside the prompt and the
# buttons, at the templates' type size (see the README's "Weak cards").
MAX_QUOTE_WORDS = 60
# How alike (rapidfuzz partial ratio, case ignored) a text must be to a phrase to give it away.
GIVEAWAY_SIMILARITY = 90
# Shorter phrases give themselves away only as whole words: one letter off is a different word.
FUZZY_FROM = 5
# How many words beside a hidden phrase a hint is compared with, beyond its own length.
AROUND_SLACK = 2


def lint_card(verified: VerifiedCard) -> list[Problem]:
    """The warnings of the rules that look at one card alone."""
    found = _long_quote(verified)
    folded_texts: dict[str, str] = {}  # the front's texts, folded once for every phrase
    lowered = straighten_quotes(verified.shown.lower())  # each phrase's card shows a cut of it
    quote = lowered if len(lowered) == len(verified.shown) else None  # else cut first, then folded
    for spans in verified.phrases:
        found += _giveaways(verified, spans, folded_texts, quote)
        found += _weak_hint(verified, spans)
    return found


class Asks(NamedTuple):
    """What a card asks, as AskedTwice compares cards: its quote, and each phrase it hides. Places
    are lines and columns of the card's own file (a build keeps one of these for every card,
    and sends each from the worker that made it)."""

    card_id: str
    line: int  # where the card starts
    quote: bytes  # a digest of the quote as phrase_key folds it
    phrases: tuple[tuple[str, str, int, int], ...]  # each hidden phrase's key, its text, its line and column


def asks(verified: VerifiedCard) -> Asks:
    """What `verified` asks: all AskedTwice keeps of a card, so that a build can let the card go."""
    card = verified.card
    phrases = tuple(
        (spans.key, spans.phrase.text, spans.phrase.location.line, spans.phrase.location.column)
        for spans in verified.phrases
    )
    quote = hashlib.blake2b(phrase_key(verified.shown).encode(), digest_size=16).digest()
    return Asks(card.id, card.location.line, quote, phrases)


class AskedTwice:
    """Two cards hiding the same phrase of the same quote: the one rule that needs every card.
    It is told the cards a card file at a time, and keeps only what tells one card's question."""

    def __init__(self) -> None:
        self.first_seen: dict[tuple[bytes, str], tuple[str, Path, int]] = {}  # card id, file, line

    def cards(self, cards: Iterable[Asks], path: Path) -> list[Problem]:
        """The warnings these cards of the card file `path` give, beside the cards told before them."""
        found: list[Problem] = []
        first_seen = self.first_seen.setdefault
        for card in cards:
            for key, text, line, column in card.phrases:
                first = first_seen((card.quote, key), (card.card_id, path, card.line))
                if first[0] != card.card_id:
                    first_id, first_path, first_line = first
                    found.append(
                        warning(
                            Location(path, line, column),
                            f"card `{card.card_id}` hides `{text}` in the same quote as card `{first_id}` "
                            f"({first_path.name}:{first_line})",
                            "the two cards ask the same thing: remove one, or hide another phrase",
                        )
                    )
        return found


def _long_quote(verified: VerifiedCard) -> list[Problem]:
    words = verified.shown.count(" ") + 1 if verified.shown else 0  # its whitespace is single spaces
    if words <= MAX_QUOTE_WORDS:
        return []
    return [
        warning(
            verified.card.quote_location,
            f"the quote has {words} words; a phone shows about {MAX_QUOTE_WORDS} without scrolling",
            "quote less (an ellipsis `…` leaves out the middle), or split it into two cards",
        )
    ]


def _front(verified: VerifiedCard, spans: PhraseSpans) -> Iterator[tuple[str, str, Location]]:
    """What the front of the phrase's card shows besides the quote: (what, text, where)."""
    card = verified.card
    if card.kind is Kind.TERM:
        yield "definition", card.response, card.response_location
    else:
        yield "question", card.prompt, card.prompt_location
    if spans.phrase.hint:
        yield "hint", spans.phrase.hint, spans.phrase.location
    yield "quote", _visible(verified.shown, spans.spans), card.quote_location


def _visible(quote: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The quote with the phrase's places cut out: what its card shows of it."""
    parts, cursor = [], 0
    for start, end in spans:
        parts.append(quote[cursor:start])
        cursor = end
    parts.append(quote[cursor:])
    return " … ".join(parts)


def gives_away(phrase: str, text: str) -> bool:
    """Whether `text` holds `phrase`, whole (as words) or nearly."""
    return _gives_away(phrase, _folded(phrase), text, _folded(text))


def _folded(text: str) -> str:
    return straighten_quotes(" ".join(text.lower().split()))


def _gives_away(phrase: str, folded: str, text: str, haystack: str) -> bool:
    """gives_away, with the phrase and the text folded already (a card's front is compared with each phrase)."""
    # Whole words need the letters in a row: most texts are ruled out without a pattern.
    if folded in haystack and phrase_spans(phrase, text):
        return True
    if len(folded) < FUZZY_FROM:
        return False
    return fuzz.partial_ratio(folded, haystack, score_cutoff=GIVEAWAY_SIMILARITY) > 0


def _giveaways(
    verified: VerifiedCard, spans: PhraseSpans, folded_texts: dict[str, str], quote: str | None
) -> list[Problem]:
    """`quote`: the card's quote lowered and straightened, letter for letter, when it can be cut
    as the quote itself is (lowering changes the length of a few letters, such as İ)."""
    phrase = spans.phrase.text
    folded = _folded(phrase)
    for what, text, where in _front(verified, spans):
        if what == "hint" and phrase_key(text) == spans.key:
            continue  # a hint that is its phrase: _weak_hint says so
        if what == "quote" and quote is not None:
            haystack = " ".join(_visible(quote, spans.spans).split())
        elif text in folded_texts:
            haystack = folded_texts[text]
        else:
            haystack = folded_texts[text] = _folded(text)
        if _gives_away(phrase, folded, text, haystack):
            whole = "contains" if phrase_spans(phrase, text) else "nearly contains"
            return [
                warning(
                    where,
                    f"the {what} {whole} the hidden phrase `{phrase}`, and shows it on the front",
                    f"reword the {what} without `{phrase}`, or hide other words",
                )
            ]
    return []


def _weak_hint(verified: VerifiedCard, spans: PhraseSpans) -> list[Problem]:
    hint = spans.phrase.hint
    if not hint:
        return []
    where = spans.phrase.location
    if phrase_key(hint) == spans.key or fuzz.ratio(hint.casefold(), spans.phrase.text.casefold()) >= 90:
        return [warning(where, f"the hint `{hint}` is the phrase it hides", "hint at the meaning, not the words")]
    reach = len(hint.split()) + AROUND_SLACK
    quote = verified.shown
    for start, end in spans.spans:
        before = " ".join(quote[:start].split()[-reach:])
        after = " ".join(quote[end:].split()[:reach])
        for side, words in (("before", before), ("after", after)):
            if words and fuzz.partial_ratio(hint.casefold(), words.casefold()) >= GIVEAWAY_SIMILARITY:
                return [
                    warning(
                        where,
                        f"the hint `{hint}` repeats the words {side} the phrase, which the card shows already",
                        "hint at what is hidden: its meaning, its first letter, its number of words",
                    )
                ]
    return []
