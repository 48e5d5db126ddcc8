"""`quotedeck preview`: one self-contained HTML page with every card, front and back,
in phone-sized frames, as a phone shows it.

Each side is rendered by quotedeck.preview.render (the same HTML Anki renders) and put in
AnkiDroid's page shell with the notetype's CSS; a card's image and sound go inside the
page (preview/media.py), and its Content-Security-Policy lets nothing be fetched. The
cards stay free of scripts:
the frames are sandboxed without `allow-scripts`. Only the page around them has a
little JavaScript, for the night switch, the filter and fitting the frames.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from quotedeck.errors import OutputError
from quotedeck.model import VerifiedCard
from quotedeck.notes.notetypes import NOTETYPES
from quotedeck.output.atomic import links_on_the_way, write_atomically
from quotedeck.pipeline import build_folder, check
from quotedeck.preview.media import embedded_media, with_media
from quotedeck.preview.render import RenderedCard, render_note
from quotedeck.problems import Problem
from quotedeck.sources.files import is_inside

# The width the frames have: a common phone (iPhone 12-15, many Androids) in CSS pixels.
PHONE_WIDTH = 390
PHONE_HEIGHT = 844

# AnkiDroid's flashcard.css rules that bear on layout and colour (see docs/phone-cards.md).
ANKIDROID_CSS = (
    "body{margin:0;overflow-wrap:break-word}"
    "#content{margin:.5em}"
    "img{max-width:100%}"
    "body.night_mode{color:white;background-color:black}"
)
# Where Anki shows its play button, the preview shows the browser's player, no wider than the card.
PREVIEW_CSS = "audio{display:block;margin:0 auto;max-width:100%}"
ANKIDROID_HTML_CLASSES = "mobile android linux js"


@dataclass(frozen=True)
class PreviewReport:
    """What the preview page shows."""

    output: Path
    notes: int
    cards: int
    warnings: tuple[Problem, ...]


PREVIEW_SUFFIX = ".html"


def default_preview_output(source: Path) -> Path:
    """`build/preview.html` beside the card source folder."""
    return build_folder(source) / "preview.html"


def check_preview_output(output: Path, source: Path) -> None:
    """Raise OutputError unless `output` can become the preview page: an HTML file, never one
    in the card source folder (a slip of -o would replace a card file, or the lock), never
    through a link in the deck's repository."""
    if is_inside(output, source):
        raise OutputError(
            output,
            f"the preview would be written into the card source folder {source}",
            "write it outside the folder (without -o it goes to build/preview.html beside the folder)",
        )
    if output.suffix.lower() != PREVIEW_SUFFIX:
        raise OutputError(
            output, f"the preview must end in {PREVIEW_SUFFIX}", f"write {output.with_suffix(PREVIEW_SUFFIX)}"
        )
    link = links_on_the_way(output, source.absolute().parent)
    if link is not None:
        raise OutputError(
            output,
            f"{link} is a link; quotedeck writes nothing through a link in the deck's repository",
            "remove the link (a cloned repository may have planted it), or choose a place with -o",
        )
    try:
        if output.is_dir():
            raise OutputError(
                output, "the output path is a folder", f"give a file name, such as {output / 'preview.html'}"
            )
    except OSError as exc:
        raise OutputError.cannot_write(output, "the preview", exc, "the previous page is unchanged") from exc


def phone_document(qa_html: str, ordinal: int, night: bool = False) -> str:
    """A card side as AnkiDroid shows it: `qa_html` (Anki's `<style>` + side) in its page shell."""
    classes = f"card card{ordinal}" + (" nightMode night_mode" if night else "")
    return (
        f'<!doctype html><html class="{ANKIDROID_HTML_CLASSES}"><head><meta charset="utf-8">'
        f"<style>{ANKIDROID_CSS}{PREVIEW_CSS}</style></head>"
        f'<body class="{classes}"><div id="content"><div id="qa">{qa_html}</div></div></body></html>'
    )


def write_preview(source: Path, out: Path | None = None) -> PreviewReport:
    """Check `source` as `build` does, then write the preview page; raises QuotedeckError."""
    output = out or default_preview_output(source)
    check_preview_output(output, source)
    checked = check(source)
    the_plan, warnings = checked.plan, checked.warnings
    cards = [card for stamped in the_plan.notes for card in render_note(stamped.note)]
    media = embedded_media(ref for stamped in the_plan.notes for ref in stamped.note.media)
    page = preview_page(checked.deck.name, cards, len(the_plan.notes), checked.drafts, media)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(output, page.encode())
    except OSError as exc:
        raise OutputError.cannot_write(output, "the preview", exc, "the previous page is unchanged") from exc
    return PreviewReport(output, len(the_plan.notes), len(cards), tuple(sorted(warnings, key=Problem.sort_key)))


