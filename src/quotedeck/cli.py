"""The command line: turns the core's reports and errors into text and exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

import click

from quotedeck import __version__
from quotedeck.errors import FileError, QuotedeckError, SourceProblems
from quotedeck.pipeline import BuildReport, Checked
from quotedeck.problems import Problem
from quotedeck.sources.files import is_source
from quotedeck.speed import fast
from quotedeck.state.changes import ChangeReport

if TYPE_CHECKING:
    from quotedeck.delivery.status import Status

T = TypeVar("T")

SOURCE = click.argument("source", default="cards_source", type=click.Path(path_type=Path, file_okay=False))
STRICT = click.option("--strict", is_flag=True, help="Treat every warning, and every draft, as an error (for CI).")
JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Check card files in up to N processes [default: one per core, when there is much to check].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quotedeck")
def main() -> None:
    """Turn curated quote cards into an Anki deck.

    \b
    Example:
      quotedeck check            # validate cards_source/
      quotedeck build            # write build/<deck>.apkg
      quotedeck preview          # see every card as a phone shows it
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)


def _stop(_signal: int, _frame: object) -> None:
    """SIGTERM (a CI runner, `kill`) stops a build as Ctrl-C does: workers and scratch files go with it."""
    raise KeyboardInterrupt


@main.command("build")
@SOURCE
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), help="Where to write the .apkg [default: build/<deck>.apkg]."
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--locked", is_flag=True, help="Fail instead of updating quotedeck.lock (for CI).")
@click.option("--json", "as_json", is_flag=True, help="Print the change report as JSON.")
@click.option("--watch", is_flag=True, help="Rebuild whenever a source file is saved (Ctrl-C stops).")
@STRICT
@click.option(
    "--into",
    type=click.Path(path_type=Path),
    help="Then import the package into this Anki collection (a collection.anki2, or a profile folder).",
)
@click.option(
    "--merge-notetypes",
    is_flag=True,
    help="With --into: merge a notetype changed in Anki (and its `+` copy) with quotedeck's, as File > Import's "
    "`Merge note types` does, so that its notes update.",
)
@JOBS
def build_command(
    source: Path,
    out: Path | None,
    dry_run: bool,
    locked: bool,
    as_json: bool,
    watch: bool,
    strict: bool,
    into: Path | None,
    merge_notetypes: bool,
    jobs: int | None,
) -> None:
    """Build the Anki package from SOURCE (default: ./cards_source).

    Every quote is checked against its text first; on any error nothing is
    written and the previous package stays as it was.

    \b
    Example:
      quotedeck build
      quotedeck build my_cards -o out/deck.apkg
      quotedeck build --dry-run
      quotedeck build --watch
      quotedeck build --into ~/.local/share/Anki2/"User 1"
    """
    if merge_notetypes and into is None:
        raise click.UsageError("--merge-notetypes goes with --into: it is an option of the import")
    if into is not None and (dry_run or watch):
        raise click.UsageError("--into imports what was built: it goes with neither --dry-run nor --watch")
    collection = _collection_for(into) if into is not None else None

    def once() -> None:
        report = _run(
            lambda: _with_progress(
                lambda bar: fast.build(
                    source, out, dry_run=dry_run, locked=locked, progress=bar, jobs=jobs, strict=strict
                )
            )
        )
        _print_warnings(report.warnings)
        if as_json:
            click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        else:
            click.echo(_summary(report, dry_run))
        if collection is not None:
            _import_into(collection, report.output, merge_notetypes)

    if not watch:
        once()
        return
    _keep_going(once)
    click.echo(f"Watching {_shown(source)} for changes (Ctrl-C stops)")
    try:
        for changed in source_changes(source):
            click.echo(f"\n{', '.join(sorted(_shown(p) for p in changed))} changed")
            _keep_going(once)
    except KeyboardInterrupt:
        click.echo("Stopped watching.")


