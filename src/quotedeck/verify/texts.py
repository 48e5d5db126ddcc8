"""Source texts, normalised once so that quotes can be found by plain search."""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from quotedeck.extract.formats import extract
from quotedeck.extract.hyphens import with_words_joined
from quotedeck.extract.plain import plain_paragraphs
from quotedeck.extract.records import Extracted
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.reading import read_bytes_and_digest

# Curly quotes and apostrophes match their straight forms; nothing else is folded.
_QUOTE_MARKS = (("“", '"'), ("”", '"'), ("„", '"'), ("‟", '"'), ("‘", "'"), ("’", "'"), ("‚", "'"), ("‛", "'"))
_WHITESPACE = re.compile(r"\s+")


# Whitespace is collapsed a piece at a time: `re.sub` keeps every piece of its
# result alive until it joins them, which for a 50 MB text is gigabytes.
_PIECE = 1 << 20


def collapse_whitespace(text: str) -> str:
    """Any run of whitespace made one space, and the ends stripped."""
    if len(text) <= _PIECE:  # str.split() splits at exactly the characters `\s` matches
        return " ".join(text.split())
    pieces = []
    start = 0
    while start < len(text):
        run = _WHITESPACE.search(text, min(start + _PIECE, len(text)))  # cut after a whole run of whitespace
        end = run.end() if run else len(text)
        pieces.append(_WHITESPACE.sub(" ", text[start:end]))
        start = end
    return "".join(pieces).strip()


def straighten_quotes(text: str) -> str:
    """Curly quotes and apostrophes made straight (str.replace: many times faster than translate)."""
    if text.isascii():  # nothing to do, known without a scan
        return text
    for curly, straight in _QUOTE_MARKS:
        if curly in text:
            text = text.replace(curly, straight)
    return text


# Ligatures a PDF's font set as one character: the letters they stand for.
_LIGATURES = (("ﬀ", "ff"), ("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬃ", "ffi"), ("ﬄ", "ffl"), ("ﬅ", "st"), ("ﬆ", "st"))
# Zero-width space, non-joiner, joiner, word joiner, and a byte order mark inside the text.
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
# A soft hyphen only marks where a word may break; at a line end it takes the break with it.
_SOFT_HYPHEN = re.compile("\u00ad\\s*")


def fold_invisible(text: str) -> str:
    """What a reader cannot see, made alike: ligatures spelled out, soft hyphens and
    zero-width characters gone (no-break and other spaces are whitespace already)."""
    if text.isascii():
        return text
    if "\u00ad" in text:
        text = _SOFT_HYPHEN.sub("", text)
    for invisible in _ZERO_WIDTH:
        if invisible in text:
            text = text.replace(invisible, "")
    for ligature, letters in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, letters)
    return text


def normalize(text: str) -> str:
    """The form in which quotes are compared: what cannot be seen folded (fold_invisible),
    one space for any whitespace, straight quotes, accents composed (NFC: `n` and a
    combining tilde become `ñ`)."""
    return straighten_quotes(composed(collapse_whitespace(fold_invisible(text))))


def composed(text: str) -> str:
    """Accents composed (NFC): how a text and a quote are compared, however each was typed."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def decomposed(text: str) -> bool:
    """Whether `text` writes some accent as a letter and a separate combining mark."""
    return not text.isascii() and not unicodedata.is_normalized("NFC", text)


# A combining mark belongs to the letter before it: `\w` does not match one.
_MARKS = frozenset(("Mn", "Mc", "Me"))


def is_word_char(char: str) -> bool:
    """A letter, digit or underscore (what the pattern `\\w` matches), or a combining mark."""
    return char.isalnum() or char == "_" or (not char.isascii() and unicodedata.category(char) in _MARKS)


def has_marks(text: str) -> bool:
    """Whether `text`, decomposed, has a combining mark: an accented letter, or a bare mark."""
    return not text.isascii() and any(unicodedata.category(c) in _MARKS for c in unicodedata.normalize("NFD", text))


class Place(NamedTuple):
    """Where a paragraph is, as a card cites it: `name` ("p. 12", a chapter, "§ Heading"),
    and for a PDF the page's number in the file and its printed label."""

    name: str
    page: int = 0
    label: str = ""


