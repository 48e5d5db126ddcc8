"""Check every card against its text, and turn the ones that pass into notes."""

from __future__ import annotations

from pathlib import Path

from quotedeck.model import Card, Sources
from quotedeck.notes.note import NoteSpec, build_note
from quotedeck.problems import Location, Problem, error
from quotedeck.state.lock import Lock, assign_ordinals
from quotedeck.verify.cloze import find_deletions, phrase_key
from quotedeck.verify.quotes import QuoteMiss, find_quote
from quotedeck.verify.texts import SourceText, collapse_whitespace, load_text


def verify(
    sources: Sources, lock: Lock, texts: dict[Path, SourceText] | None = None
) -> tuple[list[NoteSpec], list[Problem]]:
    """Notes for every card; problems for every quote or cloze that does not hold.

    Of the lock, only each card's cloze numbers are used. `texts` keeps the texts
    read, for the next call (a build verifies its card files one by one).
    """
    by_file: dict[Location, SourceText | Problem] = {}  # one look per card file's `text:`
    by_path: dict[Path, SourceText] = {} if texts is None else texts
    problems: list[Problem] = []
    notes: list[NoteSpec] = []
    for card in sources.cards:
        cited_at = card.source.location
        if cited_at not in by_file:
            path = card.source.text_path
            loaded = by_path.get(path) or load_text(path, cited_at)
            by_file[cited_at] = loaded
            if isinstance(loaded, Problem):
                problems.append(loaded)
            else:
                by_path[path] = loaded
        text = by_file[cited_at]
        if isinstance(text, Problem):
            continue
        note = _verify_card(card, text, sources, lock, problems)
        if note is not None:
            notes.append(note)
    return notes, problems


def _verify_card(
    card: Card, text: SourceText, sources: Sources, lock: Lock, problems: list[Problem]
) -> NoteSpec | None:
    match = find_quote(card.quote, text)
    if isinstance(match, QuoteMiss):
        problems.append(
            error(card.quote_location, f"{match.reason} ({_display(text.path, sources.root)})", _closest_hint(match))
        )
        return None
    shown = collapse_whitespace(card.quote)
    keys = [phrase_key(p.text) for p in card.phrases]
    ordinals = assign_ordinals(keys, lock.notes.get(card.id))
    deletions, cloze_problems = find_deletions(shown, card.phrases, ordinals)
    if cloze_problems:
        problems.extend(cloze_problems)
        return None
    return build_note(card, shown, deletions, match.paragraph, sources.deck.name, sources.deck.tags)


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
