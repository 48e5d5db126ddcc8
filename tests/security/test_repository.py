"""A cloned deck repository is untrusted: nothing in it runs, or makes quotedeck write or delete elsewhere."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from quotedeck import pipeline
from quotedeck.errors import OutputError
from quotedeck.output.build_lock import one_build_at_a_time
from quotedeck.speed import fast
from quotedeck.speed.storage import cache_folder
from tests.speed.test_cache import CARDS, TEXTS, edit
from tests.speed.test_parallel import numbered_cards
from tests.support.checking import run
from tests.support.slow_build import slow_parallel_build
from tests.support.sources import write_source

T0 = 1_800_000_000


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_source(tmp_path, cards=CARDS, texts=TEXTS)


def files_below(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_committed_build_link_is_refused_and_nothing_is_written_through_it(source: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "test-deck.apkg").write_bytes(b"precious")
    (source.parent / "build").symlink_to(elsewhere)
    with pytest.raises(OutputError) as raised:
        pipeline.build(source, now=T0)
    assert "is a link" in raised.value.message
    assert files_below(elsewhere) == {"test-deck.apkg": b"precious"}
    assert not (source / "quotedeck.lock").exists()


def test_a_committed_package_link_is_refused(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.apkg"
    target.write_bytes(b"precious")
    (source.parent / "build").mkdir()
    (source.parent / "build" / "test-deck.apkg").symlink_to(target)
    code, out, err = run("build", str(source))
    assert code == 1 and out == ""
    assert "build/test-deck.apkg is a link; quotedeck writes nothing through a link" in err
    assert target.read_bytes() == b"precious"


def test_a_stamp_committed_where_stamps_once_lived_is_not_trusted(source: Path) -> None:
    """A planted stamp with the package's hash once made `build --locked` keep a planted package."""
    pipeline.build(source, now=T0)
    package = source.parent / "build" / "test-deck.apkg"
    planted = b"PK planted package with <script> in a field"
    package.write_bytes(planted)
    stamp = {"format": 1, "inputs": "x", "texts": [["/dev/zero", "x"]], "package": hashlib.sha256(planted).hexdigest()}
    (package.parent / f".{package.name}.stamp").write_text(json.dumps(stamp))
    report = fast.build(source, locked=True, now=T0 + 1)
    assert (report.up_to_date, report.written) == (False, True)
    assert package.read_bytes() != planted


def test_a_stamp_in_the_cache_folder_never_opens_a_path_outside_the_deck(source: Path) -> None:
    fast.build(source, now=T0)
    [stamp_file] = list(cache_folder(source, "stamps").iterdir())
    stamp = json.loads(stamp_file.read_text())
    stamp["texts"] = ["/dev/zero", "../../../../dev/zero"]
    stamp_file.write_text(json.dumps(stamp))
    finished = threading.Event()
    threading.Thread(target=lambda: (fast.build(source, now=T0 + 1), finished.set()), daemon=True).start()
    assert finished.wait(30), "the build hung reading a path the stamp named"


def test_no_temporary_goes_into_the_source_folder_and_stale_ones_are_swept(source: Path) -> None:
    build_folder = source.parent / "build"
    build_folder.mkdir()
    stale = [
        build_folder / ".test-deck.apkg.abcd1234.apkg",
        build_folder / ".test-deck.apkg.zz_9zz_9.anki2",
        build_folder / ".quotedeck.lock.abcdefgh.tmp",
        source / ".quotedeck.lock.12345678.tmp",  # where older versions staged the lock
    ]
    for path in stale:
        path.write_bytes(b"left by a killed build")
    kept = [build_folder / "notes.txt", build_folder / ".other.abcd1234.tmp", source / ".quotedeck.lock.keep"]
    for path in kept:
        path.write_bytes(b"not ours")
    link = build_folder / ".test-deck.apkg.linkxxxx.apkg"
    link.symlink_to(kept[0])
    before = set(os.listdir(source))
    pipeline.build(source, now=T0)
    assert not any(path.exists() for path in stale)
    assert all(path.read_bytes() == b"not ours" for path in kept)
    assert link.is_symlink()  # a link is never followed, nor removed
    assert set(os.listdir(source)) == (before - {stale[-1].name}) | {"quotedeck.lock"}


def test_builds_of_one_folder_wait_for_each_other(source: Path) -> None:
    """Overlapping builds (a --watch rebuild and a manual one) once gave two contents one `mod`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with one_build_at_a_time(source):
        child = subprocess.Popen(
            [sys.executable, "-m", "quotedeck", "build", str(source)], env=env, stdout=subprocess.PIPE, text=True
        )
        time.sleep(2)
        assert child.poll() is None and not (source.parent / "build").exists()
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0 and out.startswith("Wrote")


def test_every_edit_gets_a_newer_mod_even_within_one_second(source: Path) -> None:
    mods = []
    answer = "A new force."
    for number in range(3):
        edit(source / "a.yaml", f"answer: {answer}", f"answer: Edit {number}.")
        answer = f"Edit {number}."
        pipeline.build(source, now=T0)  # the same second every time
        lock = json.loads((source / "quotedeck.lock").read_text())
        mods.append(lock["notes"]["what-does-the-light-give-to-the-one-who-asks"]["mod"])
    assert mods == [T0, T0 + 1, T0 + 2]


def test_numbers_without_a_lock_do_not_depend_on_the_cache(source: Path, tmp_path: Path) -> None:
    """With the lock deleted, a fresh clone and a machine with a warm cache number phrases alike."""
    fast.build(source, now=T0)
    edit(source / "a.yaml", "cloze: [a new force, the one who asks]", "cloze: [the one who asks, a new force]")
    fast.build(source, now=T0 + 1)  # the cache now knows this version of the card file
    (source / "quotedeck.lock").unlink()
    clone = shutil.copytree(source.parent, tmp_path / "clone") / "cards_source"
    shutil.rmtree(clone.parent / "build")
    warm, cold = fast.build(source, now=T0 + 2), pipeline.build(clone, now=T0 + 2)
    assert (source / "quotedeck.lock").read_bytes() == (clone / "quotedeck.lock").read_bytes()
    assert warm.output.read_bytes() == cold.output.read_bytes()


def _processes_with_parent(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_end_with_their_build(tmp_path: Path, how: signal.Signals) -> None:
    source = write_source(tmp_path, cards=numbered_cards(400), texts=TEXTS)
    child = slow_parallel_build(source, tmp_path / "slow", 0.05)
    deadline = time.monotonic() + 30
    while not _processes_with_parent(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _processes_with_parent(child.pid)
    assert workers, "the build started no workers"
    child.send_signal(how)
    _, err = child.communicate(timeout=30)
    if how == signal.SIGTERM:
        assert (child.returncode, err.strip()) == (1, "Aborted!")
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert alive == []
    assert [p for p in (tmp_path / "build").rglob("*") if p.is_file()] == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_the_package_is_never_written_into_the_card_source_folder(source: Path) -> None:
    code, out, err = run("build", str(source), "-o", str(source / "deck.apkg"))
    assert (code, out) == (1, "")
    assert "the package would be written into the card source folder" in err
    assert not (source / "deck.apkg").exists() and not (source / "quotedeck.lock").exists()


def test_a_build_without_a_writable_cache_folder_still_builds(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache, the stamp and the build lock live in the user's cache folder; none is needed."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    code, out, err = run("build", str(source))
    assert code == 0 and "error" not in err  # the sample deck's lint warnings only
    assert out.startswith("Wrote ")
    assert run("build", str(source))[0] == 0
