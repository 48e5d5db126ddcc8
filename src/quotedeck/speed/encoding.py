"""Records as bytes and back: MessagePack through msgspec, data only.

Decoding checks every field's type against the records; anything else is no
entry (msgspec raises, and the caller ignores it). Paths are shared while
decoding: every card has several places in the same file, and every note a text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from quotedeck.model import NoteSpec
from quotedeck.pipeline import FileSummary


def _encode_path(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_encode_path)


def encode(records: FileSummary | list[NoteSpec]) -> bytes:
    """Records as MessagePack bytes."""
    return _ENCODER.encode(records)


def _decode_path(kind: type, value: Any) -> Any:
    """One Path of each name, for every record this process decodes: the build then finds a
    text's path among its keys by identity, not by comparing paths (pathlib's, in Python)."""
    if kind is Path and isinstance(value, str):
        path = _PATHS.get(value)
        if path is None:
            path = _PATHS[value] = Path(value)
        return path
    raise NotImplementedError(f"cannot decode {kind}")


# The card files, texts and media files of the decks this process builds: a few thousand names.
_PATHS: dict[str, Path] = {}
_SUMMARY = msgspec.msgpack.Decoder(FileSummary, dec_hook=_decode_path)
_NOTES = msgspec.msgpack.Decoder(list[NoteSpec], dec_hook=_decode_path)


def decode_summary(data: bytes) -> FileSummary:
    """The card file summary in `data`; raises msgspec.DecodeError (a ValueError) when it is not one."""
    return _SUMMARY.decode(data)


def decode_notes(data: bytes) -> list[NoteSpec]:
    """The notes in `data`; raises msgspec.DecodeError (a ValueError) when they are not notes."""
    return _NOTES.decode(data)
