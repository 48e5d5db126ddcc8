"""A card file's result as bytes and back: MessagePack through msgspec, data only.

Decoding checks every field's type against the records; anything else is no
entry (msgspec raises, and the caller ignores it). Paths are shared while
decoding: every card has several places in the same file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from quotedeck.pipeline import CheckedFile


def _encode_path(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_encode_path)


def encode(checked: CheckedFile) -> bytes:
    return _ENCODER.encode(checked)


def decode(data: bytes) -> CheckedFile:
    """The result in `data`; raises msgspec.DecodeError (a ValueError) when it is not one."""
    paths: dict[str, Path] = {}

    def decode_path(kind: type, value: Any) -> Any:
        if kind is Path and isinstance(value, str):
            path = paths.get(value)
            if path is None:
                path = paths[value] = Path(value)
            return path
        raise NotImplementedError(f"cannot decode {kind}")

    return msgspec.msgpack.Decoder(CheckedFile, dec_hook=decode_path).decode(data)
