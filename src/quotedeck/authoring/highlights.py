"""`quotedeck highlights`: a reading app's highlights become drafts, each the text's own words.

Each highlight is looked for with `find`'s matcher (so a ligature, a lost hyphen or a
page break inside it matters little), then lined up with the text word for word: the
draft's quote is the passage of the text, never the app's string. A highlight whose
passage overlaps a card's or a draft's quote is known already, so a re-run, or a
highlight the reader later made longer or shorter, adds nothing. One that cannot be
placed is reported with its closest passage.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from quotedeck.authoring.exports import Export, Highlight, read_export
from quotedeck.authoring.find import WordIndex, deck_texts, load_indexes, search
from quotedeck.authoring.yaml_quoting import scalar
from quotedeck.errors import SourceProblems
from quotedeck.model import VerifiedCard
from quotedeck.output.atomic import write_atomically
from quotedeck.pipeline import check_card_file
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.files import list_sources
from quotedeck.sources.ids import MAX_ID_LENGTH, slugify
from quotedeck.sources.yamlnodes import MappingNode, ScalarNode, SequenceNode, load_yaml
from quotedeck.verify.texts import SourceText, normalize

# How alike (0-100) the highlight and the text's passage must be for the highlight to be placed.
PLACED_FROM = 80.0
_ID_WORDS = 6


@dataclass(frozen=True)
class Placed:
    """A highlight found in a deck's text: the passage it stands for."""

    highlight: Highlight
    text: Path
    start: int  # in the normalised text
    end: int
    quote: str  # the text's words, with its own quote marks
    paragraph: int
    similarity: float


@dataclass(frozen=True)
class Unplaced:
    """A highlight found in no text, with the closest passage."""

    highlight: Highlight
    closest: str
    paragraph: int
    text: Path | None
    similarity: float


@dataclass(frozen=True)
class DraftFile:
    """A card file of drafts, and the drafts to add to it."""

    path: Path
    before: bytes | None  # None: a new file
    after: bytes
    drafts: tuple[tuple[str, Placed], ...]  # each draft's id and highlight


@dataclass(frozen=True)
class HighlightsReport:
    """What `highlights` adds, skips as known, and could not place."""

    kind: str
    book: str
    highlights: int  # of the book chosen
    known: int  # already a card's or a draft's passage
    files: tuple[DraftFile, ...]
    unplaced: tuple[Unplaced, ...]

    @property
    def added(self) -> int:
        return sum(len(f.drafts) for f in self.files)


def plan_highlights(export_path: Path, root: Path, book: str | None = None) -> HighlightsReport:
    """What `highlights` would write; raises SourceProblems when the export or the choice of book fails."""
    export = _read(export_path)
    chosen = _choose_book(export, export_path, book)
    highlights = [h for h in export.highlights if h.book == chosen]
    known, ids, titles = _deck_quotes(root)
    indexes, problems = load_indexes(deck_texts(root))
    if not indexes:
        raise SourceProblems(problems or [error(Location(root), "the deck has no texts", "cite a text first")])
    searched = _texts_for(chosen, indexes, titles)
    placed: list[Placed] = []
    unplaced: list[Unplaced] = []
    for highlight in highlights:
        spot = locate(highlight, searched)
        if isinstance(spot, Placed):
            placed.append(spot)
        else:
            unplaced.append(spot)
    fresh: list[Placed] = []
    known_count = 0
    for spot in sorted(placed, key=lambda p: (str(p.text), p.start, -(p.end - p.start))):
        span = (spot.text.resolve(), spot.start, spot.end)
        if any(_overlap(span, other) for other in known):
            known_count += 1
            continue
        same = [i for i, other in enumerate(fresh) if _overlap(span, (other.text.resolve(), other.start, other.end))]
        if same:  # the same passage highlighted twice, at two lengths: the longer stays, with both notes
            other = fresh[same[0]]
            longer = spot if spot.end - spot.start > other.end - other.start else other
            notes = "\n".join(dict.fromkeys(n for n in (other.highlight.note, spot.highlight.note) if n))
            fresh[same[0]] = Placed(**{**longer.__dict__, "highlight": _with_note(longer.highlight, notes)})
            known_count += 1
            continue
        fresh.append(spot)
    files = _draft_files(root, fresh, ids, titles, chosen)
    return HighlightsReport(export.kind, chosen, len(highlights), known_count, files, tuple(unplaced))


def write_highlights(report: HighlightsReport) -> None:
    """Append each new draft to its text's drafts file, keeping every byte there."""
    for file in report.files:
        write_atomically(file.path, file.after)


