"""Check every card of a card file against its text: the quote, then the phrases to hide."""

from __future__ import annotations

from pathlib import Path

from quotedeck.extract.formats import extract
from quotedeck.model import Card, VerifiedCard
from quotedeck.problems import Location, Problem, error, warning
from quotedeck.sources.words import CardText, read_card_text, word_locations
from quotedeck.verify.cloze import find_phrases
from quotedeck.verify.quotes import QuoteMiss, find_quote
from quotedeck.verify.texts import Extract, SourceText, collapse_whitespace, load_text, normalize


def verify_cards(
    cards: list[Card], root: Path, texts: dict[Path, SourceText], extract_text: Extract = extract
) -> tuple[list[VerifiedCard], list[Problem]]:
    """The cards whose quote and phrases hold, and a problem for each that does not.

    `texts` keeps the texts read, for the next card file; `extract_text` reads a text's file.
    """
    by_file: dict[Location, SourceText | Problem] = {}  # one look per card file's `text:`
    card_texts: dict[Path, CardText | None] = {}  # read again only where a quote differs
    problems: list[Problem] = []
    verified: list[VerifiedCard] = []
    for card in cards:
        cited_at = card.source.location
        if cited_at not in by_file:
            path = card.source.text_path
            loaded = texts.get(path) or load_text(path, cited_at, extract_text)
            by_file[cited_at] = loaded
            if isinstance(loaded, Problem):
                problems.append(loaded)
            else:
                texts[path] = loaded
        text = by_file[cited_at]
        if isinstance(text, Problem):
            continue
        match = find_quote(card.quote, text)
        if isinstance(match, QuoteMiss):
            problems.extend(_miss_problems(card, match, f"({_display(text.path, root)})", card_texts))
            continue
        shown = collapse_whitespace(card.quote)
        phrases, cloze_problems = find_phrases(shown, card.phrases)
        if cloze_problems:
            problems.extend(cloze_problems)
            continue
        last = text.paragraph_at(max(match.start, match.end - 1))
        if last > match.paragraph and not text.page_break_between(match.paragraph, last):
            problems.append(_across_warning(card, text, match.paragraph, last))
        place, page = text.citation(match.start, match.end)
        verified.append(VerifiedCard(card, shown, place, page, tuple(phrases), match.start, len(text.normalized) or 1))
    return verified, problems


def _miss_problems(card: Card, miss: QuoteMiss, cited: str, card_texts: dict[Path, CardText | None]) -> list[Problem]:
    """One problem at each difference's word where each can be located; else one at the quote."""
    hint = _closest_hint(miss)
    places = _word_places(card, [word for word, _ in miss.located], card_texts) if miss.located else None
    if places is None:
        return [error(card.quote_location, f"{miss.reason} {cited}", hint)]
    (first, (_, message)), *others = zip(places, miss.located, strict=True)
    return [error(first, f"{message} {cited}", hint), *(error(at, said) for at, (_, said) in others)]


def _word_places(card: Card, wanted: list[int], card_texts: dict[Path, CardText | None]) -> list[Location] | None:
    """Where the quote's words `wanted` (normalised words, counted from 0) are written, or None."""
    words = card.quote.split()
    if len(normalize(card.quote).split(" ")) != len(words):  # a soft hyphen joined two lines' words
        return None
    path = card.quote_location.path
    if path not in card_texts:
        card_texts[path] = read_card_text(path)
    written = card_texts[path]
    if written is None:
        return None
    found = word_locations(written, card.quote_location, words, max(wanted) + 1)
    return [found[word] for word in wanted] if max(wanted) < len(found) else None


def _across_warning(card: Card, text: SourceText, first: int, last: int) -> Problem:
    """Plain or elided alike: a card shows one passage, and cites one paragraph."""
    return warning(
        card.quote_location,
        f"the quote runs across a paragraph break (paragraphs {first} to {last}); "
        f"the card cites {text.place_name(first)}",
        "quote from one paragraph, or make a card for each",
    )


def _closest_hint(miss: QuoteMiss) -> str:
    if miss.hint:
        return miss.hint
    if not miss.closest:
        return "copy the quote from the text again"
    # Rounded down: a passage that differs must never read as "100% similar".
    place = miss.place or f"paragraph {miss.paragraph}"
    return f"closest passage ({place}, {int(miss.similarity)}% similar): “{miss.closest}”"


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
