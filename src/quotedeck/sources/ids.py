"""Card ids: what a curator may write as `id:`, and the one made from a term or question."""

from __future__ import annotations

import re
import unicodedata

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_LENGTH = 64


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """`What is a Kli?` -> `what-is-a-kli`; letters outside ASCII are folded or dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "-".join(words)[:max_length].strip("-")


def is_valid_id(card_id: str) -> bool:
    """Whether a curator's `id:` can be a card's id."""
    return len(card_id) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(card_id) is not None
