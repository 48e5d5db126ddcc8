"""Which reader a text gets, by its file name's suffix, and the problems that stop it.

`extract` is a pure function of the file's name and bytes, so that speed/ can
keep its result under the bytes' digest.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import lxml.etree

from quotedeck.extract.epub import BROKEN as BROKEN_EPUB
from quotedeck.extract.epub import epub_paragraphs
from quotedeck.extract.html import NotText, html_paragraphs
from quotedeck.extract.hyphens import with_words_joined
from quotedeck.extract.markdown import markdown_paragraphs
from quotedeck.extract.pdf import Unreadable, pdf_paragraphs
from quotedeck.extract.plain import plain_paragraphs
from quotedeck.extract.records import Extracted
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.reading import decode_utf8

KINDS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
KINDS |= {".xhtml": "html", ".epub": "epub", ".pdf": "pdf"}
_SIGNATURES = ((b"%PDF-", "pdf", "a PDF"), (b"PK\x03\x04", "epub", "a ZIP archive (such as an EPUB)"))


def kind_of(path: Path) -> str:
    """The kind of text a file holds, by its suffix; any other suffix is plain text."""
    return KINDS.get(path.suffix.lower(), "text")


def extract(path: Path, data: bytes, cited_at: Location) -> Extracted | Problem:
    """The file's paragraphs with their places, or the problem at `cited_at` that stops it."""
    kind = kind_of(path)
    name = path.name
    found = next(((k, what) for signature, k, what in _SIGNATURES if data[:1024].lstrip().startswith(signature)), None)
    if found is not None and found[0] != kind:
        wanted = ".pdf" if found[0] == "pdf" else ".epub"
        return error(cited_at, f"{name} is {found[1]}, not {_describe(kind)}", f"rename it to `{path.stem}{wanted}`")
    if kind in ("pdf", "epub") and found is None:
        return error(
            cited_at,
            f"{name} is not {_describe(kind)}: it does not begin as one",
            "name the file after what it holds (.txt, .md, .html, .epub, .pdf), or save it again as " + _describe(kind),
        )
    try:
        extracted = _read(kind, path, data)
    except NotText as exc:
        return error(cited_at, f"{name}: {exc}", exc.hint)
    except Unreadable as exc:
        return error(cited_at, f"{name}: {exc}", "the file may be cut short or damaged: download or export it again")
    except (*BROKEN_EPUB, zipfile.BadZipFile, lxml.etree.LxmlError) as exc:
        return error(
            cited_at,
            f"{name} cannot be read as {_describe(kind)} ({type(exc).__name__}: {exc})",
            "the file may be cut short or damaged: download or export it again",
        )
    if isinstance(extracted, Problem):
        return extracted
    return with_words_joined(extracted)


def _read(kind: str, path: Path, data: bytes) -> Extracted | Problem:
    if kind == "pdf":
        return pdf_paragraphs(data)
    if kind == "epub":
        return epub_paragraphs(data)
    if kind == "html":
        return html_paragraphs(data)
    text = decode_utf8(path, data)
    if isinstance(text, Problem):
        return text
    return markdown_paragraphs(text) if kind == "markdown" else plain_paragraphs(text)


def _describe(kind: str) -> str:
    return {"pdf": "a PDF", "epub": "an EPUB", "html": "an HTML page", "markdown": "Markdown"}.get(kind, "plain text")