def _keep_going(step: Callable[[], None]) -> None:
    """In watch mode a broken save is reported, and the watch goes on."""
    try:
        step()
    except click.ClickException as exc:
        exc.show()


def source_changes(source: Path, stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """The source files changed by each save, until `stop` is set (for `build --watch`)."""
    import watchfiles  # only a watch needs it

    root = source.resolve()
    changes = watchfiles.watch(
        source, watch_filter=lambda _change, path: is_source(Path(path), root), stop_event=stop, debounce=300
    )
    for changed in changes:
        yield {Path(path) for _change, path in changed}


@main.command()
@SOURCE
@STRICT
@JOBS
@click.option("--json", "as_json", is_flag=True, help="Print the problems and warnings as JSON (for editors and CI).")
def check(source: Path, strict: bool, jobs: int | None, as_json: bool) -> None:
    """Check SOURCE (default: ./cards_source) as `build` would; write nothing.

    Besides mistakes, it warns of weak cards: a front that gives the hidden
    phrase away, a hint that repeats the quote, a quote too long for a phone,
    the same phrase hidden twice in the same quote, a quote across paragraphs.

    \b
    Example:
      quotedeck check
      quotedeck check --strict     # in CI: warnings and drafts fail too
      quotedeck check --json
    """
    if as_json:
        _check_json(source, jobs, strict)
        return
    _say_checked(source, _run(lambda: fast.check(source, jobs=jobs, strict=strict)))


def _drafts_line(count: int) -> list[str]:
    if not count:
        return []
    return [f"{count} draft{'s' if count != 1 else ''} to finish (each needs a term or a question)"]


def _say_checked(source: Path, checked: Checked) -> None:
    _print_warnings(checked.warnings)
    notes = checked.plan.notes
    cards = sum(len(s.note.ordinals) for s in notes)
    click.echo(f"OK: {len(notes)} notes, {cards} cards in {_shown(source)}, every quote found")
    for line in _drafts_line(len(checked.drafts)):
        click.echo(line)


class _Bar(Protocol):
    pos: int

    def update(self, n_steps: int) -> None: ...


class LateBar:
    """click's progress bar, shown once a build has run for a second, and only on a terminal."""

    DELAY = 1.0  # seconds

    def __init__(self, file: TextIO | None = None) -> None:
        self._file = file or sys.stdout
        self._start = time.monotonic()
        self._stack = contextlib.ExitStack()
        self._bar: _Bar | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._start < self.DELAY or not self._file.isatty():
                return
            self._bar = self._stack.enter_context(click.progressbar(length=total, label="Building", file=self._file))
        self._bar.update(done - self._bar.pos)

    def close(self) -> None:
        self._stack.close()


def _with_progress(step: Callable[[LateBar], T]) -> T:
    """Run `step` with a progress bar, gone before anything else is printed."""
    bar = LateBar()
    try:
        return step(bar)
    finally:
        bar.close()


class Failed(click.ClickException):
    """A QuotedeckError, shown as quotedeck's own lines (every problem, sorted) on stderr; exit code 1."""

    def __init__(self, error: QuotedeckError) -> None:
        super().__init__(str(error))
        self.error = error

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.text(), err=True)

    def text(self) -> str:
        error = self.error
        if isinstance(error, SourceProblems):
            errors = sum(p.is_error for p in error.problems)
            warnings = len(error.problems) - errors
            lines = [format_problem(p) for p in sorted(error.problems, key=Problem.sort_key)]
            lines.append(f"{errors} error(s){f', {warnings} warning(s)' if warnings else ''}; nothing was written")
            return "\n".join(lines)
        if isinstance(error, FileError):
            line = f"{_shown(error.path)}: error: {error.message}"
            return f"{line}\n    hint: {error.hint}" if error.hint else line
        return f"error: {error}"


def _run(step: Callable[[], T]) -> T:
    """Run a core step; its errors reach the user through Failed."""
    try:
        return step()
    except QuotedeckError as exc:
        raise Failed(exc) from None


