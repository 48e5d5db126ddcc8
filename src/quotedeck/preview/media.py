"""A card's image and sound in the preview, as Anki shows them from its media folder.

The page is one file that fetches nothing, so each file is put inside it as a
`data:` URI: only files quotedeck checked itself (sources/media.py), under the
names quotedeck wrote. Anki turns `[sound:…]` into a play button; the preview
shows the browser's own player, which plays without a script (the frames run none).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from quotedeck.errors import OutputError
from quotedeck.model import MediaRef

_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
}

# The markup notes/note.py writes for a card's media; a curator's typed text never reads so
# (its `<` and `[` are character references).
_IMAGE = re.compile(r'<img src="(quotedeck-[0-9a-f]{24}\.[a-z0-9]+)"')
_SOUND = re.compile(r"\[sound:(quotedeck-[0-9a-f]{24}\.[a-z0-9]+)\]")


def embedded_media(refs: Iterable[MediaRef]) -> dict[str, str]:
    """Each file's name in the notes, with its bytes as a `data:` URI; raises OutputError
    if a file is no longer what was checked."""
    uris: dict[str, str] = {}
    for ref in refs:
        if ref.name in uris:
            continue
        data = _checked_bytes(ref)
        kind = _TYPES[Path(ref.name).suffix]
        uris[ref.name] = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return uris


def with_media(side: str, uris: Mapping[str, str]) -> str:
    """A rendered card side with its media inside: images shown, sounds playable."""
    if not uris:
        return side

    def image(match: re.Match[str]) -> str:
        uri = uris.get(match.group(1))
        return match.group(0) if uri is None else f'<img src="{uri}"'

    def sound(match: re.Match[str]) -> str:
        uri = uris.get(match.group(1))
        return match.group(0) if uri is None else f'<audio controls preload="metadata" src="{uri}"></audio>'

    return _SOUND.sub(sound, _IMAGE.sub(image, side))


def _checked_bytes(ref: MediaRef) -> bytes:
    """The file as it was checked: its name in the notes is made from those bytes."""
    kept = "the previous page is unchanged"
    try:
        data = ref.path.read_bytes()
    except OSError as exc:
        raise OutputError(ref.path, f"cannot read the file: {exc.strerror}; {kept}", "run preview again") from exc
    if hashlib.sha256(data).hexdigest() != ref.digest:
        raise OutputError(
            ref.path, f"the file changed while the preview was being written; {kept}", "run preview again"
        )
    return data