# Runs of `\w`: the index's words. A match of a quote at word boundaries (see
# quotes.py) contains each of its own `\w` runs as a whole run of the text.
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SourceText:
    """A text's paragraphs, normalised and joined by single spaces."""

    path: Path
    normalized: str
    paragraph_starts: tuple[int, ...]
    digest: str = ""  # the SHA-256 of the file as read
    places: tuple[Place, ...] = ()  # each paragraph's; none: paragraphs are cited by number
    hyphenated: tuple[str, ...] = ()  # words joined at a line-end hyphen that a quote may hyphenate
    decomposed: bool = False  # the file wrote some accents as separate combining marks

    def paragraph_at(self, offset: int) -> int:
        """The 1-based number of the paragraph that holds `offset`."""
        return bisect.bisect_right(self.paragraph_starts, offset)

    def paragraph_end(self, number: int) -> int:
        if number < len(self.paragraph_starts):
            return self.paragraph_starts[number] - 1
        return len(self.normalized)

    def paragraph(self, number: int) -> str:
        return self.normalized[self.paragraph_starts[number - 1] : self.paragraph_end(number)]

    def place_name(self, number: int) -> str:
        """How a card cites paragraph `number`: its place, else its number."""
        name = self.places[number - 1].name if self.places else ""
        return name or f"paragraph {number}"

    def citation(self, start: int, end: int) -> tuple[str, int]:
        """How a card cites the text from `start` to `end`, and the PDF page it begins on (else 0):
        a quote over a page break cites both pages, "pp. 12–13"."""
        first = self.paragraph_at(start)
        if not self.places:
            return self.place_name(first), 0
        last = self.paragraph_at(max(start, end - 1))
        begins, ends = self.places[first - 1], self.places[last - 1]
        if begins.page and ends.page != begins.page:
            return f"pp. {begins.label}–{ends.label}", begins.page
        return self.place_name(first), begins.page

    def page_break_between(self, first: int, last: int) -> bool:
        """Whether paragraphs `first` and `last` are on different pages of a PDF, where a
        paragraph never runs over a page: the break may be only the page's."""
        return bool(self.places) and self.places[first - 1].page != self.places[last - 1].page

    @property
    def paragraph_count(self) -> int:
        return len(self.paragraph_starts)

    @cached_property
    def word_index(self) -> dict[str, array[int]]:
        """Where each word starts, in order: built once, so that finding many quotes
        costs the text's length once rather than once per quote."""
        index: dict[str, array[int]] = {}
        for match in WORD.finditer(self.normalized):
            positions = index.get(match.group())
            if positions is None:
                positions = index[match.group()] = array("i")  # texts stay under 2 GB
            positions.append(match.start())
        return index


# How many characters of texts a build keeps read at once (their word indexes besides):
# a deck citing many big texts reads one again rather than holding them all.
TEXT_BUDGET = 64 * 2**20


class TextShelf(dict[Path, SourceText]):
    """The texts read so far, as many as fit in `budget` characters; the oldest go first."""

    def __init__(self, budget: int = TEXT_BUDGET) -> None:
        super().__init__()
        self.budget = budget
        self.size = 0

    def __setitem__(self, path: Path, text: SourceText) -> None:
        while self and self.size + len(text.normalized) > self.budget:
            self.size -= len(self.pop(next(iter(self))).normalized)
        super().__setitem__(path, text)
        self.size += len(text.normalized)


# A text's file name, bytes and where it is cited -> its paragraphs, or the problem that stops them.
Extract = Callable[[Path, bytes, Location], Extracted | Problem]


def load_text(path: Path, cited_at: Location, extract_text: Extract = extract) -> SourceText | Problem:
    """The text a card file cites, or the problem that stops it, located at `cited_at`.

    `extract_text` reads the file's bytes into paragraphs (speed/ passes one that
    remembers its results by the bytes' digest).
    """
    try:
        loaded = load_shown(path, cited_at, extract_text)
    except MemoryError:  # reading and normalising hold a few copies of the text at once
        return error(
            cited_at,
            f"there was not enough memory to read the text file {path.name}",
            "close other programs, or split the text into smaller files",
        )
    return loaded if isinstance(loaded, Problem) else loaded[0]


def load_shown(path: Path, cited_at: Location, extract_text: Extract = extract) -> tuple[SourceText, str] | Problem:
    """As load_text, with the text as shown (see assemble)."""
    read = read_bytes_and_digest(path, cited_at)
    if isinstance(read, Problem):
        return read
    data, digest = read
    extracted = extract_text(path, data, cited_at)
    if isinstance(extracted, Problem):
        return extracted
    text, shown = assemble(path, extracted, digest)
    if not text.normalized:
        return error(cited_at, f"the text file {path.name} is empty", _empty_hint(extracted.kind))
    return text, shown


def _empty_hint(kind: str) -> str:
    return "paste the text into it" if kind in ("text", "markdown") else "it has no text to quote: cite another file"


def assemble(path: Path, extracted: Extracted, digest: str = "") -> tuple[SourceText, str]:
    """The text as quotes are matched against it, and the same with the text's own quote marks
    (straightening replaces one character with one, so the two line up offset for offset;
    both have their accents composed)."""
    shown_paragraphs = []
    places = []
    for paragraph in extracted.paragraphs:
        shown = composed(collapse_whitespace(fold_invisible(paragraph.text)))
        if shown:
            shown_paragraphs.append(shown)
            places.append(Place(paragraph.place, paragraph.page, paragraph.label))
    starts = []
    offset = 0
    for shown in shown_paragraphs:
        starts.append(offset)
        offset += len(shown) + 1
    whole = " ".join(shown_paragraphs)
    cited = tuple(places) if any(place.name for place in places) else ()
    was_decomposed = any(decomposed(paragraph.text) for paragraph in extracted.paragraphs)
    text = SourceText(
        path, straighten_quotes(whole), tuple(starts), digest, cited, extracted.hyphenated, was_decomposed
    )
    return text, whole


def parse_text(path: Path, raw: str) -> SourceText:
    """Plain text, paragraphs at blank lines."""
    return assemble(path, with_words_joined(plain_paragraphs(raw)))[0]
