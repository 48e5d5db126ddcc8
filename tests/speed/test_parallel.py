"""Card files checked in worker processes give exactly what one process gives."""

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

import quotedeck.speed.fast
import quotedeck.speed.workers
from quotedeck import pipeline
from quotedeck.errors import SourceProblems
from quotedeck.sources.files import list_sources
from quotedeck.speed.encoding import decode_summary
from quotedeck.speed.fast import build, check
from quotedeck.speed.storage import cache_folder
from quotedeck.speed.workers import checked_in_workers, worker_count
from tests.speed.test_cache import CARDS, TEXTS, cold_build_bytes, edit
from tests.support.slow_build import slow_parallel_build
from tests.support.sources import run, write_source

T0 = 1_800_000_000

pytestmark = pytest.mark.skipif(worker_count([Path("a"), Path("b")], 2) < 2, reason="workers are forked on Linux only")


def numbered_cards(files: int) -> dict[str, str]:
    """`files` card files of one card each."""
    card = "source: {text: texts/two.txt, title: Two}\ncards:\n  - term: the innermost point\n"
    card += "    definition: Where the Creator is found.\n    quote: That point is the innermost point\n"
    return {f"f{number:03}.yaml": card + f"    id: card-{number}\n" for number in range(files)}


def twins(tmp_path: Path, cards: dict[str, str] = CARDS) -> tuple[Path, Path]:
    """Two identical card sources, in folders of their own."""
    one = write_source(tmp_path / "one", cards=cards, texts=TEXTS)
    return one, shutil.copytree(one.parent, tmp_path / "two") / "cards_source"


def test_workers_build_the_same_package_and_lock(tmp_path: Path) -> None:
    alone, shared = twins(tmp_path)
    by_one = build(alone, now=T0, jobs=1)
    by_workers = build(shared, now=T0, jobs=3)
    assert by_workers.output.read_bytes() == by_one.output.read_bytes()
    assert (shared / "quotedeck.lock").read_bytes() == (alone / "quotedeck.lock").read_bytes()
    assert (by_workers.notes, by_workers.cards, by_workers.changes) == (by_one.notes, by_one.cards, by_one.changes)


def test_workers_report_the_same_problems(tmp_path: Path) -> None:
    broken = {
        **CARDS,
        "a.yaml": CARDS["a.yaml"].replace("A person asks the Light", "A person begs the Light"),
        "d.yaml": "source:\n  text: texts/one.txt\n  title: One\ncards:\n  - term: x\n    defintion: y\n",
    }
    alone, shared = twins(tmp_path, broken)
    with pytest.raises(SourceProblems) as by_one:
        check(alone, jobs=1)
    with pytest.raises(SourceProblems) as by_workers:
        check(shared, jobs=2)
    shown = [(p.location.path.name, p.location.line, p.location.column, p.message) for p in by_workers.value.problems]
    assert shown == [
        (p.location.path.name, p.location.line, p.location.column, p.message) for p in by_one.value.problems
    ]
    assert {name for name, *_ in shown} == {"a.yaml", "d.yaml"}


def test_what_workers_cache_serves_the_next_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_source(tmp_path, cards=CARDS, texts=TEXTS)
    checked: list[str] = []  # by this process: the workers append to their own copies
    check_file = pipeline.check_and_note
    monkeypatch.setattr(
        quotedeck.speed.workers,
        "check_and_note",
        lambda root, path, *rest: checked.append(path.name) or check_file(root, path, *rest),
    )
    build(source, now=T0, jobs=2)
    assert checked == []
    edit(source / "b.yaml", "The place in the heart", "The point in the heart")
    again = build(source, now=T0 + 1, jobs=1)
    assert checked == ["b.yaml"]
    assert again.changes.updated == ("the-innermost-point",)
    assert again.output.read_bytes() == cold_build_bytes(source, now=T0 + 2)


def test_workers_are_used_only_when_there_is_much_to_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = list(list_sources(write_source(tmp_path, cards=CARDS, texts=TEXTS)).card_files)
    assert worker_count(paths, None) == 1  # a few hundred bytes: not worth a process
    assert worker_count(paths, 2) == 2  # asked for
    assert worker_count(paths[:1], 2) == 1  # one file is checked by one process
    monkeypatch.setattr(quotedeck.speed.workers, "PARALLEL_FROM", 100)
    assert worker_count(paths, None) == min(3, len(quotedeck.speed.workers.os.sched_getaffinity(0)))


