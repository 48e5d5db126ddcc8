"""Records as bytes and back: MessagePack through msgspec, data only.

Decoding checks every field's type against the records; anything else is no
entry (msgspec raises, and the caller ignores it). Paths are shared while
decoding: every card has several places in the same file. A card file's entry
holds its summary and its checked cards; the cards are decoded only when
notes must be made from them again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from quotedeck.model import NoteSpec
from quotedeck.pipeline import CheckedFile, FileSummary


def _encode_path(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_encode_path)


def encode(records: list[NoteSpec]) -> bytes:
    """Notes as MessagePack bytes."""
    return _ENCODER.encode(records)


def encode_entry(checked: CheckedFile, summary: FileSummary) -> bytes:
    """A card file's entry: its summary, then its checked cards."""
    return _ENCODER.encode((summary, checked))


def _path_decoder() -> Callable[[type, Any], Any]:
    """A decoding hook that makes one Path of each name."""
    paths: dict[str, Path] = {}

    def decode_path(kind: type, value: Any) -> Any:
        if kind is Path and isinstance(value, str):
            path = paths.get(value)
            if path is None:
                path = paths[value] = Path(value)
            return path
        raise NotImplementedError(f"cannot decode {kind}")

    return decode_path


def decode_summary(data: bytes) -> tuple[FileSummary, msgspec.Raw]:
    """An entry's summary, and its checked cards still encoded; raises msgspec.DecodeError (a
    ValueError) when `data` is no entry."""
    return msgspec.msgpack.Decoder(tuple[FileSummary, msgspec.Raw], dec_hook=_path_decoder()).decode(data)


def decode_checked(data: msgspec.Raw) -> CheckedFile:
    """An entry's checked cards; raises msgspec.DecodeError (a ValueError) when they are not."""
    return msgspec.msgpack.Decoder(CheckedFile, dec_hook=_path_decoder()).decode(data)


def decode_notes(data: bytes) -> list[NoteSpec]:
    """The notes in `data`; raises msgspec.DecodeError (a ValueError) when they are not notes."""
    return msgspec.msgpack.Decoder(list[NoteSpec], dec_hook=_path_decoder()).decode(data)
