"""Reading apps' highlight exports, read as highlights: Kindle's `My Clippings.txt`,
KOReader's JSON, Readwise's CSV, and Markdown or text with a quote a paragraph.

Each reader keeps what the app says: the highlight's words (as mangled as the app made
them), the book, the reader's note, and where it was (page, location). Nothing here
looks at the deck's texts.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from quotedeck.problems import Location, Problem, error
from quotedeck.sources.reading import read_utf8


@dataclass(frozen=True)
class Highlight:
    """One passage a reader marked, as a reading app exported it."""

    book: str
    author: str
    text: str
    note: str  # the reader's own note on it, if any
    where: str  # as the app gives it: "page 12, location 140-142"
    app: str  # Kindle, KOReader, Readwise, Markdown


@dataclass(frozen=True)
class Export:
    """A reading app's export: its highlights, by book."""

    kind: str
    highlights: tuple[Highlight, ...]

    @property
    def books(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.book for h in self.highlights))


def read_export(path: Path) -> Export | Problem:
    """The highlights of an export file, whichever of the four kinds it is."""
    raw = read_utf8(path, Location(path))  # a BOM is dropped here, as Kindle writes one
    if isinstance(raw, Problem):
        return raw
    try:
        if path.suffix.lower() == ".json":
            return Export("KOReader", tuple(_koreader(json.loads(raw))))
        if path.suffix.lower() == ".csv":
            return Export("Readwise", tuple(_readwise(raw)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return error(Location(path), f"cannot read this export: {exc}", "pass the file the app exported, unchanged")
    if _KINDLE_SEPARATOR.search(raw):
        return Export("Kindle", tuple(_kindle(raw)))
    return Export("Markdown", tuple(_markdown(raw, path.stem)))


_KINDLE_SEPARATOR = re.compile(r"^==========\s*$", re.M)
_KINDLE_META = re.compile(r"^-\s*Your (Highlight|Note|Bookmark)\b(.*)$", re.I)
_KINDLE_PAGE = re.compile(r"\bpage (\S+?)\s*(?:\||$)", re.I)
_KINDLE_LOCATION = re.compile(r"\blocation (\d+)(?:-(\d+))?", re.I)
_KINDLE_ADDED = re.compile(r"\|\s*Added on (.*)$", re.I)
_KINDLE_AUTHOR = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _kindle(raw: str) -> list[Highlight]:
    """`My Clippings.txt`: blocks between `==========` lines; a note belongs to the highlight
    of the same book whose locations hold its own; bookmarks have no words."""
    found: list[tuple[Highlight, int, int]] = []
    notes: list[tuple[str, int, str]] = []
    for block in _KINDLE_SEPARATOR.split(raw):
        lines = block.strip("\ufeff\r\n ").splitlines()
        if len(lines) < 2:
            continue
        meta = _KINDLE_META.match(lines[1].strip())
        if meta is None:
            continue
        title_line = lines[0].strip().lstrip("\ufeff")
        named = _KINDLE_AUTHOR.match(title_line)
        book, author = (named.group(1), named.group(2)) if named else (title_line, "")
        kind, details = meta.group(1).lower(), meta.group(2)
        content = " ".join(line.strip() for line in lines[2:] if line.strip())
        location = _KINDLE_LOCATION.search(details)
        first = int(location.group(1)) if location else -1
        last = int(location.group(2) or location.group(1)) if location else -1
        if kind == "note":
            notes.append((book, last, content))
        elif kind == "highlight" and content:
            page = _KINDLE_PAGE.search(details)
            added = _KINDLE_ADDED.search(details)
            where = ", ".join(
                part
                for part in (
                    f"page {page.group(1)}" if page else "",
                    f"location {location.group(0).split(' ', 1)[1]}" if location else "",
                    f"added on {added.group(1).strip()}" if added else "",
                )
                if part
            )
            found.append((Highlight(book, author, content, "", where, "Kindle"), first, last))
    result = []
    for highlight, first, last in found:
        own = [text for book, at, text in notes if book == highlight.book and first <= at <= last and first >= 0]
        result.append(Highlight(**{**highlight.__dict__, "note": "\n".join(own)}))
    return result


def _koreader(data: object) -> list[Highlight]:
    """KOReader's exporter (plugins/exporter.koplugin/target/json.lua): one book's
    {title, author, entries}, or {documents: [those]} for several."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    documents = data.get("documents", [data])
    found = []
    for document in documents:
        book, author = _json_text(document.get("title")), _json_text(document.get("author"))
        for entry in document.get("entries") or []:
            text = _json_text(entry.get("text")).strip()
            if not text:
                continue
            where = ", ".join(
                part
                for part in (
                    f"page {_json_text(entry['page'])}" if entry.get("page") is not None else "",
                    _json_text(entry.get("chapter")),
                )
                if part
            )
            found.append(Highlight(book, author, text, _json_text(entry.get("note")).strip(), where, "KOReader"))
    return found


# JSON may escape half of a character (a lone surrogate), which no file can be written with.
_HALF_CHARACTER = re.compile("[\ud800-\udfff]")


def _json_text(value: object) -> str:
    """A value of a JSON export as text, any half of a character shown as the replacement character."""
    return _HALF_CHARACTER.sub("\ufffd", "" if value is None else str(value))


_READWISE_COLUMNS = ("Highlight", "Book Title", "Book Author", "Note", "Location Type", "Location")


def _readwise(raw: str) -> list[Highlight]:
    rows = csv.DictReader(io.StringIO(raw, newline=""))
    missing = [name for name in _READWISE_COLUMNS if name not in (rows.fieldnames or [])]
    if missing:
        raise ValueError(f"a Readwise CSV has the columns {', '.join(_READWISE_COLUMNS)}; missing {missing[0]}")
    found = []
    for row in rows:
        text = (row["Highlight"] or "").strip()
        if not text:
            continue
        kind, at = (row["Location Type"] or "").strip(), (row["Location"] or "").strip()
        where = f"{kind} {at}".strip()
        found.append(
            Highlight(
                row["Book Title"] or "", row["Book Author"] or "", text, (row["Note"] or "").strip(), where, "Readwise"
            )
        )
    return found


_BLOCKQUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")


def _markdown(raw: str, book: str) -> list[Highlight]:
    """One quote a paragraph; when the file has `>` blockquotes, only they are quotes."""
    lines = raw.replace("\r\n", "\n").split("\n")
    quoted = any(_BLOCKQUOTE.match(line) for line in lines)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        quote = _BLOCKQUOTE.match(line)
        if (quoted and quote is None) or not line.strip() or (quote is not None and not quote.group(1).strip()):
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if not quoted and line.lstrip().startswith("#"):
            continue  # a heading
        paragraphs[-1].append(quote.group(1) if quote else line)
    texts = [" ".join(part.strip() for part in p) for p in paragraphs if p]
    return [Highlight(book, "", text, "", f"quote {n}", "Markdown") for n, text in enumerate(texts, start=1)]
