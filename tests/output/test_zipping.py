"""The package's ZIP writer, read back by Python's zipfile (Anki's importer reads it in tests/anki/)."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from quotedeck.output.zipping import TooLarge, ZipWriter


def test_deflated_and_stored_members_read_back_whole_with_their_crcs() -> None:
    text = " ".join(random.Random(1).choices(["point", "heart", "light", "desire"], k=50_000)).encode()
    noise = random.Random(2).randbytes(70_000)
    buffer = io.BytesIO()
    with ZipWriter(buffer) as archive:
        archive.add("collection.anki2", [text[:1000], text[1000:], b""], deflate=True)
        archive.add("media", [b"{}"], deflate=True)
        archive.add("0", [noise], deflate=False)
        archive.add("empty", [], deflate=True)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as read:
        assert read.testzip() is None
        members = read.infolist()
        assert [(m.filename, m.compress_type, m.date_time) for m in members] == [
            ("collection.anki2", zipfile.ZIP_DEFLATED, (1980, 1, 1, 0, 0, 0)),
            ("media", zipfile.ZIP_DEFLATED, (1980, 1, 1, 0, 0, 0)),
            ("0", zipfile.ZIP_STORED, (1980, 1, 1, 0, 0, 0)),
            ("empty", zipfile.ZIP_DEFLATED, (1980, 1, 1, 0, 0, 0)),
        ]
        assert read.read("collection.anki2") == text
        assert read.read("media") == b"{}"
        assert read.read("0") == noise
        assert read.read("empty") == b""
    assert members[0].compress_size < len(text) / 3
    assert members[2].compress_size == len(noise)


def test_the_same_members_are_the_same_bytes() -> None:
    def written() -> bytes:
        buffer = io.BytesIO()
        with ZipWriter(buffer) as archive:
            archive.add("collection.anki2", [b"the innermost point " * 5000], deflate=True)
        return buffer.getvalue()

    assert written() == written()


def test_a_member_beyond_the_limit_is_refused() -> None:
    archive = ZipWriter(io.BytesIO(), limit=1000)
    archive.add("small", [b"x" * 500], deflate=False)
    with pytest.raises(TooLarge, match="large"):
        archive.add("large", [b"x" * 600, b"y" * 600], deflate=False)


def test_an_archive_whose_central_directory_ends_beyond_the_limit_is_refused() -> None:
    archive = ZipWriter(io.BytesIO(), limit=1000)
    archive.add("first", [b"x" * 950], deflate=False)  # its header and data end at byte 985
    with pytest.raises(TooLarge, match="central directory"):
        archive.close()
