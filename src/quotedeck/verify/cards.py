"""Check every card of a card file against its text: the quote, then the phrases to hide."""

from __future__ import annotations

from pathlib import Path

from quotedeck.model import Card, VerifiedCard
from quotedeck.problems import Location, Problem, error
from quotedeck.verify.cloze import find_phrases
from quotedeck.verify.quotes import QuoteMiss, find_quote
from quotedeck.verify.texts import SourceText, collapse_whitespace, load_text


def verify_cards(
    cards: list[Card], root: Path, texts: dict[Path, SourceText]
) -> tuple[list[VerifiedCard], list[Problem]]:
    """The cards whose quote and phrases hold, and a problem for each that does not.

    `texts` keeps the texts read, for the next card file.
    """
    by_file: dict[Location, SourceText | Problem] = {}  # one look per card file's `text:`
    problems: list[Problem] = []
    verified: list[VerifiedCard] = []
    for card in cards:
        cited_at = card.source.location
        if cited_at not in by_file:
            path = card.source.text_path
            loaded = texts.get(path) or load_text(path, cited_at)
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
            reason = f"{match.reason} ({_display(text.path, root)})"
            problems.append(error(card.quote_location, reason, _closest_hint(match)))
            continue
        shown = collapse_whitespace(card.quote)
        phrases, cloze_problems = find_phrases(shown, card.phrases)
        if cloze_problems:
            problems.extend(cloze_problems)
            continue
        verified.append(
            VerifiedCard(card, shown, match.paragraph, tuple(phrases), match.start, len(text.normalized) or 1)
        )
    return verified, problems


def _closest_hint(miss: QuoteMiss) -> str:
    if miss.hint:
        return miss.hint
    if not miss.closest:
        return "copy the quote from the text again"
    # Rounded down: a passage that differs must never read as "100% similar".
    return f"closest passage (paragraph {miss.paragraph}, {int(miss.similarity)}% similar): “{miss.closest}”"


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
