"""A text is extracted once per file content: a rebuild after a card edit reads the extraction
kept in the user's cache folder, not the file again."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from quotedeck import pipeline
from quotedeck.errors import SourceProblems
from quotedeck.extract.records import Extracted, Paragraph
from quotedeck.speed import extracted, fast
from quotedeck.speed.storage import texts_folder
from tests.extract.kinds import deck_citing


def test_a_rebuild_after_a_card_edit_does_not_extract_again(tmp_path: Path) -> None:
    text = tmp_path / "notes.md"
    text.write_text("# Asking\n\nA person *asks* the Light to change him.\n", encoding="utf-8")
    source = deck_citing(tmp_path, text, ["A person asks the Light to change him."])
    fast.build(source, tmp_path / "out.apkg")
    [entry] = list(texts_folder().iterdir())
    # Stands in for what the file gave: a rebuild that finds these words used the entry.
    kept = Extracted("markdown", (Paragraph("words only the cache holds", "§ Kept"),))
    entry.write_bytes(extracted._FORMAT + msgspec.msgpack.encode(kept))
    deck_citing(tmp_path, text, ["words only the cache holds"])  # the card edited
    report = fast.build(source, tmp_path / "out.apkg")
    assert report.written and report.changes.updated
    with pytest.raises(SourceProblems):  # without speed/, the file is read as it is
        pipeline.check(source)


def test_an_entry_that_does_not_decode_is_no_entry(tmp_path: Path) -> None:
    text = tmp_path / "notes.md"
    text.write_text("# Asking\n\nA person *asks* the Light to change him.\n", encoding="utf-8")
    source = deck_citing(tmp_path, text, ["A person asks the Light to change him."])
    fast.build(source, tmp_path / "out.apkg")
    [entry] = list(texts_folder().iterdir())
    entry.write_bytes(extracted._FORMAT + b"\xc1 not msgpack")
    deck_citing(tmp_path, text, ["A person asks the Light"])
    assert fast.build(source, tmp_path / "out.apkg").written
