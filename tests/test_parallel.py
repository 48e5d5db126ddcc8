"""Card files checked in worker processes give exactly what one process gives."""

import shutil
from pathlib import Path

import pytest

import quotedeck.cardfiles
from quotedeck.build import build, prepare
from quotedeck.cardfiles import worker_count
from quotedeck.parse import card_files
from quotedeck.problems import SourceProblems
from tests.sources import run, write_source
from tests.test_cache import CARDS, TEXTS, cold_build_bytes, edit

T0 = 1_800_000_000

pytestmark = pytest.mark.skipif(worker_count([Path("a"), Path("b")], 2) < 2, reason="workers are forked on Linux only")


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
        prepare(alone, jobs=1)
    with pytest.raises(SourceProblems) as by_workers:
        prepare(shared, jobs=2)
    shown = [(p.location.path.name, p.location.line, p.location.column, p.message) for p in by_workers.value.problems]
    assert shown == [
        (p.location.path.name, p.location.line, p.location.column, p.message) for p in by_one.value.problems
    ]
    assert {name for name, *_ in shown} == {"a.yaml", "d.yaml"}


def test_what_workers_cache_serves_the_next_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_source(tmp_path, cards=CARDS, texts=TEXTS)
    checked: list[str] = []  # by this process: the workers append to their own copies
    check_file = quotedeck.cardfiles.check_file
    monkeypatch.setattr(
        quotedeck.cardfiles,
        "check_file",
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
    paths = card_files(write_source(tmp_path, cards=CARDS, texts=TEXTS))
    assert worker_count(paths, None) == 1  # a few hundred bytes: not worth a process
    assert worker_count(paths, 2) == 2  # asked for
    assert worker_count(paths[:1], 2) == 1  # one file is checked by one process
    monkeypatch.setattr(quotedeck.cardfiles, "PARALLEL_FROM", 100)
    assert worker_count(paths, None) == min(3, len(quotedeck.cardfiles.os.sched_getaffinity(0)))


def test_jobs_on_the_command_line(project: Path) -> None:
    code, out, err = run("build", "-j", "2")
    assert (code, err) == (0, "")
    assert out.startswith("Wrote build/test-deck.apkg: 2 notes, 2 cards")
    code, _, err = run("check", "--jobs", "0")
    assert code == 2 and "0 is not in the range x>=1" in err
