"""Real image and sound files for media tests, made by real producers: Pillow and Python's wave."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

from PIL import Image


def image(path: Path, width: int, height: int, colour: tuple[int, int, int] = (180, 120, 40)) -> Path:
    """A picture of `width` x `height` pixels, in the format its suffix names (PNG, JPEG, GIF, WebP)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    picture = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 7):  # a diagonal band, so that the file is not all one colour
        picture.putpixel((x, min(height - 1, x * height // max(width, 1))), (20, 20, 20))
    picture.save(path)
    return path


def sound(path: Path, seconds: float = 0.2, pitch: float = 440.0) -> Path:
    """A WAV file holding a tone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 8000
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * pitch * n / rate))) for n in range(int(rate * seconds))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path
