"""Render a note's cards as Anki does, without Anki: what the preview shows.

Only the template syntax quotedeck's notetypes use is supported: `{{Field}}`,
`{{cloze:Field}}`, and the sections `{{#Field}}…{{/Field}}` and
`{{^Field}}…{{/Field}}`. The output matches Anki's card.question_text /
answer_text byte for byte (tests/test_render.py compares them card by card).
Anki's own markup (`[sound:…]`, `[latex]…`, MathJax's `\\(…\\)`) needs no
rendering here: quotedeck's fields never hold it as markup (notes/escaping.py),
so Anki shows it as text, and so does the preview. The one exception is the
card's own image and sound, which preview/media.py puts inside the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from quotedeck.errors import QuotedeckError
from quotedeck.model import Kind, NoteSpec
from quotedeck.notes.notetypes import NOTETYPES, Notetype


class TemplateError(QuotedeckError):
    """A card template uses syntax or a field that the renderer does not know."""


@dataclass(frozen=True)
class RenderedCard:
    """One Anki card of a note: its two sides as HTML (without the notetype CSS)."""

    card_id: str
    kind: Kind
    ordinal: int  # the cloze number; Anki's card ord is one less
    front: str
    back: str
    hidden: tuple[str, ...]  # the text of each span this card hides, as HTML
    tags: tuple[str, ...]
    deck: str
    fields: Mapping[str, str]


# Anki's cloze syntax, for fields without nested clozes (quotedeck escapes braces
# in everything a curator writes, so its fields never nest).
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
# Anki's test for an empty field (rslib/src/template.rs, `field_is_empty`).
_EMPTY_FIELD = re.compile(r"^(?:\s|</?(?:br|div) ?/?>)*$", re.IGNORECASE)


def encode_attribute(text: str) -> str:
    """Escape as Anki's `data-cloze` attribute does (the htmlescape crate's encode_attribute)."""
    named = {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;"}
    out = []
    for char in text:
        if char in named:
            out.append(named[char])
        elif ord(char) < 256 and not (char.isascii() and char.isalnum()):
            out.append(f"&#x{ord(char):X};")
        else:
            out.append(char)
    return "".join(out)


def cloze_numbers(text: str) -> list[int]:
    """The cloze numbers in a field, each once, in order of appearance."""
    return list(dict.fromkeys(int(m.group(1)) for m in _CLOZE.finditer(text)))


def hidden_texts(text: str, ordinal: int) -> tuple[str, ...]:
    """What cloze `ordinal` hides, once per place it occurs (HTML, as in the field)."""
    return tuple(m.group(2) for m in _CLOZE.finditer(text) if int(m.group(1)) == ordinal)


def render_cloze(text: str, ordinal: int, question: bool) -> str:
    """Anki's `{{cloze:…}}` filter for card `ordinal`; empty if the field has no such cloze."""
    found = False

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        number, content, hint = int(match.group(1)), match.group(2), match.group(3)
        if number != ordinal:
            return f'<span class="cloze-inactive" data-ordinal="{number}">{content}</span>'
        found = True
        if question:
            shown = f"[{hint}]" if hint is not None else "[...]"
            return (
                f'<span class="cloze" data-cloze="{encode_attribute(content)}" data-ordinal="{number}">{shown}</span>'
            )
        return f'<span class="cloze" data-ordinal="{number}">{content}</span>'

    rendered = _CLOZE.sub(replace, text)
    return rendered if found else ""


def render_template(template: str, fields: Mapping[str, str], ordinal: int, question: bool) -> str:
    """The template with its fields filled in, for cloze card `ordinal`."""
    pieces: list[str] = []
    # Each open section: (field name, whether its content is shown).
    sections: list[tuple[str, bool]] = []
    cursor = 0
    for match in _TAG.finditer(template):
        if all(shown for _, shown in sections):
            pieces.append(template[cursor : match.start()])
        cursor = match.end()
        tag = match.group(1).strip()
        if tag[:1] in "#^":
            name = tag[1:].strip()
            filled = not _EMPTY_FIELD.match(_field(fields, name))
            sections.append((name, filled if tag[0] == "#" else not filled))
        elif tag.startswith("/"):
            name = tag[1:].strip()
            if not sections or sections[-1][0] != name:
                raise TemplateError(f"`{{{{/{name}}}}}` closes no open section")
            sections.pop()
        elif all(shown for _, shown in sections):
            pieces.append(_replacement(tag, fields, ordinal, question))
    if sections:
        raise TemplateError(f"the section `{sections[-1][0]}` is not closed")
    pieces.append(template[cursor:])
    return "".join(pieces)


def _field(fields: Mapping[str, str], name: str) -> str:
    try:
        return fields[name]
    except KeyError:
        raise TemplateError(f"the template uses an unknown field `{name}`") from None


def _replacement(tag: str, fields: Mapping[str, str], ordinal: int, question: bool) -> str:
    *filters, name = (part.strip() for part in tag.split(":"))
    value = _field(fields, name)
    for name_of_filter in reversed(filters):
        if name_of_filter != "cloze":
            raise TemplateError(f"the filter `{name_of_filter}:` is not supported")
        value = render_cloze(value, ordinal, question)
    return value


def render_note(note: NoteSpec, notetype: Notetype | None = None) -> list[RenderedCard]:
    """Every card of the note, in cloze order."""
    notetype = notetype or NOTETYPES[note.kind]
    fields = dict(zip(notetype.fields, note.fields, strict=True))
    quote = fields["Quote"]
    return [
        RenderedCard(
            card_id=note.card_id,
            kind=note.kind,
            ordinal=ordinal,
            front=render_template(notetype.front, fields, ordinal, question=True),
            back=render_template(notetype.back, fields, ordinal, question=False),
            hidden=hidden_texts(quote, ordinal),
            tags=note.tags,
            deck=note.deck,
            fields=fields,
        )
        for ordinal in note.ordinals
    ]
