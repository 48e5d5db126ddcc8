"""PDF: the text layer as poppler's `pdftotext -raw` reads it, each paragraph cited by its page.

pdftotext (C++, poppler-utils) reads a 500-page book in seconds, where pure-Python
readers take minutes (see bench/run.py); pypdf reads what pdftotext does not
give: the printed page labels (/PageLabels, e.g. a preface numbered i, ii, iii),
and whether the file is encrypted. `-raw` keeps the text in the order it was
written and leaves hyphens as they are, so that this module decides about them.

Lines repeated at the top or bottom of most pages (running heads, footers) and
bare page numbers are dropped, so that a quote runs on over a page break.
Paragraphs end at a short line that ends a sentence.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pypdf
from pypdf.errors import PyPdfError

from quotedeck.extract.html import NotText
from quotedeck.extract.records import Extracted, Paragraph

# Lines this near a page's top or bottom may be running heads, footers or page numbers.
_EDGE = 3
_LETTER = re.compile(r"[^\W\d_]")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"(?:page\s+)?(?:\d+|[ivxlcdm]+)(?:\s*(?:/|of)\s*\d+)?", re.IGNORECASE)
_SHOWN_HYPHENS = frozenset(("-", "\u2010", "\u2011"))
_GLUED_BEFORE_DASH = re.compile(r"[\w\"'\u2019\u201d)\]]$")  # what a closed dash may follow
_SENTENCE_END = re.compile(r"[.!?:…][\"'”’»)\]]*$")
# A line shorter than this share of the page's full lines, ending a sentence, ends its paragraph.
# Justified full lines vary in letters by a fifth and more: at 0.85, one quote in fifty of the
# benchmark's printed texts was taken to run across a paragraph break; at 0.75, none in ten thousand.
_SHORT = 0.75
# A PDF none of whose pages has this many letters has no text layer.
_NO_TEXT = 20
_TIMEOUT = 600


class Unreadable(ValueError):
    """The PDF is broken: pdftotext or pypdf could not read it."""


def pdf_paragraphs(data: bytes) -> Extracted:
    """Raises NotText (no text layer, a password, no pdftotext) or Unreadable (a broken file)."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotText(
                "the PDF is encrypted with a password: its text cannot be read",
                "open it with the password and save or print an unlocked copy, then cite that",
            )
        has_labels = "/PageLabels" in reader.root_object
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        if isinstance(exc, NotText):
            raise
        raise Unreadable(f"the PDF is broken ({exc})") from exc
    pages = _text_pages(data)
    labels = _labels(reader, len(pages)) if has_labels else [str(n) for n in range(1, len(pages) + 1)]
    if not any(len(_LETTER.findall(page, 0, 4096)) >= _NO_TEXT for page in pages):
        raise NotText(
            "the PDF has no text layer (its pages are images, as in a scan)",
            "run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and cite the PDF it writes",
        )
    lines = _without_running_lines([page.splitlines() for page in pages], labels)
    _carry_broken_words(lines)
    paragraphs: list[Paragraph] = []
    for number, page_lines in enumerate(lines, 1):
        label = labels[number - 1]
        for text in _paragraphs(page_lines):
            paragraphs.append(Paragraph(text, f"p. {label}", number, label))
    return Extracted("pdf", tuple(paragraphs))


def _labels(reader: pypdf.PdfReader, count: int) -> list[str]:
    try:
        labels = [str(label) for label in reader.page_labels]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        labels = []
    if len(labels) != count:
        return [str(n) for n in range(1, count + 1)]
    return labels


def _text_pages(data: bytes) -> list[str]:
    executable = shutil.which("pdftotext")
    if executable is None:
        raise NotText(
            "reading a PDF needs poppler's `pdftotext`, which is not installed",
            "install poppler-utils (`apt-get install poppler-utils`, `brew install poppler`)",
        )
    # From a file, not a pipe: poppler reads a pipe into memory first, at half the speed.
    try:
        with tempfile.TemporaryDirectory(prefix="quotedeck-pdf-") as folder:
            copy = Path(folder) / "text.pdf"
            copy.write_bytes(data)
            done = subprocess.run(
                [executable, "-raw", "-enc", "UTF-8", "-q", str(copy), "-"],
                capture_output=True,
                timeout=_TIMEOUT,
                check=False,
            )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unreadable(f"pdftotext could not read the PDF ({exc})") from exc
    if done.returncode != 0:
        raise Unreadable(f"pdftotext could not read the PDF (exit code {done.returncode})")
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    return pages


