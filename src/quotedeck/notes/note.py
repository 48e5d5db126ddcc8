"""Verified cards become notes: escaped fields, tags, GUID and card numbers."""

from __future__ import annotations

import functools
import hashlib
import html

from quotedeck.model import FIELD_SEPARATOR, Card, Kind, NoteSpec, VerifiedCard
from quotedeck.notes.escaping import cloze_html, escape_text
from quotedeck.notes.identity import note_guid
from quotedeck.notes.notetypes import NOTETYPES
from quotedeck.notes.numbering import Deletion
from quotedeck.sources.ids import slugify


def quote_digest(quote: str) -> str:
    """A short digest of a card's quote as shown (whitespace collapsed): equal quotes, equal digests."""
    return hashlib.blake2b(quote.encode(), digest_size=8).hexdigest()


def note_digest(guid: str, kind: Kind, deck: str, flds: str, tag_text: str) -> str:
    """Changes exactly when something Anki stores for the note changes (its fields and tags joined)."""
    parts = (guid, kind.value, deck, flds, tag_text)
    return hashlib.sha256(FIELD_SEPARATOR.join(parts).encode()).hexdigest()[:16]


def citation(card: Card, place: str) -> str:
    """The citation on the back of a card: author, title, and where the quote is."""
    source = card.source
    by = f"{source.author}, " if source.author else ""
    return f"{by}“{source.title}”, {place}"


def citation_link(url: str, page: int) -> str:
    """Where the citation links: the text's address, at the page for a PDF (`#page=N`, which
    browsers' and phones' PDF viewers open at)."""
    if not page:
        return url
    return f"{url.partition('#')[0]}#page={page}"


def source_html(card: Card, place: str, page: int) -> str:
    """The Source field: the citation, a plain link to the text when the card file gives its `url`
    (an <a href> opens in the system browser on AnkiDroid, AnkiMobile and desktop alike)."""
    cited = escape_text(citation(card, place))
    if not card.source.url:
        return cited
    href = html.escape(citation_link(card.source.url, page), quote=True).replace("{", "&#123;").replace("}", "&#125;")
    return f'<a href="{href}">{cited}</a>'


def also_html(names: tuple[str, ...]) -> str:
    """Each other name isolated in its own <bdi>, so that a Hebrew name beside a Latin
    transliteration reads in its own direction and keeps its punctuation on its side."""
    return " · ".join([f"<bdi>{escape_text(name)}</bdi>" for name in names])


@functools.cache  # most cards of a card file have the same tags: one text serves them all
def _tags(deck_tags: tuple[str, ...], card_tags: tuple[str, ...], kind: Kind, title: str) -> str:
    return " ".join(dict.fromkeys((*deck_tags, *card_tags, f"quotedeck::{kind.value}", f"source::{slugify(title)}")))


def media_html(card: Card) -> str:
    """The card's image and sound as Anki shows them; quotedeck's own markup, never the curator's
    (whose text is escaped): the names are made of hex digits and a known suffix."""
    parts = []
    if card.image is not None:
        parts.append(f'<img src="{card.image.name}" alt="">')
    if card.audio is not None:
        parts.append(f"[sound:{card.audio.name}]")
    return "".join(parts)


def build_note(
    verified: VerifiedCard,
    deletions: list[Deletion],
    deck_name: str,
    deck_tags: tuple[str, ...],
) -> NoteSpec:
    """The note of a verified card whose phrases are numbered: fields escaped, tags, GUID.
    (Its cards' new-card position is the build's: state/changes.py stamps it.)"""
    card, shown_quote = verified.card, verified.shown
    quote = cloze_html(shown_quote, deletions)
    source = source_html(card, verified.place, verified.page)
    extra = escape_text(card.extra)
    media = media_html(card)  # in the field named Spare: renaming a field would fork the notetype
    values: tuple[str, ...]
    if card.kind is Kind.TERM:
        # Id, Quote, Term, Also, Definition, Source, Extra, Spare (the media)
        values = (
            card.id,
            quote,
            escape_text(card.prompt),
            also_html(card.also),
            escape_text(card.response),
            source,
            extra,
            media,
        )
    else:
        # Id, Question, Quote, Answer, Source, Extra, Spare (the media)
        values = (card.id, escape_text(card.prompt), quote, escape_text(card.response), source, extra, media)
    if len(values) != len(NOTETYPES[card.kind].fields):  # pragma: no cover - a programming error
        raise ValueError("field values do not match the notetype")
    ordered = sorted(deletions)  # by cloze number, which comes first and differs between a card's deletions
    guid = note_guid(deck_name, card.id)
    tag_text = _tags(deck_tags, card.tags, card.kind, card.source.title)
    flds = FIELD_SEPARATOR.join(values)
    return NoteSpec(
        card_id=card.id,
        guid=guid,
        kind=card.kind,
        deck=card.deck,
        flds=flds,
        tag_text=tag_text,
        ordinals=tuple([d.ordinal for d in ordered]),
        clozes=tuple([(d.key, d.ordinal) for d in ordered]),
        prompt=card.prompt,
        quote_digest=quote_digest(shown_quote),
        location=card.location,
        digest=note_digest(guid, card.kind, card.deck, flds, tag_text),
        media=tuple(m for m in (card.image, card.audio) if m is not None),
    )
