"""Source texts, normalised once so that quotes can be found by plain search."""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from quotedeck.problems import Location, Problem, error
from quotedeck.sources.reading import read_text_and_digest

# Curly quotes and apostrophes match their straight forms; nothing else is folded.
_QUOTE_MARKS = (("“", '"'), ("”", '"'), ("„", '"'), ("‟", '"'), ("‘", "'"), ("’", "'"), ("‚", "'"), ("‛", "'"))
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


# Whitespace is collapsed a piece at a time: `re.sub` keeps every piece of its
# result alive until it joins them, which for a 50 MB text is gigabytes.
_PIECE = 1 << 20


def collapse_whitespace(text: str) -> str:
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


def normalize(text: str) -> str:
    """The form in which quotes are compared: one space for any whitespace, straight quotes,
    accents composed (NFC: `n` and a combining tilde become `ñ`)."""
    text = straighten_quotes(collapse_whitespace(text))
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


def load_text(path: Path, cited_at: Location) -> SourceText | Problem:
    """The text a card file cites, or the problem that stops it, located at `cited_at`."""
    try:
        read = read_text_and_digest(path, cited_at)
        if isinstance(read, Problem):
            return read
        raw, digest = read
        text = replace(parse_text(path, raw), digest=digest)
    except MemoryError:  # reading and normalising hold a few copies of the text at once
        return error(
            cited_at,
            f"there was not enough memory to read the text file {path.name}",
            "close other programs, or split the text into smaller files",
        )
    if not text.normalized:
        return error(cited_at, f"the text file {path.name} is empty", "paste the text into it")
    return text


def parse_text(path: Path, raw: str) -> SourceText:
    paragraphs = [normalize(p) for p in _PARAGRAPH_BREAK.split(raw)]
    starts = []
    offset = 0
    for paragraph in paragraphs:
        if paragraph:
            starts.append(offset)
            offset += len(paragraph) + 1
    return SourceText(path, " ".join(p for p in paragraphs if p), tuple(starts), decomposed=decomposed(raw))
