"""Reading source files as text: UTF-8, BOM and Windows line endings accepted."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from quotedeck.problems import Location, Problem, error

# Sources bigger than this are refused before they are read: no curated deck
# needs them, and reading one would stall the build.
MAX_FILE_BYTES = 64 * 2**20

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_utf8(path: Path, cited_at: Location | None = None, max_bytes: int = MAX_FILE_BYTES) -> str | Problem:
    """Return the file's text with `\\n` line endings, or the problem that stops it.

    `cited_at` is where the file was named (a card file's `text:`), so that a
    missing file is reported where the curator can fix the name.
    """
    read = read_text_and_digest(path, cited_at, max_bytes)
    return read if isinstance(read, Problem) else read[0]


def read_text_and_digest(
    path: Path, cited_at: Location | None = None, max_bytes: int = MAX_FILE_BYTES
) -> tuple[str, str] | Problem:
    """As read_utf8, with the SHA-256 of the bytes read: which version of the file it was."""
    read = read_bytes_and_digest(path, cited_at, max_bytes)
    if isinstance(read, Problem):
        return read
    data, digest = read
    text = decode_utf8(path, data)
    return text if isinstance(text, Problem) else (text, digest)


def decode_utf8(path: Path, data: bytes) -> str | Problem:
    """The bytes of `path` as text with `\n` line endings, or where they are not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _not_utf8(path, data, exc.start)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_bytes_and_digest(
    path: Path, cited_at: Location | None = None, max_bytes: int = MAX_FILE_BYTES
) -> tuple[bytes, str] | Problem:
    """The file's bytes and their SHA-256, or the problem that stops reading it."""
    data = read_bytes(path, cited_at, max_bytes)
    return data if isinstance(data, Problem) else (data, hashlib.sha256(data).hexdigest())


def read_bytes(path: Path, cited_at: Location | None = None, max_bytes: int = MAX_FILE_BYTES) -> bytes | Problem:
    """The file's bytes, or the problem that stops reading it."""
    where = cited_at or Location(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            return error(where, f"{path.name} is a folder, not a file", "name a file, such as texts/name.txt")
        if size > max_bytes:
            return error(
                Location(path),
                f"the file is {size / 2**20:.0f} MB; quotedeck reads files up to {max_bytes // 2**20} MB",
                "split it into several files",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        return error(where, f"file not found: {path}", "check the file name and folder")
    except OSError as exc:
        return error(where, f"cannot read {path}: {exc.strerror or exc}")
    return data


def _not_utf8(path: Path, data: bytes, offset: int) -> Problem:
    if data.startswith(_UTF16_BOMS):
        return error(Location(path), "the file is UTF-16, not UTF-8", "re-save the file as UTF-8 in your editor")
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    return error(
        Location(path, line, column),
        f"the file is not UTF-8: byte 0x{data[offset]:02x} at byte offset {offset}",
        "re-save the file as UTF-8 in your editor",
    )
