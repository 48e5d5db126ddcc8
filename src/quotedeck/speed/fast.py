"""The pipeline's build and check with every speed measure plugged in: what the command line runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from quotedeck import pipeline
from quotedeck.errors import SourceProblems
from quotedeck.pipeline import BuildReport, Checked, CheckFiles, NotedFile, Numbering, Progress
from quotedeck.sources.files import SourceFolder, list_sources
from quotedeck.speed.cache import FileCache, entry_key
from quotedeck.speed.encoding import decode_notes, decode_summary
from quotedeck.speed.hashing import Hashes
from quotedeck.speed.notes import NoteMemo, notes_key
from quotedeck.speed.stamp import remember, up_to_date
from quotedeck.speed.workers import check_encoded, checked_in_workers, worker_count
from quotedeck.verify.texts import TextShelf


def build(
    source: Path,
    out: Path | None = None,
    *,
    dry_run: bool = False,
    locked: bool = False,
    now: int | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
    strict: bool = False,
) -> BuildReport:
    """pipeline.build, skipping what the last builds did already, on up to `jobs` cores."""
    with _collector_paused():
        folder = list_sources(source)
        hashes = Hashes()
        known = None if folder.problems else up_to_date(folder, out, hashes)
        if known is not None:
            if strict and known.warnings:
                raise SourceProblems(pipeline.strictly(known.warnings))
            return known
        cache = FileCache(source, hashes)
        memo = NoteMemo(source)
        try:
            report = pipeline.build(
                source,
                out,
                dry_run=dry_run,
                locked=locked,
                folder=folder,
                now=now,
                check_files=_checking(cache, memo, hashes, jobs),
                progress=progress,
                strict=strict,
            )
        except BaseException:
            cache.discard()
            memo.discard()
            raise
        if not report.written:
            cache.discard()
            memo.discard()
        else:
            cache.save()
            memo.save()
            again = cache.after  # the inputs as they are now, the lock just written among them
            if _unchanged_since(folder, hashes, again):  # what was hashed is what was read
                remember(folder, out, report, again)
        return report


def check(source: Path, *, jobs: int | None = None, strict: bool = False) -> Checked:
    """pipeline.check, with the card files the cache knows not checked again (and the cache left as it is)."""
    with _collector_paused():
        hashes = Hashes()
        cache = FileCache(source, hashes, writes=False)  # check writes nothing, not even here
        memo = NoteMemo(source, writes=False)
        return pipeline.check(source, check_files=_checking(cache, memo, hashes, jobs), strict=strict)


def _checking(cache: FileCache, memo: NoteMemo, hashes: Hashes, jobs: int | None) -> CheckFiles:
    def check_files(folder: SourceFolder, deck_name: str, numbering: Numbering | None) -> Iterator[NotedFile]:
        keys = [entry_key(folder.root, path, deck_name, hashes(path)) for path in folder.card_files]
        cache.keys.update(zip(folder.card_files, keys, strict=True))
        # A card file is known when its summary is kept and so are its notes, for the lock and
        # the deck of this build; any other is checked, in workers when that pays.
        known: dict[Path, NotedFile] = {}
        for path, key in zip(folder.card_files, keys, strict=True):
            summary = cache.get(key)
            if summary is None:
                continue
            notes = [] if numbering is None else memo.get(notes_key(key, numbering), numbering)
            if notes is not None:
                known[path] = NotedFile(summary, notes)
        missing = [path for path in folder.card_files if path not in known]
        with _fresh(folder.root, missing, deck_name, numbering, worker_count(missing, jobs)) as fresh:
            for path, key in zip(folder.card_files, keys, strict=True):
                if path in known:
                    yield known.pop(path)
                    continue
                encoded, encoded_notes = next(fresh)
                cache.add(key, path, encoded)
                if numbering is not None:
                    memo.stage(notes_key(key, numbering), encoded_notes)
                yield NotedFile(decode_summary(encoded), decode_notes(encoded_notes))

    return check_files


@contextmanager
def _fresh(
    root: Path, paths: list[Path], deck_name: str, numbering: Numbering | None, workers: int
) -> Iterator[Iterator[tuple[bytes, bytes]]]:
    """What check_encoded gives for each of `paths`, in order: in workers where that pays and
    they can be had, else here."""
    with checked_in_workers(root, paths, deck_name, numbering, workers) if workers > 1 else nullcontext() as results:
        if results is not None:
            yield results
        else:
            texts = TextShelf()
            yield (check_encoded(root, path, deck_name, numbering, texts) for path in paths)


def _unchanged_since(folder: SourceFolder, hashes: Hashes, again: Hashes) -> bool:
    """deck.yaml and the card files, hashed `again`, are what they were when the build began."""
    return all(again(path) == hashes(path) for path in (folder.deck_file, *folder.card_files))


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A build makes millions of objects that live until it ends and form no
    # cycles; the cyclic collector would scan them again and again for nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