def test_jobs_on_the_command_line(project: Path) -> None:
    code, out, err = run("build", "-j", "2")
    assert (code, err) == (0, "")
    assert out.startswith("Wrote build/test-deck.apkg: 2 notes, 2 cards")
    code, _, err = run("check", "--jobs", "0")
    assert code == 2 and "0 is not in the range x>=1" in err


def test_files_not_begun_are_left_when_the_build_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C or an error while workers check files: the build stops now, not after the last file."""
    source = write_source(tmp_path, cards=numbered_cards(24), texts=TEXTS)
    log = tmp_path / "checked.log"
    check_file = pipeline.check_and_note

    def slow(root: Path, path: Path, *rest: object) -> object:
        with log.open("a") as handle:  # the workers' appends are whole lines
            handle.write(path.name + "\n")
        time.sleep(0.2)
        return check_file(root, path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(quotedeck.speed.workers, "check_and_note", slow)
    paths = list(list_sources(source).card_files)
    with checked_in_workers(source, paths, "Test Deck", None, 2) as results:
        assert results is not None
        assert decode_summary(next(results)[0]).ids[0][0] == "card-0"
        # leaving the block, as an exception in the build does
    checked = log.read_text().split()
    assert len(checked) < len(paths) // 2, checked


def test_ctrl_c_stops_a_parallel_build_with_the_build_message_only(tmp_path: Path) -> None:
    source = write_source(tmp_path, cards=numbered_cards(200), texts=TEXTS)
    # The build takes its workers' results slowly: they are done, and wait for more, when Ctrl-C comes.
    child = slow_parallel_build(
        source,
        tmp_path / "slow",
        0.02,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a shell in the background ignores it
        process_group=0,
    )
    time.sleep(1.5)
    os.killpg(child.pid, signal.SIGINT)  # as a terminal sends it: to the build and its workers
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out, err.strip()) == (1, "", "Aborted!")
    assert [p for p in (tmp_path / "build").rglob("*") if p.is_file()] == []  # no package
    assert [p for p in cache_folder(source, "entries").rglob("*") if p.is_file()] == []  # no cache entry


def test_a_failed_parallel_build_leaves_no_cache_entries_behind(tmp_path: Path) -> None:
    """Workers' entries wait until the build succeeds; a failed build drops them."""
    broken = {**CARDS, "a.yaml": CARDS["a.yaml"].replace("A person asks the Light", "A person begs the Light")}
    source = write_source(tmp_path, cards=broken, texts=TEXTS)
    with pytest.raises(SourceProblems):
        build(source, now=T0, jobs=2)
    assert [p.name for p in cache_folder(source, "entries").rglob("*") if p.is_file()] == []
    edit(source / "a.yaml", "A person begs the Light", "A person asks the Light")
    build(source, now=T0, jobs=2)
    entries = [p.name for p in cache_folder(source, "entries").rglob("*") if p.is_file()]
    assert len(entries) == 3 and not any(name.startswith(".") for name in entries)


def test_without_workers_the_files_are_checked_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When no process can be started (too many already, say), the build still builds."""
    alone, shared = twins(tmp_path)

    def no_fork() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert build(shared, now=T0, jobs=2).output.read_bytes() == build(alone, now=T0, jobs=1).output.read_bytes()


def test_a_card_whose_phrases_the_lock_numbers_otherwise_gets_its_old_numbers(tmp_path: Path) -> None:
    """Workers verify without the lock; the numbers it keeps are applied afterwards, as in one process."""
    alone, shared = twins(tmp_path)
    for source in (alone, shared):
        build(source, now=T0, jobs=1)
        # The first phrase goes: `the one who asks` keeps its number 2, and 1 stays retired.
        edit(source / "a.yaml", "cloze: [a new force, the one who asks]", "cloze: [the one who asks]")
        shutil.rmtree(source.parent / "build")  # a cold build: every file is checked
    by_one = build(alone, now=T0 + 1, jobs=1)
    by_workers = build(shared, now=T0 + 1, jobs=2)
    assert by_workers.output.read_bytes() == by_one.output.read_bytes()
    assert (shared / "quotedeck.lock").read_bytes() == (alone / "quotedeck.lock").read_bytes()
    lock = json.loads((shared / "quotedeck.lock").read_text(encoding="utf-8"))
    note = lock["notes"]["what-does-the-light-give-to-the-one-who-asks"]
    assert (note["clozes"], note["retired"]) == ({"the one who asks": 2}, {"a new force": 1})
