"""The records that pass between the pipeline's stages; each remembers where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from quotedeck.problems import Location


class Kind(Enum):
    """What a card asks: a term, a question, or nothing yet (a draft)."""

    TERM = "term"
    QUESTION = "question"
    DRAFT = "draft"  # a quote waiting for its term or question: verified and counted, never a note

    # Members are singletons that equal only themselves: identity is their hash. Enum's own
    # hashes the name in Python, and every note looks its kind up several times a build.
    __hash__ = object.__hash__


# Records made for every card (Phrase, Card, PhraseSpans, VerifiedCard, NoteSpec) are named
# tuples, built by keyword: a frozen dataclass sets each field through object.__setattr__,
# and a cold build makes several a card (the commit that kept them says by how much).


class Phrase(NamedTuple):
    """A phrase of the quote to hide; each becomes one cloze deletion."""

    text: str
    hint: str
    location: Location


@dataclass(frozen=True)
class SourceRef:
    """The `source:` block of a card file: which text its quotes come from."""

    text_path: Path
    title: str
    author: str
    location: Location
    url: str = ""  # where the text is online: the card's citation links to it


class MediaRef(NamedTuple):
    """An image or a sound a card shows on its back: a file of the card source folder."""

    path: Path
    name: str  # in the package and the collection: from the file's bytes, so equal files share it
    digest: str  # the SHA-256 of the file as read
    location: Location  # the `image:` or `audio:` value


class Card(NamedTuple):
    """One curated card, as written in a card file."""

    kind: Kind
    id: str
    prompt: str  # the term, or the question ("" for a draft)
    response: str  # the definition, or the answer; a draft's `draft:`, where it was highlighted
    quote: str
    phrases: tuple[Phrase, ...]
    also: tuple[str, ...]
    tags: tuple[str, ...]
    extra: str
    deck: str
    source: SourceRef
    location: Location  # the card's first key
    id_location: Location  # the `id:` value, or the term/question it derives from
    quote_location: Location
    prompt_location: Location  # the term or question
    response_location: Location  # the definition or answer
    image: MediaRef | None = None
    audio: MediaRef | None = None


@dataclass(frozen=True)
class DeckInfo:
    """`deck.yaml`: the deck's name, description and tags for every card."""

    name: str
    description: str
    tags: tuple[str, ...]
    location: Location
    order: tuple[tuple[str, Location], ...] = ()  # `order:`: texts by path or title, first studied first


class PhraseSpans(NamedTuple):
    """A phrase to hide, and where it occurs in the quote as shown (verify's result; no number yet)."""

    phrase: Phrase
    key: str  # what makes two phrases the same phrase: the lock numbers phrases by it
    spans: tuple[tuple[int, int], ...]


class VerifiedCard(NamedTuple):
    """A card whose quote was found in its text and whose phrases were found in its quote."""

    card: Card
    shown: str  # the quote as the card shows it: as written, whitespace collapsed
    place: str  # where the quote is in its text, as the card cites it: "p. 12", a chapter, "paragraph 3"
    page: int  # the PDF page (in the file, from 1) the quote begins on; 0 for other texts
    phrases: tuple[PhraseSpans, ...]
    offset: int = 0  # where the quote starts in its text, normalised (for the reading order)
    text_length: int = 1  # of the text, normalised: `offset` as a share of the text


class NoteSpec(NamedTuple):
    """Everything Anki stores for one note, ready to be packaged."""

    card_id: str
    guid: str
    kind: Kind
    deck: str
    flds: str  # the field values, each ended from the next by U+001F, as Anki stores them (they hold none)
    tag_text: str  # the tags, each parted from the next by a space (a tag holds none)
    ordinals: tuple[int, ...]  # the cloze numbers, hence the note's Anki cards
    clozes: tuple[tuple[str, int], ...]  # each hidden phrase's key and its cloze number
    prompt: str  # the term or question, as written: the lock uses it to spot renames
    quote_digest: str  # of the quote as shown, for the same
    location: Location
    digest: str  # changes exactly when something Anki stores for the note changes
    media: tuple[MediaRef, ...] = ()  # the files its fields name

    @property
    def fields(self) -> tuple[str, ...]:
        """The field values, in the notetype's order."""
        return tuple(self.flds.split(FIELD_SEPARATOR))

    @property
    def tags(self) -> tuple[str, ...]:
        """The note's tags, in order."""
        return tuple(self.tag_text.split())


# What Anki stores between a note's field values; card text never holds it (sources/parse.py
# refuses control characters).
FIELD_SEPARATOR = "\x1f"
