"""A string written as a YAML scalar that reads back as exactly that string."""

from __future__ import annotations

import re

import yaml

try:  # the same parser the card files are read with
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

# Characters a double-quoted scalar must escape: controls, and the line and
# byte-order marks YAML reads as breaks or drops.
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
    "\ufeff": "\\uFEFF",
}
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')
# What a single-quoted or plain scalar cannot hold on one line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
# Flow indicators end a plain scalar inside `[…]` or `{…}`.
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")


def double_quoted(value: str) -> str:
    """`text` as a double-quoted YAML scalar."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _ESCAPES.get(char) or (f"\\x{ord(char):02X}" if ord(char) < 0x100 else f"\\u{ord(char):04X}")

    return '"' + _NEEDS_ESCAPE.sub(escape, value) + '"'


def single_quoted(value: str) -> str | None:
    """`'…'` with `''` for `'`; None when the value holds a line break or control character."""
    if _UNPRINTABLE.search(value):
        return None
    return "'" + value.replace("'", "''") + "'"


def plain(value: str, *, flow: bool = False) -> str | None:
    """The value as a plain scalar, when it reads back as the same text; else None."""
    if not value or value != value.strip() or _UNPRINTABLE.search(value):
        return None
    if flow and _FLOW_INDICATORS.search(value):
        return None
    document = f"{{k: {value}}}" if flow else f"k: {value}\n"
    try:
        read = yaml.load(document, Loader=Loader)
    except yaml.YAMLError:
        return None
    return value if read == {"k": value} else None


def scalar(value: str, *, flow: bool = False) -> str:
    """Plain when that is safe, else double-quoted with escapes: one line either way."""
    return plain(value, flow=flow) or double_quoted(value)


def restyled(value: str, style: str | None, *, flow: bool = False) -> str:
    """One line in the style given (`'`, `"`, or plain for None or ''), where the value allows it."""
    if style in (None, ""):
        return scalar(value, flow=flow)
    if style == "'":
        return single_quoted(value) or double_quoted(value)
    return double_quoted(value)
