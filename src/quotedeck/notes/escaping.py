"""Card text is text: everything a curator writes is escaped before it becomes a field."""

from __future__ import annotations

import html
import re

from quotedeck.notes.numbering import Deletion

# What escape_text changes; most text has none of it, and is then returned as it is.
_SPECIAL = re.compile(r"[&<>{}\n]")


def escape_text(text: str) -> str:
    """HTML-escape `text`; braces too, so that no `{{c1::…}}` can be typed into a card."""
    if _SPECIAL.search(text) is None:
        return text
    escaped = html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
    return escaped.replace("\n", "<br>")


def escape_in_cloze(text: str) -> str:
    """Inside a deletion `::` would start a hint: colons are escaped as well."""
    return escape_text(text).replace(":", "&#58;")


def cloze_html(quote: str, deletions: list[Deletion]) -> str:
    """The quote as a cloze field: escaped text with `{{cN::…}}` around each hidden span."""
    marks = sorted([(start, end, d) for d in deletions for start, end in d.spans])  # spans never overlap
    pieces = []
    cursor = 0
    for start, end, deletion in marks:
        pieces.append(escape_text(quote[cursor:start]))
        hint = f"::{escape_in_cloze(deletion.phrase.hint)}" if deletion.phrase.hint else ""
        pieces.append(f"{{{{c{deletion.ordinal}::{escape_in_cloze(quote[start:end])}{hint}}}}}")
        cursor = end
    pieces.append(escape_text(quote[cursor:]))
    return "".join(pieces)