def _shown(path: Path) -> str:
    """Paths as the user would type them: relative to where they are."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def format_problem(problem: Problem) -> str:
    """A problem as one `path:line:col: severity: message` line, and its hint."""
    loc = problem.location
    line = f"{_shown(loc.path)}:{loc.line}:{loc.column}: {problem.severity.value}: {_one_line(problem.message)}"
    return f"{line}\n    hint: {_one_line(problem.hint)}" if problem.hint else line


# Messages quote what the curator wrote: a line break or a terminal escape in a
# key must not break the one-line format or reach the terminal.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _print_problems(problems: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in sorted(problems, key=Problem.sort_key):
        click.echo(format_problem(problem), err=True)


def _print_warnings(problems: list[Problem] | tuple[Problem, ...]) -> None:
    _print_problems([p for p in problems if not p.is_error])


def _summary(report: BuildReport, dry_run: bool) -> str:
    size = f" ({report.size / 1024:.1f} KB)" if report.size else ""
    counts = f"{report.notes} notes, {report.cards} cards{size}"
    if report.up_to_date:
        lines = [f"{_shown(report.output)} is up to date: {counts}"]
    else:
        lines = [f"{'Would write' if dry_run else 'Wrote'} {_shown(report.output)}: {counts}"]
    lines.extend(_changes(report.changes))
    lines.extend(_drafts_line(len(report.drafts)))
    return "\n".join(lines)


def _changes(changes: ChangeReport) -> list[str]:
    lines = [
        f"Changes: {len(changes.added)} added, {len(changes.updated)} updated, "
        f"{len(changes.unchanged)} unchanged, {len(changes.removed)} removed"
    ]
    if changes.added:
        lines.append(f"  added: {_some(changes.added)}")
    if changes.updated:
        lines.append(f"  updated: {_some(changes.updated)}")
    for card_id, _guid in changes.removed:
        lines.append(f"  removed: {card_id} (Anki keeps it; to delete it, search the browser for Id:{card_id})")
    for name in changes.notetypes_changed:
        lines.append(f"  notetype changed: {name} (Anki applies it on import)")
    for cloze in changes.removed_clozes:
        lines.append(
            f"  cloze removed: {cloze.card_id} c{cloze.ordinal} `{cloze.phrase}` "
            "(its card is empty in Anki now; remove it with Tools > Empty Cards)"
        )
    return lines


def _some(ids: tuple[str, ...], shown: int = 8) -> str:
    """A short list for the summary; --json has them all."""
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def report_json(report: BuildReport) -> dict[str, object]:
    """A build's report as JSON, for scripts."""
    changes = report.changes
    return {
        "output": str(report.output),
        "written": report.written,
        "up_to_date": report.up_to_date,
        "notes": report.notes,
        "cards": report.cards,
        "bytes": report.size,
        "added": list(changes.added),
        "updated": list(changes.updated),
        "unchanged": list(changes.unchanged),
        "removed": [{"id": card_id, "guid": guid} for card_id, guid in changes.removed],
        "notetypes_changed": list(changes.notetypes_changed),
        "removed_clozes": [{"id": c.card_id, "phrase": c.phrase, "ordinal": c.ordinal} for c in changes.removed_clozes],
        "warnings": [format_problem(p) for p in report.warnings],
        "drafts": [f"{_shown(d.path)}:{d.line}:{d.column}" for d in report.drafts],
    }


@main.command()
@SOURCE
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the page [default: build/preview.html].",
)
def preview(source: Path, out: Path | None) -> None:
    """Write one HTML page showing every card of SOURCE as a phone shows it.

    Each card's front and back, rendered as Anki renders them, in frames 390 px
    wide, with a night switch and a filter by tag or text. Nothing is fetched:
    the page works offline.

    \b
    Example:
      quotedeck preview
      quotedeck preview my_cards -o out/cards.html
    """
    from quotedeck.preview.page import write_preview

    report = _run(lambda: write_preview(source, out))
    _print_warnings(report.warnings)
    click.echo(
        f"Wrote {_shown(report.output)}: {report.cards} cards from {report.notes} notes; "
        f"open {report.output.resolve().as_uri()}"
    )