def locate(highlight: Highlight, indexes: list[WordIndex]) -> Placed | Unplaced:
    """The passage of a text the highlight is, lined up word for word, or the closest one."""
    wanted = cleaned(highlight.text)
    best: tuple[float, WordIndex, int, int] | None = None
    closest: tuple[float, str, int, Path | None] = (0.0, "", 0, None)
    for index in indexes:
        for found in search(wanted, index, limit=2):
            text = index.view.text
            low = max(0, found.start - len(wanted))
            high = min(len(text.normalized), found.start + len(found.passage) + len(wanted))
            window = text.normalized[low:high]
            aligned = fuzz.partial_ratio_alignment(wanted, window, score_cutoff=0)
            if aligned is None:
                continue
            start, end = _whole_words(text, low + aligned.dest_start, low + aligned.dest_end)
            score = fuzz.ratio(wanted, text.normalized[start:end])
            if best is None or score > best[0]:
                best = (score, index, start, end)
            if found.similarity > closest[0]:
                closest = (found.similarity, found.passage, found.paragraph, text.path)
    if best is None or best[0] < PLACED_FROM:
        if best is not None and best[0] > closest[0]:
            score, index, start, end = best
            text = index.view.text
            closest = (score, index.view.passage(start, end), text.paragraph_at(start), text.path)
        return Unplaced(highlight, closest[1], closest[2], closest[3], round(closest[0], 1))
    score, index, start, end = best
    text = index.view.text
    return Placed(
        highlight, text.path, start, end, index.view.passage(start, end), text.paragraph_at(start), round(score, 1)
    )


def cleaned(highlight: str) -> str:
    """The highlight as quotes are compared: ligatures and compatibility forms unfolded
    (NFKC: `ﬁ` is `fi`), soft hyphens dropped, whitespace collapsed, quotes straight."""
    return normalize(unicodedata.normalize("NFKC", highlight).replace("\u00ad", ""))


def _whole_words(text: SourceText, start: int, end: int) -> tuple[int, int]:
    """`start`-`end` widened to whole words and trimmed of spaces at either end."""
    s = text.normalized
    while start > 0 and s[start - 1].isalnum() and s[start].isalnum():
        start -= 1
    while end < len(s) and end > 0 and s[end - 1].isalnum() and s[end].isalnum():
        end += 1
    while start < end and s[start] == " ":
        start += 1
    while end > start and s[end - 1] == " ":
        end -= 1
    return start, end


