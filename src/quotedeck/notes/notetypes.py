"""The two notetypes. Their ids, field lists and template names never change:
Anki forks a notetype whose fields change and then updates none of its notes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files

from quotedeck.model import Kind

TEMPLATE_NAME = "Cloze"


@dataclass(frozen=True)
class Notetype:
    """One of the two notetypes: fixed id, name, fields and templates."""

    kind: Kind
    id: int
    name: str
    fields: tuple[str, ...]
    front: str
    back: str
    css: str

    @property
    def digest(self) -> str:
        """Changes whenever anything Anki stores for the notetype changes."""
        parts = (str(self.id), self.name, *self.fields, TEMPLATE_NAME, self.front, self.back, self.css)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _template(name: str) -> str:
    return (files("quotedeck.notes") / "templates" / name).read_text(encoding="utf-8")


# Frozen since the first release. Anki forks a notetype whose fields are added,
# removed or even renamed, so `Spare` keeps its name: it holds the card's media
# (quotedeck's own <img> and [sound:] markup), which the back shows under the quote.
TERM_FIELDS = ("Id", "Quote", "Term", "Also", "Definition", "Source", "Extra", "Spare")
QUESTION_FIELDS = ("Id", "Question", "Quote", "Answer", "Source", "Extra", "Spare")


def notetype_for(kind: Kind) -> Notetype:
    """The notetype of a kind of card."""
    css = _template("card.css")
    if kind is Kind.TERM:
        return Notetype(
            kind,
            1732000000101,
            "quotedeck term",
            TERM_FIELDS,
            _template("term-front.html"),
            _template("term-back.html"),
            css,
        )
    return Notetype(
        kind,
        1732000000202,
        "quotedeck question",
        QUESTION_FIELDS,
        _template("question-front.html"),
        _template("question-back.html"),
        css,
    )


NOTETYPES = {kind: notetype_for(kind) for kind in (Kind.TERM, Kind.QUESTION)}  # a draft is never a note
