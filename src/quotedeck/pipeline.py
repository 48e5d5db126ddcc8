"""The build, stage by stage, once for every input (a broken deck.yaml or lock included):

    list sources -> parse -> verify -> number clozes -> notes -> plan -> write

Every problem of a run is collected before anything is written. Returns data,
or raises a QuotedeckError; never prints. The speed machinery (speed/) plugs in
at the steps whose work grows with the deck: `check_files` (parse and verify
each card file and make its notes) and `extract_text` (read a text's file).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from quotedeck.errors import LockOutdated, SourceProblems
from quotedeck.extract.formats import extract
from quotedeck.lint.weak import AskedTwice, Asks, asks, lint_card
from quotedeck.model import DeckInfo, Kind, NoteSpec, VerifiedCard
from quotedeck.notes.note import build_note
from quotedeck.notes.numbering import number_phrases
from quotedeck.notes.order import positions, text_order
from quotedeck.output.build_lock import one_build_at_a_time
from quotedeck.output.writing import write_outputs
from quotedeck.problems import Location, Problem, Severity, error
from quotedeck.sources.files import SourceFolder, list_sources
from quotedeck.sources.ids import slugify
from quotedeck.sources.parse import check_cards, parse_card_file, parse_deck
from quotedeck.state.changes import ChangeReport, Plan, Planner
from quotedeck.state.lock import LOCK_VERSION, Lock, read_lock
from quotedeck.verify.cards import verify_cards
from quotedeck.verify.texts import Extract, SourceText, TextShelf

# Called with (steps done, steps in all) as a build goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CheckedFile:
    """One card file parsed and verified. It depends on nothing but the file, the deck's
    name and the texts it cites (never on the lock), so its summary can be cached."""

    path: Path
    ids: tuple[tuple[str, Location], ...]  # each card's id, where it is set (unique across files)
    verified: tuple[VerifiedCard, ...]
    parse_problems: tuple[Problem, ...]
    verify_problems: tuple[Problem, ...]
    texts: tuple[tuple[Path, str], ...]  # the texts and media cited, with the digest of what was read


def check_card_file(
    root: Path, path: Path, deck_name: str, texts: dict[Path, SourceText], extract_text: Extract = extract
) -> CheckedFile:
    """Parse and verify one card file; `texts` keeps the texts read for the next one, and
    `extract_text` reads a text's file (speed/ passes one that remembers)."""
    try:
        cards, parse_problems = parse_card_file(root, path, deck_name)
        verified, verify_problems = verify_cards(cards, root, texts, extract_text)
        # The lint's rules of one card alone run here, so that their warnings are cached with the file.
        verify_problems += [p for card in verified if card.card.kind is not Kind.DRAFT for p in lint_card(card)]
    except MemoryError:  # what reading and verifying did not catch closer to where it happened
        texts.clear()
        short = error(Location(path), "there was not enough memory to check this card file", _MEMORY_HINT)
        return CheckedFile(path=path, ids=(), verified=(), parse_problems=(short,), verify_problems=(), texts=())
    cited = sorted({card.source.text_path for card in cards})
    media = {m.path: m.digest for card in cards for m in (card.image, card.audio) if m is not None}
    return CheckedFile(
        path=path,
        ids=tuple((card.id, card.id_location) for card in cards),
        verified=tuple(verified),
        parse_problems=tuple(parse_problems),
        verify_problems=tuple(verify_problems),
        texts=tuple(sorted([*((text, texts[text].digest) for text in cited if text in texts), *media.items()])),
    )


_MEMORY_HINT = "close other programs, or split the card file or the texts it cites into smaller ones"


def card_file_inputs(root: Path, path: Path, deck_name: str) -> tuple[str, ...]:
    """What check_card_file's result depends on besides the card file's bytes and the texts it
    cites (whose digests the result records): the places it names and the deck's name."""
    return (str(root.resolve()), str(root), str(path), deck_name)


