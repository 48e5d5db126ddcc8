"""What extraction gives: a text's paragraphs, each with where it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as extracted: its text (line breaks kept, markup gone) and its place.

    `place` is what a card cites ("Chapter 3", "§ Heading"; empty: the paragraph number);
    for a PDF, `page` is the page's number in the file (1-based) and `label` its printed label.
    """

    text: str
    place: str = ""
    page: int = 0
    label: str = ""


@dataclass(frozen=True)
class Extracted:
    """A text's paragraphs in reading order.

    `kind` names the format ("text", "markdown", "html", "epub", "pdf"). `hyphenated`
    holds the words broken by a hyphen at a line end that were joined although the
    text gives no sign which they are (`self-` / `control`): a quote may give them
    with the hyphen too.
    """

    kind: str
    paragraphs: tuple[Paragraph, ...]
    hyphenated: tuple[str, ...] = ()
