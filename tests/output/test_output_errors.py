"""When the package cannot be written: a clear error, exit code 1, and no damage.

"No damage" means the previous .apkg and quotedeck.lock stay byte-identical and
no temporary file is left behind, whatever fails and whenever.
"""

import errno
import io
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

import quotedeck.output.atomic
from quotedeck.output.zipping import ZipWriter
from quotedeck.pipeline import build
from tests.support.checking import run
from tests.support.sources import write_source

Snapshot = dict[str, bytes]


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project built once, then edited so that the next build changes the package and the lock."""
    monkeypatch.chdir(tmp_path)
    source = write_source(tmp_path)
    build(source, now=1_700_000_000)
    cards = source / "sample.yaml"
    cards.write_text(cards.read_text().replace("A new force.", "A new force, from above."))
    return tmp_path


def snapshot(root: Path) -> Snapshot:
    """Every file under `root` and its bytes (temporary files included, by name)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fail_with(exc: BaseException) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    return fail


DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
PACKAGE_DISK_FULL = [
    "build/test-deck.apkg: error: cannot write the package: the disk is full; "
    "the previous package and lock are unchanged",
    "    hint: free some space, then build again",
]


@pytest.mark.parametrize(
    "where",
    ["sqlite", "zip", "fsync"],
)
def test_full_disk_while_writing_the_package(built: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    before = snapshot(built)
    if where == "sqlite":  # what SQLite itself raises on a full disk (seen on a 16 KB tmpfs)
        monkeypatch.setattr(sqlite3, "connect", fail_with(sqlite3.OperationalError("database or disk is full")))
    elif where == "zip":
        monkeypatch.setattr(ZipWriter, "add", fail_with(DISK_FULL))
    else:
        real_fsync = os.fsync

        def fsync(fd: int) -> None:  # the lock is flushed first; the package's flush fails
            if os.readlink(f"/proc/self/fd/{fd}").endswith(".apkg"):
                raise DISK_FULL
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
    assert run("build") == (1, "", "\n".join(PACKAGE_DISK_FULL) + "\n")
    assert snapshot(built) == before


def test_full_disk_while_writing_the_lock(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(built)

    class Full(io.FileIO):
        def write(self, data: object) -> int:
            raise DISK_FULL

    def open_(file: str | Path, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        if Path(file).name.startswith(".quotedeck.lock.") and "w" in mode:
            return Full(file, "w")
        return open(file, mode, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(quotedeck.output.atomic, "open", open_, raising=False)  # the lock's temporary file
    assert run("build") == (
        1,
        "",
        "cards_source/quotedeck.lock: error: cannot write the lock: the disk is full; "
        "the previous package and lock are unchanged\n"
        "    hint: free some space, then build again\n",
    )
    assert snapshot(built) == before


def test_unwritable_output_folder(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores file modes, so the refusal is simulated where the file would be created."""
    before = snapshot(built)
    import tempfile

    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        if Path(str(kwargs.get("dir"))).name == "build":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(kwargs.get("dir")))
        return real_mkstemp(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    assert run("build") == (
        1,
        "",
        "build/test-deck.apkg: error: cannot write the package: Permission denied; "
        "the previous package and lock are unchanged\n"
        "    hint: choose another place with -o, or make the folder writable\n",
    )
    assert snapshot(built) == before


def test_unwritable_lock_folder_says_to_make_it_writable(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-o moves the package, never the lock: the hint for the lock must not suggest it."""
    before = snapshot(built)
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:  # as for a user who may not write there
        if Path(str(path)).name == "cards_source" and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    assert run("build") == (
        1,
        "",
        "cards_source/quotedeck.lock: error: cannot write the lock: Permission denied; "
        "the previous package and lock are unchanged\n"
        "    hint: make cards_source writable: the lock is kept there, beside the card files\n",
    )
    assert snapshot(built) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_output_folder(built: Path) -> None:
    before = snapshot(built)
    (built / "build").chmod(0o555)
    try:
        code, out, err = run("build")
    finally:
        (built / "build").chmod(0o755)
    assert (code, out) == (1, "")
    assert err.startswith("build/test-deck.apkg: error: cannot write the package: Permission denied;")
    assert snapshot(built) == before


def test_output_path_that_is_a_folder(built: Path) -> None:
    before = snapshot(built)
    (built / "out").mkdir()
    assert run("build", "-o", "out") == (
        1,
        "",
        "out: error: the output path is a folder\n    hint: give a file name, such as out/deck.apkg\n",
    )
    assert snapshot(built) == before


def test_output_path_inside_a_file(built: Path) -> None:
    before = snapshot(built)
    assert run("build", "-o", "cards_source/deck.yaml/deck.apkg") == (
        1,
        "",
        "cards_source/deck.yaml/deck.apkg: error: cards_source/deck.yaml is a file, not a folder\n"
        "    hint: choose another place with -o\n",
    )
    assert snapshot(built) == before


def test_output_must_be_an_apkg_so_a_slip_cannot_overwrite_a_source(built: Path) -> None:
    before = snapshot(built)
    assert run("build", "-o", "cards_source/sample.yaml") == (
        1,
        "",
        "cards_source/sample.yaml: error: the package file must end in .apkg\n"
        "    hint: write cards_source/sample.apkg\n",
    )
    assert snapshot(built) == before


@pytest.mark.parametrize("where", ["sqlite", "zip"])
def test_interrupted_build_leaves_no_partial_file(built: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Ctrl-C in the middle of writing: the old package and lock, and nothing else."""
    before = snapshot(built)
    if where == "zip":
        monkeypatch.setattr(ZipWriter, "add", fail_with(KeyboardInterrupt()))
    else:
        real_connect = sqlite3.connect

        class Interrupted:
            """A connection whose commit is where Ctrl-C lands: after the notes went in."""

            def __init__(self, connection: sqlite3.Connection) -> None:
                self.connection = connection

            def __getattr__(self, name: str) -> object:
                return getattr(self.connection, name)

            def commit(self) -> None:
                raise KeyboardInterrupt

        def connect(*args: object, **kwargs: object) -> Interrupted:
            return Interrupted(real_connect(*args, **kwargs))  # type: ignore[arg-type]

        monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(KeyboardInterrupt):
        build(built / "cards_source")
    assert snapshot(built) == before


def test_interrupted_build_through_the_cli(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(built)
    monkeypatch.setattr(ZipWriter, "add", fail_with(KeyboardInterrupt()))
    code, out, err = run("build")
    assert (code, out, err) == (1, "", "\nAborted!\n")  # click's own words for Ctrl-C
    assert snapshot(built) == before


def test_a_build_after_a_failed_one_succeeds(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(ZipWriter, "add", fail_with(DISK_FULL))
        assert run("build")[0] == 1
    code, out, _ = run("build")
    assert code == 0 and "1 updated" in out