def _shape(line: str) -> str:
    """A line with its numbers made alike: "Chapter 2 · 14" repeats as "Chapter # · #"."""
    return _DIGITS.sub("#", " ".join(line.split()))


def _without_running_lines(pages: list[list[str]], labels: list[str]) -> list[list[str]]:
    """Each page's lines, less the running heads and footers and the bare page numbers.

    A running line is one that, numbers aside, stands at the same place from the top
    or the bottom of at least half the pages (two at least), and is shorter than the
    text's full lines.
    """
    contents = [_soft_hyphens_joined([line for line in lines if line.strip()]) for lines in pages]
    seen: Counter[tuple[int, str]] = Counter()
    for content in contents:
        seen.update({(place, _shape(content[n])) for n, place in _edge_places(len(content)).items()})
    widths = sorted(len(line) for content in contents for line in content)
    short = widths[int(len(widths) * 0.9)] * _SHORT if widths else 0
    running = {key for key, times in seen.items() if times >= 2 and times * 2 >= len(pages)}
    kept = []
    for content, label in zip(contents, labels, strict=True):
        edges = _edge_places(len(content))
        kept.append(
            [
                line
                for n, line in enumerate(content)
                if n not in edges
                or not (
                    ((edges[n], _shape(line)) in running and len(line.strip()) < short) or _is_page_number(line, label)
                )
            ]
        )
    return kept


def _edge_places(count: int) -> dict[int, int]:
    """The lines near a page's edges by index, each with its place: 0, 1, 2 from the top,
    -1, -2, -3 from the bottom."""
    found: dict[int, int] = {}
    for n in range(min(_EDGE, count)):
        found.setdefault(n, n)
        found.setdefault(count - 1 - n, -1 - n)
    return found


def _soft_hyphens_joined(lines: list[str]) -> list[str]:
    """Where a word breaks at a soft hyphen, some producers (Chromium) write the hyphen they show
    as a text of its own, after the line: it goes, the soft hyphen marks the break."""
    kept: list[str] = []
    for line in lines:
        if line.strip() in _SHOWN_HYPHENS and kept and kept[-1].rstrip().endswith("\u00ad"):
            continue
        kept.append(line)
    return kept


def _is_page_number(line: str, label: str) -> bool:
    stripped = " ".join(line.split())
    return stripped == label or bool(_PAGE_NUMBER.fullmatch(stripped))


def _carry_broken_words(pages: list[list[str]]) -> None:
    """A word broken by a hyphen at a page's end, or a line broken at a dash glued to the words
    on both sides of a page break, is finished on the page where it starts."""
    for page, following in itertools.pairwise(pages):
        if not page or not following:
            continue
        last = page[-1].rstrip()
        first, _, rest = following[0].lstrip().partition(" ")
        hyphen = re.search(r"\w[-\u00ad]$", last) and first[:1].islower()
        dash_before = re.search(r"\S[\u2013\u2014]$", last) and first
        dash_after = _GLUED_BEFORE_DASH.search(last) and re.match(r"[\u2013\u2014]\S", first)
        if hyphen or dash_before or dash_after:
            page[-1] = last + "\n" + first
            if rest.strip():
                following[0] = rest
            else:
                following.pop(0)


def _paragraphs(lines: list[str]) -> list[str]:
    if not lines:
        return []
    lengths = sorted(len(line.strip()) for line in lines)
    full = lengths[int(len(lengths) * 0.9)] if len(lengths) >= 3 else max(lengths)
    found: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        stripped = line.strip()
        if len(stripped) < full * _SHORT and _SENTENCE_END.search(stripped):
            found.append("\n".join(current))
            current = []
    if current:
        found.append("\n".join(current))
    return found