@dataclass(frozen=True)
class Numbering:
    """What a card file's notes depend on besides its checked cards: the deck, and the cloze
    numbers the lock keeps. (Their new-card positions, which the reading order of every
    text decides, are set once every card file is checked.)"""

    deck_name: str
    deck_tags: tuple[str, ...]
    lock: Lock


def notes_of_file(checked: CheckedFile, numbering: Numbering) -> list[NoteSpec]:
    """The notes of a card file's checked cards (drafts are none), in their order: numbered, then
    made. (Their new-card positions are set by the plan, once every text's place is known.)"""
    return [
        build_note(
            card,
            number_phrases(card.phrases, numbering.lock.numbers(card.card.id)),
            numbering.deck_name,
            numbering.deck_tags,
        )
        for card in checked.verified
        if card.card.kind is not Kind.DRAFT
    ]


@dataclass(frozen=True)
class FileSummary:
    """What a build keeps of a checked card file besides its notes; like CheckedFile, it
    depends on nothing but the file, the deck's name and the texts it cites."""

    path: Path
    ids: tuple[tuple[str, Location], ...]  # each card's id, where it is set
    problems: tuple[Problem, ...]
    texts: tuple[tuple[Path, str], ...]  # the texts and media cited, with the digest of what was read
    cited: tuple[tuple[Path, str, Location], ...]  # each text the cards cite, first: its title, where it is named
    placed: tuple[tuple[Path, int, int], ...]  # each note's text, its quote's offset, the text's length
    asks: tuple[Asks, ...]  # each note's card, as the lint compares cards
    drafts: tuple[VerifiedCard, ...]  # quotes waiting for a term or question: verified, not notes


def summarize(checked: CheckedFile) -> FileSummary:
    """What the build keeps of `checked` once its notes are made: the cards themselves can go."""
    notes = [card for card in checked.verified if card.card.kind is not Kind.DRAFT]
    cited: dict[Path, tuple[Path, str, Location]] = {}
    for card in checked.verified:
        source = card.card.source
        cited.setdefault(source.text_path, (source.text_path, source.title, source.location))
    return FileSummary(
        path=checked.path,
        ids=checked.ids,
        problems=checked.parse_problems + checked.verify_problems,
        texts=checked.texts,
        cited=tuple(cited.values()),
        placed=tuple((card.card.source.text_path, card.offset, card.text_length) for card in notes),
        asks=tuple(asks(card) for card in notes),
        drafts=tuple(card for card in checked.verified if card.card.kind is Kind.DRAFT),
    )


class NotedFile(NamedTuple):
    """A card file checked, and its notes made (none when the deck has no name to number them by)."""

    summary: FileSummary
    notes: list[NoteSpec]


def check_and_note(
    root: Path,
    path: Path,
    deck_name: str,
    numbering: Numbering | None,
    texts: dict[Path, SourceText],
    extract_text: Extract = extract,
) -> NotedFile:
    """Check one card file, then make its notes."""
    checked = check_card_file(root, path, deck_name, texts, extract_text)
    notes = notes_of_file(checked, numbering) if numbering is not None else []
    return NotedFile(summarize(checked), notes)


# Checks a folder's card files for a deck of this name and makes their notes (when the Numbering is
# there), giving one NotedFile a card file, in order.
CheckFiles = Callable[[SourceFolder, str, Numbering | None], Iterator[NotedFile]]


def check_one_by_one(folder: SourceFolder, deck_name: str, numbering: Numbering | None) -> Iterator[NotedFile]:
    """Every card file, in order, in this process."""
    texts = TextShelf()
    for path in folder.card_files:
        yield check_and_note(folder.root, path, deck_name, numbering, texts)