# ---- Authoring: find, new, fix (the logic is in quotedeck/authoring/) ----


@main.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--text", "text_path", type=click.Path(path_type=Path, dir_okay=False), help="Search this text only.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=3, show_default=True, help="How many passages.")
@click.option("--paragraph", is_flag=True, help="Show each passage's whole paragraph.")
@click.option("--json", "as_json", is_flag=True, help="Print the passages as JSON, for editors.")
def find(words: tuple[str, ...], text_path: Path | None, limit: int, paragraph: bool, as_json: bool) -> None:
    """Find the passage you remember in the texts of [SOURCE] (default: ./cards_source).

    WORDS need not be exact: their order, case and a wrong or missing word or
    two matter little. Each passage comes with a `quote:` line to paste into a
    card. A first word that names a folder is taken as SOURCE.

    \b
    Example:
      quotedeck find rise above our ego
      quotedeck find my_cards "the light gives a new force"
      quotedeck find --text texts/essay.txt --paragraph first words
    """
    from quotedeck.authoring.find import deck_texts, load_indexes, search_all

    source = Path("cards_source")
    if len(words) > 1 and Path(words[0]).is_dir():
        source, words = Path(words[0]), words[1:]
    query = " ".join(words)
    paths = [text_path] if text_path is not None else deck_texts(source)
    if not paths:
        click.echo(f"error: no texts to search in {_shown(source)}", err=True)
        raise SystemExit(1)
    indexes, problems = load_indexes(paths)
    _print_problems(problems)
    found = search_all(query, indexes, limit)
    if as_json:
        results = [
            {
                "text": _shown(f.path),
                "paragraph": f.paragraph,
                "place": f.place,
                "similarity": f.similarity,
                "passage": f.paragraph_text if paragraph else f.passage,
                "quote": f.quote_line(paragraph),
            }
            for f in found
        ]
        click.echo(json.dumps({"query": query, "results": results}, indent=2, ensure_ascii=False))
    else:
        for number, f in enumerate(found):
            click.echo(f"{chr(10) if number else ''}{_shown(f.path)}, {f.place} ({int(f.similarity)}% similar):")
            click.echo(f"  {_one_line(f.paragraph_text if paragraph else f.passage)}")
            click.echo(f"    {_one_line(f.quote_line(paragraph))}")
    if not found:
        texts = f"{len(indexes)} text{'s' if len(indexes) != 1 else ''}"
        click.echo(f"error: nothing like `{_one_line(query)}` in {texts}", err=True)
        raise SystemExit(1)


