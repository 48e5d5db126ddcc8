"""EPUB, read by ebooklib: the spine's documents in reading order, each paragraph cited by
its chapter's title from the table of contents (an anchored entry takes over at its anchor)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any

import ebooklib
import lxml.etree
from ebooklib import epub

from quotedeck.extract.html import NotText, blocks, parse_html
from quotedeck.extract.records import Extracted, Paragraph

# Fonts may be obfuscated (IDPF/Adobe) in an ordinary book; encrypted documents mean DRM.
_ENCRYPTED_DOCUMENT = re.compile(rb"URI=\"[^\"]+\.(?:x?html?|xml)\"", re.IGNORECASE)
# ebooklib unpacks every file of the book into memory. An illustrated book unpacks to a few hundred
# MB at most; a small file that claims more is a zip bomb (zipfile never gives more than a file's
# declared size: a file that lies is cut short, and fails its CRC).
MAX_UNPACKED = 512 * 2**20


def epub_paragraphs(data: bytes) -> Extracted:
    """Raises NotText for a book under DRM or one that unpacks too far, and epub.EpubException, zipfile.BadZipFile,
    KeyError, lxml.etree.LxmlError or ValueError for a broken one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise NotText(
                f"the EPUB unpacks to {unpacked / 2**20:,.0f} MB, more than the {MAX_UNPACKED // 2**20} MB "
                "a book can take here (a file this small that unpacks so far may be made to exhaust memory)",
                "if it is a real book, convert it to text or HTML (e.g. with Calibre's ebook-convert) and cite that",
            )
        if "META-INF/encryption.xml" in archive.namelist() and _ENCRYPTED_DOCUMENT.search(
            archive.read("META-INF/encryption.xml")
        ):
            raise NotText(
                "the EPUB is encrypted (DRM): its text cannot be read",
                "cite a copy without DRM, as the publisher or your library's app allows",
            )
    book = epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})
    chapters = _table_of_contents(book.toc)
    paragraphs: list[Paragraph] = []
    place = ""
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue
        name = item.get_name()
        entries = chapters.get(name) or chapters.get(posixpath.basename(name)) or []
        starts = [title for anchor, title in entries if not anchor]
        place = starts[0] if starts else place
        anchors = {anchor: title for anchor, title in entries if anchor}
        content = item.get_content()
        if not content.strip():
            continue
        for text, where in blocks(parse_html(content), anchors, place):
            paragraphs.append(Paragraph(text, where))
        if anchors:
            place = paragraphs[-1].place if paragraphs else place
    return Extracted("epub", tuple(paragraphs))


def _table_of_contents(toc: Any) -> dict[str, list[tuple[str, str]]]:
    """Each document's entries, in order: (anchor or "", title), under its path and its file name."""
    found: dict[str, list[tuple[str, str]]] = {}
    stack = list(reversed(list(toc)))
    while stack:
        entry = stack.pop()
        if isinstance(entry, tuple | list) and len(entry) == 2:
            section, children = entry
            stack.extend(reversed(list(children)))
            entry = section
        href, title = getattr(entry, "href", None), getattr(entry, "title", None)
        if not href or not title:
            continue
        path, _, anchor = str(href).partition("#")
        for key in dict.fromkeys((path, posixpath.basename(path))):
            found.setdefault(key, []).append((anchor, " ".join(str(title).split())))
    return found


BROKEN = (epub.EpubException, zipfile.BadZipFile, KeyError, lxml.etree.LxmlError, ValueError, AttributeError)
