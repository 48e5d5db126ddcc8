"""A card's `image:` and `audio:`: files of the card source folder, of a type every Anki client shows.

Each is stored in the package under a name made from its bytes: a file that
many cards use is stored once, two files of the same name in different folders
never clash, and a changed file is a changed name, hence an updated note.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from quotedeck.model import MediaRef
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.files import cited_file

MediaKind = Literal["image", "audio"]

# Larger files make every phone's sync slow, and Anki's own sync refuses a file over 100 MB.
MAX_MEDIA_BYTES = 10 * 2**20

# SVG is left out on purpose: it is a document that can carry scripts and links,
# and a deck repository is untrusted input. A PNG of it shows the same.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
AUDIO_SUFFIXES = (".mp3", ".ogg", ".m4a", ".wav")
_SUFFIXES = {"image": IMAGE_SUFFIXES, "audio": AUDIO_SUFFIXES}
_EXAMPLES = {"image": "media/page.png", "audio": "media/quote.mp3"}


def _looks_like(suffix: str, head: bytes) -> bool:
    """Whether the file's first bytes are those of its type: a renamed file of another kind
    would reach every phone and show nothing."""
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if suffix == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if suffix == ".wav":
        return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    if suffix == ".ogg":
        return head[:4] == b"OggS"
    if suffix == ".m4a":
        return head[4:8] == b"ftyp"
    # MP3: an ID3 tag, or straight into a frame (11 bits of frame sync).
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


_TYPE_NAMES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WebP"}


def media_name(digest: str, suffix: str) -> str:
    """The file's name in the package and in Anki's media folder."""
    return f"quotedeck-{digest[:24]}{suffix}"


def cited_media(card_file: Path, root: Path, written: str, at: Location, kind: MediaKind) -> MediaRef | Problem:
    """The image or sound a card names, checked and digested; a problem at its line otherwise."""
    suffix = Path(written).suffix.lower()
    allowed = _SUFFIXES[kind]
    if suffix not in allowed:
        hint = f"use a {' or '.join(s.lstrip('.') for s in allowed)} file"
        if suffix == ".svg":
            hint = "SVG can carry scripts: export the drawing as PNG"
        return error(at, f"`{written}` is not a supported {kind} file", hint)
    path = cited_file(card_file, root, written, at, kind, _EXAMPLES[kind])
    if isinstance(path, Problem):
        return path
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_MEDIA_BYTES + 1)
    except OSError as exc:
        return error(at, f"cannot read `{written}`: {exc.strerror}")
    if len(data) > MAX_MEDIA_BYTES:
        return error(
            at,
            f"`{written}` is larger than {MAX_MEDIA_BYTES // 2**20} MB",
            "make it smaller: every phone that studies the deck downloads it",
        )
    if not _looks_like(suffix, data[:16]):
        shown = _TYPE_NAMES.get(suffix, suffix.lstrip(".").upper())
        return error(
            at, f"`{written}` is not a {shown} file, whatever its name says", "save it in the type it is named"
        )
    digest = hashlib.sha256(data).hexdigest()
    return MediaRef(path, media_name(digest, suffix), digest, at)