def preview_page(
    deck_name: str,
    cards: list[RenderedCard],
    notes: int,
    drafts: tuple[VerifiedCard, ...] = (),
    media: Mapping[str, str] | None = None,
) -> str:
    """The whole page: every card's two sides, the switch, the filter, nothing fetched; drafts
    apart at the end, as quotes waiting for a term or a question. `media` maps each media
    name in the notes to its `data:` URI (preview/media.py)."""
    tags = sorted({tag for card in cards for tag in card.tags})
    options = "".join(f'<option value="{html.escape(tag)}">{html.escape(tag)}</option>' for tag in tags)
    sections = "\n".join(_card_section(card, media or {}) for card in cards) + _drafts_section(drafts)
    waiting = f" · {len(drafts)} draft{'s' if len(drafts) != 1 else ''} to finish" if drafts else ""
    replacements = {
        "TITLE": html.escape(deck_name),
        "COUNT": f"{len(cards)} cards from {notes} notes{waiting}",
        "TOTAL": str(len(cards)),
        "OPTIONS": options,
        "CARDS": sections,
        "WIDTH": str(PHONE_WIDTH),
    }
    template = (files("quotedeck.preview") / "page.html").read_text(encoding="utf-8")
    return re.sub(r"@@([A-Z]+)@@", lambda m: replacements[m.group(1)], template)


def _drafts_section(drafts: tuple[VerifiedCard, ...]) -> str:
    if not drafts:
        return ""
    items = "".join(
        f'<li class="pv-draft"><b>{html.escape(d.card.id)}</b> · {html.escape(d.card.source.title)}, '
        f"{html.escape(d.place)} · {html.escape(d.card.response)}<blockquote>{html.escape(d.shown)}</blockquote>"
        f"{f'<p>{html.escape(d.card.extra)}</p>' if d.card.extra else ''}</li>"
        for d in drafts
    )
    heading = "<h2>Drafts: quotes waiting for a term or a question</h2>"
    return f'\n<section class="pv-drafts">{heading}<ol>{items}</ol></section>'


def _card_section(card: RenderedCard, media: Mapping[str, str]) -> str:
    css = phone_sized(NOTETYPES[card.kind].css)
    label = f"{card.kind.value} · {card.card_id} · c{card.ordinal}"
    # The Spare field holds only media markup: no words to filter by.
    words = (_plain(value) for name, value in card.fields.items() if name != "Spare")
    search = " ".join([card.card_id, card.kind.value, *card.tags, *words])
    sides = "".join(
        _frame(name, f"<style>{css}</style>{with_media(side, media)}", card.ordinal, f"{label}, {name.lower()}")
        for name, side in (("Front", card.front), ("Back", card.back))
    )
    tag_list = " ".join(f"<li>{html.escape(tag)}</li>" for tag in card.tags)
    return (
        f'<section class="pv-card" data-tags="{html.escape(json.dumps(list(card.tags)))}" '
        f'data-search="{html.escape(search.casefold())}">'
        f'<h2>{html.escape(label)}</h2><ul class="pv-tags">{tag_list}</ul>'
        f'<div class="pv-sides">{sides}</div></section>'
    )


def phone_sized(css: str) -> str:
    """The CSS with each `vh` length as pixels of the phone's screen. A frame is as tall as its
    card, not as the phone: measured at height 0 to fit it, an image's `max-height: 80vh` would
    be nothing, and a tall image would shrink to the frame."""
    return _VH.sub(lambda m: f"{float(m.group(1)) * PHONE_HEIGHT / 100:g}px", css)


_VH = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)vh\b")


def _frame(name: str, qa_html: str, ordinal: int, title: str) -> str:
    document = phone_document(qa_html, ordinal)
    return (
        f'<figure class="pv-phone"><figcaption>{name}</figcaption>'
        f'<iframe title="{html.escape(title)}" sandbox="allow-same-origin" width="{PHONE_WIDTH}" height="320" '
        f'srcdoc="{html.escape(document, quote=True)}"></iframe></figure>'
    )


def _plain(field_html: str) -> str:
    """A field's text as read: cloze marks, tags and entities gone."""
    text = re.sub(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", r"\1 \2", field_html, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())
