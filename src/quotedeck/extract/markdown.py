"""Markdown, read by markdown-it-py (CommonMark): the words of each block, never its marks.

Emphasis, links and code marks are markup, not text; raw HTML is left out.
Each paragraph is cited by the nearest heading above it.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from quotedeck.extract.records import Extracted, Paragraph

_PARSER = MarkdownIt("commonmark").enable("table")


def markdown_paragraphs(text: str) -> Extracted:
    """Markdown's paragraphs as a reader sees them, each under its nearest heading."""
    paragraphs: list[Paragraph] = []
    heading = ""
    in_heading = False
    for token in _PARSER.parse(text):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline":
            words = _inline_text(token)
            if in_heading:
                heading = " ".join(words.split())
                paragraphs.append(Paragraph(words, _section(heading)))
            elif words.strip():
                paragraphs.append(Paragraph(words, _section(heading)))
        elif token.type in ("fence", "code_block") and token.content.strip():
            paragraphs.append(Paragraph(token.content, _section(heading)))
    return Extracted("markdown", tuple(paragraphs))


def _inline_text(token: Token) -> str:
    pieces = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append("\n")
        elif child.type == "image":
            pieces.append(_inline_text(child))  # its alt text
    return "".join(pieces)


def _section(heading: str) -> str:
    return f"§ {heading}" if heading else ""
