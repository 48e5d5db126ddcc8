"""A rendered card read as a browser reads it: the text of each part, and every element in it.

Text is taken as the DOM's textContent is: character references decoded, tags
adding nothing (an empty `<span>` between two characters leaves them side by
side), `<br>` a line break.
"""

from __future__ import annotations

from html.parser import HTMLParser

# The parts of quotedeck's templates that show a field (see notes/templates/).
PARTS = ("qd-prompt", "qd-quote", "qd-clue", "qd-term-name", "qd-also", "qd-definition", "qd-extra", "qd-source")
# Elements that have no end tag.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

# Anki's own markup, each of which does something in Anki when it reaches a card as is.
ANKI_MARKUP = (
    "[sound:x.mp3]",
    "[latex]x[/latex]",
    "[$]x[/$]",
    "[$$]x[/$$]",
    "[anki:play:q:0]",
    "[anki:tts lang=en_US]x[/anki:tts]",
    "[[type:Term]]",
    r"\(x\)",
    r"\[x\]",
    "{{c1::x}}",
    "<b>b</b>",
)


class CardPage(HTMLParser):
    """Feed it a card side; then `texts` maps each part to its text, `elements` lists every tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, str] = {}
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[str | None] = []  # for each open element, the part it starts, if any
        # The text as MathJax searches it for formulas: joined across <br> and <wbr>
        # (its includeHtmlTags), parted by any other element.
        self.runs: list[str] = [""]

    def _part(self) -> str | None:
        return next((part for part in reversed(self._open) if part), None)

    def _add(self, text: str) -> None:
        part = self._part()
        if part is not None:
            self.texts[part] += text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "br":
            self._add("\n")
        if tag not in ("br", "wbr"):
            self.runs.append("")
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        part = next((name for name in classes if name in PARTS), None)
        if part is not None:
            self.texts[part] = ""
        self._open.append(part)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        self.runs.append("")
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.runs[-1] += data
        self._add(data)


def read_page(page: str) -> CardPage:
    reader = CardPage()
    reader.feed(page)
    reader.close()
    return reader


# What quotedeck's templates and Anki's cloze filter put on a card; anything else came from a field.
_TEMPLATE_ELEMENTS = frozenset({"style", "article", "div", "blockquote", "section", "footer", "span", "br", "bdi"})
_TEMPLATE_ATTRIBUTES = frozenset({"class", "dir", "id", "data-cloze", "data-ordinal"})


def live_markup(page: str) -> list[str]:
    """Everything in a rendered side that would act in Anki rather than read as text."""
    found = [
        f"<{tag} {attrs}>"
        for tag, attrs in read_page(page).elements
        if tag not in _TEMPLATE_ELEMENTS or set(attrs) - _TEMPLATE_ATTRIBUTES
    ]
    # Turned into play buttons and answer boxes by Anki's reviewer, after rendering.
    found += [marker for marker in ("[anki:play:", "[[type:", "[sound:") if marker in page]
    # Every MathJax delimiter and command Anki's configuration knows starts with a
    # backslash: one that ends its run of text starts none.
    found += [f"MathJax could read {run!r}" for run in read_page(page).runs if "\\" in run[:-1]]
    return found
