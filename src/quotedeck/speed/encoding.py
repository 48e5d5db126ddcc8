"""Records as bytes and back: MessagePack through msgspec, data only.

Decoding checks every field's type against the records; anything else is no
entry (msgspec raises, and the caller ignores it). Paths are shared while
decoding: every card has several places in the same file.
"""

from __future__ import annotations

from collections.abc import Callable
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


def decode_summary(data: bytes) -> FileSummary:
    """The card file summary in `data`; raises msgspec.DecodeError (a ValueError) when it is not one."""
    return msgspec.msgpack.Decoder(FileSummary, dec_hook=_path_decoder()).decode(data)


def decode_notes(data: bytes) -> list[NoteSpec]:
    """The notes in `data`; raises msgspec.DecodeError (a ValueError) when they are not notes."""
    return msgspec.msgpack.Decoder(list[NoteSpec], dec_hook=_path_decoder()).decode(data)