@dataclass(frozen=True)
class Checked:
    """Everything a build knows before it writes."""

    folder: SourceFolder
    deck: DeckInfo
    plan: Plan
    warnings: tuple[Problem, ...]
    source_warnings: tuple[Problem, ...]  # those of the sources alone, not of what changed since the lock
    lock_version: int  # of the lock file read: an older format is written anew
    texts: tuple[tuple[Path, str], ...]  # every text and media file cited, with the digest of what was read
    drafts: tuple[VerifiedCard, ...] = ()  # quotes waiting for a term or question: verified, not notes


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the package, its notes and cards, and what changed."""

    output: Path
    notes: int
    cards: int
    size: int  # the package's size in bytes; 0 when none was written (a dry run)
    changes: ChangeReport
    warnings: tuple[Problem, ...]
    lock_path: Path
    written: bool
    up_to_date: bool = False  # the package was built from these very inputs already: nothing was written
    card_ids: tuple[str, ...] = ()  # every note's card id, in the package's order
    source_warnings: tuple[Problem, ...] = ()  # what a build of the same inputs warns of again
    texts: tuple[tuple[Path, str], ...] = ()  # every text and media file cited, with the digest of what was read
    drafts: tuple[Location, ...] = ()  # where each draft is, in card file order


def build_folder(source: Path) -> Path:
    """Where builds write by default: `build/` beside the card source folder (beside it too
    when the folder is given as `.` or `..`)."""
    folder = source.resolve() if source.name in ("", "..") else source
    return folder.parent / "build"


def default_output(source: Path, deck_name: str) -> Path:
    """`build/<deck>.apkg`."""
    return build_folder(source) / f"{slugify(deck_name) or 'deck'}.apkg"


def check(
    source: Path,
    *,
    folder: SourceFolder | None = None,
    now: int | None = None,
    check_files: CheckFiles = check_one_by_one,
    progress: Progress | None = None,
    strict: bool = False,
) -> Checked:
    """Everything `build` checks, without writing; raises SourceProblems on any error.

    `folder` is the listing of `source`, when the caller has made it already;
    `strict` makes every warning an error (for CI).
    """
    folder = folder or list_sources(source)
    problems = list(folder.problems)
    deck: DeckInfo | None = None
    if not any(p.location.path == source for p in folder.problems):  # the folder itself is there
        deck, deck_problems = parse_deck(folder.deck_file)
        problems += deck_problems
    lock = read_lock(folder.lock_file)
    if isinstance(lock, Problem):
        problems.append(lock)
        lock = Lock()
    # With a broken deck.yaml the card files are still checked, so that every problem shows at once.
    # Each card file's notes are made as it comes, and its checked cards then let go: what the
    # build keeps of every card is its note and the file's summary.
    numbering = Numbering(deck.name, deck.tags, lock) if deck else None
    notes: list[NoteSpec] = []
    ids: list[tuple[str, Location]] = []
    cited: list[tuple[Path, str, Location]] = []
    placed: list[tuple[Path, int, int]] = []  # each note's text, its quote's offset, the text's length
    drafts: list[VerifiedCard] = []
    texts_read: dict[Path, str] = {}
    asked = AskedTwice()
    for done, (summary, file_notes) in enumerate(check_files(folder, deck.name if deck else "", numbering), start=1):
        problems += summary.problems
        ids += summary.ids
        texts_read.update(summary.texts)
        cited += summary.cited
        placed += summary.placed
        drafts += summary.drafts
        problems += asked.cards(summary.asks, summary.path)
        notes += file_notes
        if progress:
            progress(done, len(folder.card_files))
    problems += check_cards(deck, ids, any(p.is_error for p in problems))
    if deck is None or any(p.is_error for p in problems):
        raise SourceProblems(problems)
    order, order_problems = text_order(deck, folder.root, cited)
    problems += order_problems
    if any(p.is_error for p in order_problems):
        raise SourceProblems(problems)
    dues = positions(order, placed)
    # Stamped only now: while workers check card files they share the lock's pages with this
    # process, and reading its records here would make each a copy of its own.
    planner = Planner(lock, deck.name, int(time.time()) if now is None else now)
    planner.add(notes, dues)
    the_plan = planner.plan(deck.location)
    if strict and (problems or the_plan.warnings or drafts):
        raise SourceProblems(strictly([*problems, *the_plan.warnings]) + [unfinished(draft) for draft in drafts])
    return Checked(
        folder=folder,
        deck=deck,
        plan=the_plan,
        warnings=tuple(sorted([*problems, *the_plan.warnings], key=Problem.sort_key)),
        source_warnings=tuple(sorted(problems, key=Problem.sort_key)),
        lock_version=lock.version,
        texts=tuple(sorted(texts_read.items())),
        drafts=tuple(drafts),
    )


def unfinished(draft: VerifiedCard) -> Problem:
    """A draft, as `--strict` reports it: a card still to write."""
    return error(
        draft.card.location,
        f"`{draft.card.id}` is a draft: it needs a term or a question",
        "add `term:` and `definition:`, or `question:`, `answer:` and `cloze:`, and remove `draft:`",
    )


def strictly(warnings: Iterable[Problem]) -> list[Problem]:
    """Warnings as errors, as `--strict` wants them."""
    return [replace(p, severity=Severity.ERROR) for p in warnings]


def build(
    source: Path,
    out: Path | None = None,
    *,
    dry_run: bool = False,
    locked: bool = False,
    folder: SourceFolder | None = None,
    now: int | None = None,
    check_files: CheckFiles = check_one_by_one,
    progress: Progress | None = None,
    strict: bool = False,
) -> BuildReport:
    """Check the sources, then write the package and the lock; `progress` hears of each step."""
    with one_build_at_a_time(source):
        return _build(
            source,
            out,
            dry_run=dry_run,
            locked=locked,
            folder=folder,
            now=now,
            check_files=check_files,
            progress=progress,
            strict=strict,
        )


def _build(
    source: Path,
    out: Path | None,
    *,
    dry_run: bool,
    locked: bool,
    folder: SourceFolder | None,
    now: int | None,
    check_files: CheckFiles,
    progress: Progress | None,
    strict: bool,
) -> BuildReport:
    steps = (lambda done, total: progress(done, total + 1)) if progress else None  # the last step: writing
    checked = check(source, folder=folder, now=now, check_files=check_files, progress=steps, strict=strict)
    the_plan = checked.plan
    output = out or default_output(source, checked.deck.name)
    if locked and the_plan.report.has_changes:
        raise LockOutdated(_describe_changes(the_plan.report))
    if locked and checked.lock_version != LOCK_VERSION:
        raise LockOutdated(
            f"quotedeck.lock is in the format of an older quotedeck (version {checked.lock_version}); "
            "run `quotedeck build` once and commit the lock it writes"
        )
    report = BuildReport(
        output=output,
        notes=len(the_plan.notes),
        cards=sum(len(s.note.ordinals) for s in the_plan.notes),
        size=0,
        changes=the_plan.report,
        warnings=checked.warnings,
        lock_path=checked.folder.lock_file,
        written=False,
        card_ids=tuple(s.note.card_id for s in the_plan.notes),
        source_warnings=checked.source_warnings,
        texts=checked.texts,
        drafts=tuple(draft.card.location for draft in checked.drafts),
    )
    if dry_run:
        return report
    size = write_outputs(the_plan, checked.deck, output, checked.folder.lock_file, source.absolute().parent)
    if progress:
        total = len(checked.folder.card_files) + 1
        progress(total, total)
    return replace(report, size=size, written=True)


def _describe_changes(changes: ChangeReport) -> str:
    parts = []
    for label, ids in (
        ("added", changes.added),
        ("updated", changes.updated),
        ("removed", [i for i, _ in changes.removed]),
    ):
        if ids:
            parts.append(f"{label}: {', '.join(ids)}")
    if changes.notetypes_changed:
        parts.append(f"notetypes changed: {', '.join(changes.notetypes_changed)}")
    if changes.removed_clozes:
        parts.append("clozes removed: " + ", ".join(f"{c.card_id} c{c.ordinal}" for c in changes.removed_clozes))
    return (
        "the sources differ from quotedeck.lock (" + "; ".join(parts) + "); run `quotedeck build` and commit the lock"
    )