@main.command()
@click.argument("text", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("folder", default="cards_source", type=click.Path(path_type=Path, file_okay=False))
def new(text: Path, folder: Path) -> None:
    """Start a deck in FOLDER (default: ./cards_source) from the text file TEXT.

    Writes deck.yaml, a copy of the text in texts/, and a card file with an
    example card quoting the text's first sentence, so that the deck builds at
    once. Writes nothing if any of these files exists.

    \b
    Example:
      quotedeck new essay.txt
      quotedeck new essay.txt my_cards
    """
    from quotedeck.authoring.scaffold import new_deck

    made = _run(lambda: new_deck(text, folder))
    click.echo(f"Created the deck `{made.name}` in {_shown(folder)}: {', '.join(_shown(p) for p in made.written)}")
    click.echo(f'Next: quotedeck find "words you remember", then write cards in {_shown(made.card_file)}')


@main.command()
@SOURCE
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
def fix(source: Path, dry_run: bool) -> None:
    """Rewrite quotes that nearly match their text, and write out every card's id.

    A quote that does not verify, but whose closest passage is clear and at
    least 90% similar, gets the text's exact words (ellipses kept). A card
    without `id:` gets the id it has today, so nothing changes in Anki. The
    rest of each card file keeps its bytes. Then SOURCE is checked as
    `check` does, and what is left to fix by hand is reported.

    \b
    Example:
      quotedeck fix --dry-run
      quotedeck fix
    """
    from quotedeck.authoring.fix import plan_fixes, unified_diff, write_fixes

    report = _run(lambda: plan_fixes(source))
    if dry_run:
        for file in report.files:
            click.echo(unified_diff(file, _shown(file.path)), nl=False)
    else:
        _run(lambda: write_fixes(report))
    fixes = sorted((f for file in report.files for f in file.fixes), key=lambda f: f.location)
    for fixed in fixes:
        loc = fixed.location
        click.echo(f"{_shown(loc.path)}:{loc.line}:{loc.column}: {_one_line(fixed.message)}")
    quotes = sum(f.what == "quote" for f in fixes)
    summary = (
        f"{_count(quotes, 'quote')} and {_count(len(fixes) - quotes, 'id')} in {_count(len(report.files), 'file')}"
    )
    click.echo(f"Would fix {summary}; nothing was written" if dry_run else f"Fixed {summary}")
    _print_problems(list(report.problems))
    fixed_quotes = [f for f in fixes if f.what == "quote"] if dry_run else []
    try:
        checked = fast.check(source)
    except SourceProblems as exc:
        left = [p for p in exc.problems if not any(f.covers(p.location) for f in fixed_quotes)]
        _print_problems(left)
        errors = sum(p.is_error for p in left)
        if errors:
            click.echo(f"{errors} error(s) left to fix by hand", err=True)
            raise SystemExit(1) from None
        return
    except QuotedeckError as exc:
        raise Failed(exc) from None
    _say_checked(source, checked)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


# ---- Highlights: a reading app's export -> drafts (the logic is in quotedeck/authoring/highlights.py) ----


@main.command()
@click.argument("export", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@SOURCE
@click.option("--book", help="The book to take highlights of, by title (or a part of it), when the export has several.")
@click.option("--dry-run", is_flag=True, help="Show the drafts that would be added; write nothing.")
def highlights(export: Path, source: Path, book: str | None, dry_run: bool) -> None:
    """Add a draft card for each new highlight of EXPORT to SOURCE (default: ./cards_source).

    EXPORT is Kindle's `My Clippings.txt`, KOReader's JSON export, Readwise's
    CSV export, or Markdown/text with one quote per paragraph or `>` quote.
    Each highlight is found in the deck's texts and drafted with the text's
    own words; one already drafted or carded (overlapping passages count as
    the same) is skipped, so running it again adds nothing.

    \b
    Example:
      quotedeck highlights "My Clippings.txt" --book "Going Towards"
      quotedeck highlights koreader.json my_cards --dry-run
    """
    from quotedeck.authoring.highlights import plan_highlights, write_highlights

    report = _run(lambda: plan_highlights(export, source, book))
    if not dry_run:
        _run(lambda: write_highlights(report))
    for file in report.files:
        for card_id, spot in file.drafts:
            click.echo(f"{_shown(file.path)}: {card_id} ({spot.highlight.where or spot.highlight.app})")
    for miss in report.unplaced:
        at = f"{_shown(miss.text)}, paragraph {miss.paragraph}, {int(miss.similarity)}% similar" if miss.text else ""
        click.echo(
            f"{_shown(export)}: warning: highlight not found in the texts ({miss.highlight.where}): "
            f"“{_one_line(_short(miss.highlight.text))}”"
            + (f"\n    hint: closest passage ({at}): “{_one_line(_short(miss.closest))}”" if miss.closest else ""),
            err=True,
        )
    verb = "Would add" if dry_run else "Added"
    click.echo(
        f"{verb} {_count(report.added, 'draft')} from {report.kind} highlights of “{report.book}”: "
        f"{report.highlights} highlights, {report.known} already drafted or carded, "
        f"{len(report.unplaced)} not found"
    )


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- Delivery: build --into, status, prune, check --json (the logic is in quotedeck/delivery/) ----

COLLECTION = click.argument("collection", type=click.Path(path_type=Path))


def _collection_for(path: Path) -> Path:
    """The collection.anki2 at `path`, checked to be free before anything is built."""
    from quotedeck.delivery.collection import collection_file, open_collection

    found = _run(lambda: collection_file(path))

    def probe() -> None:
        with open_collection(found):
            pass

    _run(probe)
    return found


def _command_path(path: Path) -> str:
    """A path in a command to copy: Anki's first profile is `User 1`, with a space."""
    return shlex.quote(_shown(path))


def _import_into(collection: Path, package: Path, merge_notetypes: bool = False) -> None:
    from quotedeck.delivery.into import import_package

    log = _run(lambda: import_package(collection, package, merge_notetypes))
    click.echo(f"Backed up {_shown(collection)} to {_shown(log.backup)}")
    click.echo(
        f"Imported into {_shown(collection)}: {log.new} new, {log.updated} updated, {log.unchanged} unchanged "
        f"(Anki's log, {log.found} notes in the package)"
    )
    if log.conflicting:
        click.echo(
            f"  {log.conflicting} not updated: a notetype's fields were changed in Anki, so Anki made a copy of "
            "quotedeck's; build again with --merge-notetypes to merge the two"
        )


@main.command()
@COLLECTION
@SOURCE
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(collection: Path, source: Path, as_json: bool) -> None:
    """What the Anki COLLECTION holds of the deck in SOURCE (default: ./cards_source).

    COLLECTION is a collection.anki2 or an Anki profile folder; it is read
    from a copy and never changed. Lists notes whose cards were removed from
    the sources (with their reviews), notes edited inside Anki (the next
    change of the card overwrites the edit), leeches, a notetype Anki forked,
    and cards in another deck than the source says.

    \b
    Example:
      quotedeck status ~/.local/share/Anki2/"User 1"
      quotedeck status collection.anki2 my_cards --json
    """
    from quotedeck.delivery.collection import collection_file
    from quotedeck.delivery.status import collection_status

    found = _run(lambda: collection_file(collection))
    checked = _run(lambda: fast.check(source))
    state = _run(lambda: collection_status(found, checked))
    if as_json:
        click.echo(json.dumps(status_json(state), indent=2, ensure_ascii=False))
        return
    click.echo(f"{_shown(found)}: {state.notes} notes of `{state.deck}`")
    lines = []
    for gone in state.removed:
        lines.append(f"  removed from the sources: {gone.card_id} ({_count(gone.reviews, 'review')})")
    for card_id in state.edited:
        lines.append(f"  edited in Anki: {card_id} (the next change of this card in the sources overwrites it)")
    for card_id in state.behind:
        lines.append(f"  older than the last build: {card_id}")
    for card_id in state.missing:
        lines.append(f"  not in the collection: {card_id}")
    for leech in state.leeches:
        lines.append(f"  leech: {leech.card_id} c{leech.ordinal} ({_count(leech.lapses, 'lapse')}; worth rewriting)")
    for fork in state.forks:
        lines.append(
            f"  forked notetype: `{fork.name}` holds {_count(fork.notes, 'note')}; to repair, "
            f"`quotedeck build --into {_command_path(collection)} --merge-notetypes` "
            "(File > Import with `Merge note types` ticked does the same)"
        )
    for added in state.added_fields:
        lines.append(
            f"  fields added in Anki: `{added.notetype}` has {', '.join(f'`{name}`' for name in added.fields)}; "
            "every import without merging copies the notetype: delete the fields in Anki (Tools > Manage Note "
            "Types > Fields), or build with --merge-notetypes each time"
        )
    for card in state.misplaced:
        lines.append(
            f"  in another deck: {card.card_id} c{card.ordinal} is in `{card.deck}`, the source says `{card.expected}`"
        )
    if state.removed:
        lines.append(f"  (`quotedeck prune {_command_path(collection)}` deletes the removed notes)")
    if state.behind or state.missing:
        lines.append(f"  (`quotedeck build --into {_command_path(collection)}` brings the collection up to date)")
    click.echo("\n".join(lines) if lines else "  everything is as the sources say")


def status_json(state: Status) -> dict[str, object]:
    """`status` as JSON, for scripts."""
    return {
        "collection": str(state.collection),
        "deck": state.deck,
        "notes": state.notes,
        "removed": [{"id": r.card_id, "reviews": r.reviews} for r in state.removed],
        "edited": list(state.edited),
        "behind": list(state.behind),
        "missing": list(state.missing),
        "leeches": [{"id": x.card_id, "cloze": x.ordinal, "lapses": x.lapses} for x in state.leeches],
        "forks": [{"notetype": f.name, "notes": f.notes} for f in state.forks],
        "added_fields": [{"notetype": a.notetype, "fields": list(a.fields)} for a in state.added_fields],
        "misplaced": [
            {"id": m.card_id, "cloze": m.ordinal, "deck": m.deck, "expected": m.expected} for m in state.misplaced
        ],
    }


@main.command()
@COLLECTION
@SOURCE
@click.option("--yes", is_flag=True, help="Delete them (after Anki's backup); without it, only list them.")
def prune(collection: Path, source: Path, yes: bool) -> None:
    """Delete from the Anki COLLECTION the notes removed from SOURCE's deck.

    Only notes of quotedeck's own notetypes whose card id quotedeck.lock no
    longer holds are deleted, with their reviews. Without --yes nothing
    changes: the notes are listed.

    \b
    Example:
      quotedeck prune ~/.local/share/Anki2/"User 1"
      quotedeck prune ~/.local/share/Anki2/"User 1" --yes
    """
    from quotedeck.delivery.collection import collection_file
    from quotedeck.delivery.prune import prune as prune_notes
    from quotedeck.sources.files import list_sources
    from quotedeck.state.lock import read_lock

    found = _run(lambda: collection_file(collection))
    lock = read_lock(list_sources(source).lock_file)
    if isinstance(lock, Problem):
        raise Failed(SourceProblems([lock]))
    report = _run(lambda: prune_notes(found, lock, yes=yes))
    if report.backup is not None:  # said first, as it was done first
        click.echo(f"Backed up {_shown(found)} to {_shown(report.backup)}")
    for gone in report.removed:
        click.echo(f"{'Deleted' if yes else 'Would delete'} {gone.card_id} ({_count(gone.reviews, 'review')})")
    if not report.removed:
        click.echo(f"Nothing to prune in {_shown(found)}")
    elif not yes:
        click.echo(f"{_count(len(report.removed), 'note')} to delete; nothing was changed (--yes deletes them)")


def _check_json(source: Path, jobs: int | None, strict: bool) -> None:
    """`check --json`: one JSON document on stdout, whatever the outcome; exit code 1 on any error."""
    try:
        checked = fast.check(source, jobs=jobs, strict=strict)
    except SourceProblems as exc:
        click.echo(json.dumps(_problems_json(False, exc.problems, 0, 0), indent=2, ensure_ascii=False))
        raise SystemExit(1) from None
    except QuotedeckError as exc:
        raise Failed(exc) from None
    notes = checked.plan.notes
    cards = sum(len(s.note.ordinals) for s in notes)
    click.echo(json.dumps(_problems_json(True, checked.warnings, len(notes), cards), indent=2, ensure_ascii=False))


def _problems_json(
    ok: bool, problems: list[Problem] | tuple[Problem, ...], notes: int, cards: int
) -> dict[str, object]:
    return {
        "ok": ok,
        "notes": notes,
        "cards": cards,
        "problems": [
            {
                "path": _shown(p.location.path),
                "line": p.location.line,
                "column": p.location.column,
                "severity": p.severity.value,
                "message": p.message,
                "hint": p.hint,
            }
            for p in sorted(problems, key=Problem.sort_key)
        ],
    }
