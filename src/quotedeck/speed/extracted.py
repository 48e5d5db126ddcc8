"""A text's extraction done once per file content: a 500-page PDF is not read again on every build.

Entries are the extracted paragraphs as typed MessagePack (never pickle), under the
SHA-256 of quotedeck's code, the text's kind and the file's bytes, in the user's
cache folder; texts of every deck share them. One that does not decode is no entry.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from quotedeck.extract.formats import extract, kind_of
from quotedeck.extract.records import Extracted
from quotedeck.problems import Location, Problem
from quotedeck.speed.cache import code_fingerprint
from quotedeck.speed.storage import read_quietly, texts_folder, write_quietly

_FORMAT = b"quotedeck extracted text 1\n"
_MAX_ENTRY = 512 * 2**20
_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Extracted)


def remembered_extract(path: Path, data: bytes, cited_at: Location) -> Extracted | Problem:
    """extract.formats.extract, or what it gave for these bytes before."""
    key = hashlib.sha256(b"\0".join((code_fingerprint().encode(), kind_of(path).encode(), data))).hexdigest()
    entry = texts_folder() / key
    stored = read_quietly(entry, _MAX_ENTRY)
    if stored is not None and stored.startswith(_FORMAT):
        try:
            return _DECODER.decode(stored[len(_FORMAT) :])
        except (msgspec.DecodeError, ValueError, TypeError):
            pass
    extracted = extract(path, data, cited_at)
    if isinstance(extracted, Extracted):  # a problem is found again: it may be fixed any moment
        write_quietly(entry, _FORMAT + _ENCODER.encode(extracted))
    return extracted