def _overlap(a: tuple[Path, int, int], b: tuple[Path, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def _with_note(highlight: Highlight, note: str) -> Highlight:
    return Highlight(**{**highlight.__dict__, "note": note})


def _read(export_path: Path) -> Export:
    export = read_export(export_path)
    if isinstance(export, Problem):
        raise SourceProblems([export])
    if not export.highlights:
        raise SourceProblems([error(Location(export_path), "the export holds no highlights", "")])
    return export


def _choose_book(export: Export, export_path: Path, book: str | None) -> str:
    titles = export.books
    if book is None:
        if len(titles) == 1:
            return titles[0]
        listed = "; ".join(f"“{t}” ({sum(h.book == t for h in export.highlights)})" for t in titles)
        raise SourceProblems(
            [
                error(
                    Location(export_path),
                    f"the export holds highlights of {len(titles)} books: {listed}",
                    "choose one with --book TITLE (a part of the title is enough)",
                )
            ]
        )
    matches = [t for t in titles if t.casefold() == book.casefold()] or [
        t for t in titles if book.casefold() in t.casefold()
    ]
    if len(matches) != 1:
        what = "several books" if matches else "no book"
        raise SourceProblems(
            [
                error(
                    Location(export_path),
                    f"--book `{book}` matches {what} of the export",
                    "the books: " + "; ".join(f"“{t}”" for t in (matches or titles)),
                )
            ]
        )
    return matches[0]


def _deck_quotes(
    root: Path,
) -> tuple[list[tuple[Path, int, int]], set[str], dict[Path, tuple[str, str]]]:
    """Every card's and draft's quote span, every id, and each cited text's title and author."""
    spans: list[tuple[Path, int, int]] = []
    ids: set[str] = set()
    titles: dict[Path, tuple[str, str]] = {}
    texts: dict[Path, SourceText] = {}
    for path in list_sources(root).card_files:
        checked = check_card_file(root, path, "", texts)
        ids.update(card_id for card_id, _ in checked.ids)
        for verified in checked.verified:
            spans.append(_span(verified))
            source = verified.card.source
            titles.setdefault(source.text_path.resolve(), (source.title, source.author))
    return spans, ids, titles


def _span(verified: VerifiedCard) -> tuple[Path, int, int]:
    length = len(normalize(verified.shown))
    return verified.card.source.text_path.resolve(), verified.offset, verified.offset + length


def _texts_for(book: str, indexes: list[WordIndex], titles: dict[Path, tuple[str, str]]) -> list[WordIndex]:
    """The text whose title is the book's, when the deck has one; else every text."""
    wanted = book.casefold().strip()
    same = [i for i in indexes if titles.get(i.view.text.path.resolve(), ("", ""))[0].casefold().strip() == wanted]
    return same or indexes


def _draft_files(
    root: Path, fresh: list[Placed], ids: set[str], titles: dict[Path, tuple[str, str]], book: str
) -> tuple[DraftFile, ...]:
    by_text: dict[Path, list[Placed]] = {}
    for spot in fresh:
        by_text.setdefault(spot.text, []).append(spot)
    taken = set(ids)
    files = []
    for text, spots in by_text.items():
        drafts = []
        for spot in sorted(spots, key=lambda p: p.start):
            card_id = _new_id(spot.quote, taken)
            taken.add(card_id)
            drafts.append((card_id, spot))
        path = root / f"{text.stem}-drafts.yaml"
        title, author = titles.get(text.resolve(), (book or text.stem, spots[0].highlight.author))
        files.append(_draft_file(root, path, text, title, author, drafts))
    return tuple(files)


def _new_id(quote: str, taken: set[str]) -> str:
    """From the passage's first words: the same passage, the same id."""
    base = slugify(" ".join(quote.split()[:_ID_WORDS]))[: MAX_ID_LENGTH - 4].strip("-") or "highlight"
    card_id, number = base, 2
    while card_id in taken:
        card_id, number = f"{base}-{number}", number + 1
    return card_id


def _draft_file(
    root: Path, path: Path, text: Path, title: str, author: str, drafts: list[tuple[str, Placed]]
) -> DraftFile:
    before = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    if path.is_symlink() or (path.exists() and before is None):
        raise SourceProblems([error(Location(path), "the drafts file is a link or not a file", "move it away")])
    newline = "\r\n" if before is not None and b"\r\n" in before else "\n"
    indent = "  "
    if before is not None:
        indent = _item_indent(path)
    items = "".join(_draft_yaml(card_id, spot, indent) for card_id, spot in drafts)
    if before is None:
        head = (
            "# Drafts from highlights: give each a `term:` and `definition:`, or a `question:`,\n"
            "# `answer:` and `cloze:`, and remove its `draft:` line.\n"
            f"source:\n  text: {scalar(text.resolve().relative_to(root.resolve()).as_posix())}\n"
            f"  title: {scalar(title)}\n" + (f"  author: {scalar(author)}\n" if author else "") + "cards:\n"
        )
        after = (head + items).replace("\n", newline).encode()
    else:
        body = before if before.endswith((b"\n", b"\r")) or not before else before + newline.encode()
        after = body + items.replace("\n", newline).encode()
    return DraftFile(path, before, after, tuple(drafts))


def _item_indent(path: Path) -> str:
    """The indentation of the card list's dashes, when the file ends with it (as drafts files do)."""
    node = load_yaml(path)
    if isinstance(node, MappingNode) and node.value:
        key, value = node.value[-1]
        if isinstance(key, ScalarNode) and key.value == "cards":
            if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
                return "  "  # `cards:` and nothing yet
            if isinstance(value, SequenceNode) and not value.flow_style and value.value:
                mark = value.value[0].start_mark
                if mark is not None:
                    return " " * max(0, int(mark.column) - 2)
    raise SourceProblems(
        [
            error(
                Location(path),
                "cannot add drafts: the file does not end with its `cards:` list",
                "move `cards:` to the end of the file, or rename the file",
            )
        ]
    )


def _draft_yaml(card_id: str, spot: Placed, indent: str) -> str:
    highlight = spot.highlight
    where = f"{highlight.app}: {highlight.where}" if highlight.where else highlight.app
    pad = indent + "  "
    lines = [f"{indent}- draft: {scalar(where)}", f"{pad}id: {card_id}", f"{pad}quote: {scalar(spot.quote)}"]
    if highlight.note:
        lines.append(f"{pad}extra: {scalar(highlight.note)}")
    return "\n".join(lines) + "\n"
