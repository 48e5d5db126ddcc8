"""The pipeline's build and check with every speed measure plugged in: what the command line runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from quotedeck import pipeline
from quotedeck.errors import SourceProblems
from quotedeck.pipeline import BuildReport, Checked, CheckedFile, CheckFiles, Progress, check_card_file
from quotedeck.sources.files import SourceFolder, list_sources
from quotedeck.speed.cache import FileCache, entry_key
from quotedeck.speed.encoding import decode, encode
from quotedeck.speed.extracted import remembered_extract
from quotedeck.speed.hashing import Hashes
from quotedeck.speed.notes import NoteMemo
from quotedeck.speed.stamp import remember, up_to_date
from quotedeck.speed.workers import checked_in_workers, worker_count
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
        memo = NoteMemo(source, cache.keys)
        try:
            report = pipeline.build(
                source,
                out,
                dry_run=dry_run,
                locked=locked,
                folder=folder,
                now=now,
                check_files=_checking(cache, hashes, jobs),
                notes_of=memo.notes_of,
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
            again = Hashes()  # the inputs as they are now, the lock just written among them
            if _unchanged_since(folder, hashes, again):  # what was hashed is what was read
                remember(folder, out, report, again)
        return report


def check(source: Path, *, jobs: int | None = None, strict: bool = False) -> Checked:
    """pipeline.check, with the card files the cache knows not checked again (and the cache left as it is)."""
    with _collector_paused():
        hashes = Hashes()
        cache = FileCache(source, hashes, writes=False)  # check writes nothing, not even here
        notes_of = NoteMemo(source, cache.keys, writes=False).notes_of
        return pipeline.check(source, check_files=_checking(cache, hashes, jobs), notes_of=notes_of, strict=strict)


def _checking(cache: FileCache, hashes: Hashes, jobs: int | None) -> CheckFiles:
    def check_files(folder: SourceFolder, deck_name: str) -> Iterator[CheckedFile]:
        keys = [entry_key(folder.root, path, deck_name, hashes(path)) for path in folder.card_files]
        cache.keys.update(zip(folder.card_files, keys, strict=True))
        # Entries are only looked for here, and read one at a time as the build takes them:
        # all of them read at once would be the build's peak of memory.
        missing = [path for path, key in zip(folder.card_files, keys, strict=True) if not cache.has(key)]
        workers = worker_count(missing, jobs)
        to_check, texts = set(missing), TextShelf()
        with _fresh(folder.root, missing, deck_name, workers) as fresh:
            for path, key in zip(folder.card_files, keys, strict=True):
                result = None if path in to_check else cache.get(key)
                if result is None:
                    if path in to_check:
                        result, encoded = next(fresh)
                    else:  # an entry that is damaged, or whose texts changed: checked here
                        result = check_card_file(folder.root, path, deck_name, texts, remembered_extract)
                        encoded = encode(result)
                    cache.add(key, path, encoded)
                yield result

    return check_files


@contextmanager
def _fresh(
    root: Path, paths: list[Path], deck_name: str, workers: int
) -> Iterator[Iterator[tuple[CheckedFile, bytes]]]:
    """Each of `paths` checked, in order, with its result encoded for the cache: in workers
    where that pays and they can be had, else here."""
    with checked_in_workers(root, paths, deck_name, workers) if workers > 1 else nullcontext() as results:
        if results is not None:
            yield ((decode(encoded), encoded) for encoded in results)
        else:
            texts = TextShelf()
            checked = (check_card_file(root, path, deck_name, texts, remembered_extract) for path in paths)
            yield ((result, encode(result)) for result in checked)


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
