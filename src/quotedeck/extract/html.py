"""HTML, parsed by lxml: the text a reader sees, in blocks, each cited by the nearest heading.

Left out, as a reader never sees them as the page's text: scripts, styles,
templates, navigation, and elements hidden by the `hidden` attribute,
`aria-hidden="true"` or an inline `display: none` / `visibility: hidden`.
Entities are decoded by the parser, so they never reach matching as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import lxml.etree
import lxml.html

from quotedeck.extract.records import Extracted, Paragraph

_SKIPPED = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "button",
        "textarea",
    ]
)
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# A page with a password field and fewer words than this is a login page, not the text.
LOGIN_WORDS = 300


class NotText(ValueError):
    """The page is not the text: what it is instead, and what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def parse_html(data: bytes) -> Any:
    """The document's root element; raises lxml.etree.LxmlError or ValueError when it has none."""
    return lxml.html.document_fromstring(data)


def html_paragraphs(data: bytes) -> Extracted:
    """Raises NotText for a login page, lxml.etree.LxmlError or ValueError for no HTML at all."""
    root = parse_html(data)
    paragraphs = [Paragraph(text, _section(heading)) for text, heading in blocks(root)]
    words = sum(len(p.text.split()) for p in paragraphs)
    if words < LOGIN_WORDS and root.xpath(".//input[translate(@type, 'PASSWORD', 'password') = 'password']"):
        raise NotText(
            f"this page asks for a password and has only {words} words: it is a login page, not the text",
            "log in, open the text in the browser and save it again (File → Save Page As), or cite a copy of the text",
        )
    return Extracted("html", tuple(paragraphs))


def blocks(root: Any, anchors: dict[str, str] | None = None, place: str = "") -> list[tuple[str, str]]:
    """The text of each block below `root`, with the heading it comes under.

    With `anchors` (element ids to titles, as an EPUB's table of contents gives
    them) the place is `place`, then the title of each anchor met, not the headings.
    """
    found: list[tuple[str, str]] = []
    pieces: list[str] = []
    state = {"place": place}

    def flush() -> None:
        text = "".join(pieces)
        pieces.clear()
        if text.strip():
            found.append((text.strip(), state["place"]))

    def heading(text: str) -> None:
        flush()
        title = " ".join(text.split())
        if title:
            if anchors is None:
                state["place"] = title
            found.append((title, state["place"]))

    def anchor(element_id: str) -> None:
        flush()
        state["place"] = (anchors or {})[element_id]

    _walk(root, pieces, flush, heading, anchor if anchors else None, anchors or {})
    flush()
    return found


def _walk(
    root: Any,
    pieces: list[str],
    flush: Callable[[], None],
    heading: Callable[[str], None],
    anchor: Callable[[str], None] | None,
    anchors: dict[str, str],
) -> None:
    # An explicit stack: a deeply nested page must not exhaust Python's recursion.
    stack: list[tuple[Any, bool]] = [(root, False)]
    preformatted = 0
    while stack:
        element, closing = stack.pop()
        if closing:
            tag = _tag(element)
            if tag == "pre":
                preformatted -= 1
            if tag in _BLOCKS:
                flush()
            if element.tail:
                pieces.append(_inline(element.tail, preformatted))
            continue
        tag = _tag(element)
        if tag is None or tag in _SKIPPED or _hidden(element):
            if element.tail:
                pieces.append(_inline(element.tail, preformatted))
            continue
        element_id = element.get("id")
        if anchor is not None and element_id in anchors:
            anchor(element_id)
        if tag in _HEADINGS:
            heading(_heading_text(element))
            if element.tail:
                pieces.append(_inline(element.tail, preformatted))
            continue
        if tag in _BLOCKS:
            flush()
        if tag == "br":
            pieces.append("\n")
        if tag == "pre":
            preformatted += 1
        if element.text:
            pieces.append(_inline(element.text, preformatted))
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(list(_children(element))))


def _children(element: Any) -> Iterator[Any]:
    yield from element


def _tag(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction
        return None
    return lxml.etree.QName(tag).localname.lower() if "}" in tag else tag.lower()


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(element.get("style") or ""))


def _heading_text(element: Any) -> str:
    pieces: list[str] = []
    for text in element.itertext():
        pieces.append(str(text))
    return "".join(pieces)


def _inline(text: str, preformatted: int) -> str:
    """Outside <pre>, line breaks in the source are spaces, as a browser shows them."""
    return text if preformatted else _SPACE.sub(" ", text)


def _section(heading: str) -> str:
    return f"§ {heading}" if heading else ""
