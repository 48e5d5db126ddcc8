"""Load a YAML file as a tree of nodes that keep their line and column.

libyaml's parser (safe: it only reads) yields events, and a small composer
here turns them into nodes. Composing here rather than with PyYAML's composer
lets it refuse, with the place to fix, what a card file must not contain:
aliases and anchors, tags, several documents, and nesting or size that could
only be an accident or an attack (PyYAML's C composer recurses, and crashes
the interpreter on a deeply nested file unless libyaml stops it first).

Composing in Python costs more than parsing, so a file takes a fast path where
it safely can: PyYAML's C composer (through yaml.compose), only on a text that
cannot hold tags, anchors or aliases, nor more values than a card file may have
(libyaml limits nesting itself since PyYAML 6.0.4, which pyproject.toml
requires), its tree then checked for depth and size. Any other file, and any
the fast path is unsure of, is composed here: the same tree, or the refusal
with its place.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple, Protocol, cast

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quotedeck.problems import Location, Problem, error
from quotedeck.sources.reading import read_utf8

try:  # libyaml's parser is several times faster; PyYAML falls back without it
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

# Where YAML (and so every line number in a location) ends a line.
YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
# A card file is a mapping of cards of a few keys: five levels would do.
MAX_DEPTH = 32
# libyaml's own limit (1000 flow or block levels, since PyYAML 6.0.4); its
# scanner looks ahead, so it can stop before our composer sees the 33rd level.
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
# About 40 bytes of memory per value; a 100,000-card file has about a million.
MAX_VALUES = 2_000_000
# Card files are written by hand; a bigger one is a mistake, and parsing it would stall the build.
MAX_YAML_BYTES = 16 * 2**20

__all__ = [
    "MappingNode",
    "Node",
    "Recovered",
    "ScalarNode",
    "SequenceNode",
    "load_card_file",
    "load_yaml",
    "node_location",
]


class _Position(Protocol):
    line: int
    column: int


def node_location(path: Path, node: Node) -> Location:
    """Where a YAML node starts, as a Location."""
    return _at(path, node.start_mark)


def _at(path: Path, mark: _Position | None) -> Location:
    return Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)


def _mark(mark: object) -> yaml.Mark | None:
    """libyaml's marks, typed as the nodes expect (both have a line and a column)."""
    return cast("yaml.Mark | None", mark)


# The fast path needs libyaml's C composer (PyYAML's wheels include it).
FAST_COMPOSER = yaml.__with_libyaml__

# The safe loader's implicit resolvers (which plain scalars are numbers, booleans, null...), and
# those for any first character, looked up once for each first character.
_WILDCARD = tuple(SafeLoader.yaml_implicit_resolvers.get(None, []))
_RESOLVERS = {
    first: tuple(resolvers) + _WILDCARD
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
    if first is not None
}


class Loader(SafeLoader):
    """The safe loader, resolving tags as it does, with less work a node: libyaml's composer asks
    for each of a card file's values, and the safe loader has no path resolvers to follow."""

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in _RESOLVERS.get(value[:1], _WILDCARD):
                    if pattern.match(value):
                        return str(tag)
            return STR_TAG
        return MAP_TAG if kind is MappingNode else SEQ_TAG

    def descend_resolver(self, current_node: Node | None, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


# A tag (`!`), an anchor (`&`) or an alias (`*`) starts a token, so it comes first
# in the text or after a space, a line break or an indicator. After any other
# character, `!&*` are inside a scalar (a plain scalar ends only at a space, a
# line break, `:` or a flow indicator), so a file where this finds nothing has
# no tags, anchors or aliases. (The class first: the search skips ahead faster.)
_SCALAR_CHAR = r"""[^\s\ufeff\-?:,\[\]{}#&*!|>'"%@`]"""
_MAYBE_TAG_ANCHOR_OR_ALIAS = re.compile(rf"[&*!](?<!{_SCALAR_CHAR}[&*!])")


def _may_hold_tag_anchor_or_alias(text: str) -> bool:
    # `in` is much quicker than the search, and most files have none of them.
    return ("!" in text or "&" in text or "*" in text) and _MAYBE_TAG_ANCHOR_OR_ALIAS.search(text) is not None


def compose_fast(text: str) -> MappingNode | None:
    """The top-level mapping by libyaml's C composer, or None where our composer
    must decide: it alone refuses with the place to fix, so anything unusual (a
    syntax error, several documents, no mapping, too deep, too many values) is
    left to it."""
    # libyaml makes at most about one node a character (`[?:,?:,`) and builds the whole tree
    # before it can be counted: a text that could hold too many values is composed here.
    if not FAST_COMPOSER or 3 * len(text) > MAX_VALUES or _may_hold_tag_anchor_or_alias(text):
        return None
    try:
        root = yaml.compose(text, Loader=Loader)
    except Exception:  # our composer meets the same and reports it
        return None
    if not isinstance(root, MappingNode):
        return None
    # Level by level, without recursion, the count and the depth our composer allows.
    level: list[Node] = [root]
    values = 0
    for _ in range(MAX_DEPTH):
        values += len(level)
        below: list[Node] = []
        for node in level:
            if isinstance(node, MappingNode):
                for pair in node.value:
                    below.extend(pair)
            elif isinstance(node, SequenceNode):
                below.extend(node.value)
        level = below
    # Anything left is MAX_DEPTH levels below the root.
    return root if not level and values <= MAX_VALUES else None


def load_yaml(path: Path) -> MappingNode | Problem:
    """The file's top-level mapping, or the first problem that prevents reading it."""
    text = read_utf8(path, max_bytes=MAX_YAML_BYTES)
    if isinstance(text, Problem):
        return text
    return _load_text(path, text)


# A card file's list of cards, and each card in it: `cards:` at the margin, `- ` items below.
_CARDS_KEY = re.compile(r"cards\s*:\s*(#.*)?")
_ITEM = re.compile(r"( *)-(\s|$)")
# How many broken cards of one file are set aside before the file is given up.
_MOST_SET_ASIDE = 100


class Recovered(NamedTuple):
    """A card file read around its syntax errors: the tree without the broken cards (None when
    nothing could be read), every syntax error, and the lines of each card set aside."""

    node: MappingNode | None
    problems: tuple[Problem, ...]
    set_aside: frozenset[int]  # 1-based first lines of the cards left out


def load_card_file(path: Path) -> Recovered:
    """As load_yaml, but a syntax error inside one card of `cards:` sets that card aside and the
    rest of the file is read: every broken card is reported in one run."""
    text = read_utf8(path, max_bytes=MAX_YAML_BYTES)
    if isinstance(text, Problem):
        return Recovered(None, (text,), frozenset())
    lines: list[str] = []  # split at the first syntax error: most files have none
    problems: list[Problem] = []
    set_aside: set[int] = set()
    while True:
        loaded = _load_text(path, text)
        if not isinstance(loaded, Problem):
            return Recovered(loaded, tuple(problems), frozenset(set_aside))
        problems.append(loaded)
        lines = lines or YAML_LINE_BREAK.split(text)
        card = _card_lines(lines, loaded.location.line - 1) if loaded.message.startswith("invalid YAML") else None
        if card is None or len(set_aside) >= _MOST_SET_ASIDE:
            return Recovered(None, tuple(problems), frozenset(set_aside))
        first, end = card
        # The card's lines blanked (its dash kept, so that the list stays a list): lines keep their numbers.
        lines[first:end] = [lines[first][: lines[first].index("-") + 1]] + [""] * (end - first - 1)
        set_aside.add(first + 1)
        text = "\n".join(lines)


def _card_lines(lines: list[str], line: int) -> tuple[int, int] | None:
    """The 0-based lines [first, end) of the card of `cards:` that holds `line`, if any."""
    start = next((n for n, text in enumerate(lines) if _CARDS_KEY.fullmatch(text)), None)
    if start is None or line <= start:
        return None
    items: list[int] = []
    indent: str | None = None
    end = len(lines)
    for n in range(start + 1, len(lines)):
        text = lines[n]
        if text and not text[0].isspace() and not text.startswith(("#", "-")):
            end = n  # the next top-level key
            break
        item = _ITEM.match(text)
        if item and (indent is None or item.group(1) == indent):
            indent = item.group(1)
            items.append(n)
    for first, following in zip(items, [*items[1:], end], strict=True):
        if first <= line < following:
            return first, following
    return None


def _load_text(path: Path, text: str) -> MappingNode | Problem:
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return error(Location(path), "the file is empty", "add the keys this file needs")
    try:
        node: Node | None = compose_fast(text)
        if node is None:
            node = _Composer(path, text).compose()
    except yaml.MarkedYAMLError as exc:
        if exc.problem == LIBYAML_TOO_DEEP:
            return _too_deep(path, text, exc)
        return _syntax_error(path, text, exc)
    except yaml.reader.ReaderError as exc:
        return _unreadable_character(path, text, exc)
    except _Refused as refused:
        return replace(refused.problem, location=_within(refused.problem.location, text))
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks its errors
        return error(Location(path), f"invalid YAML: {exc}")
    if not isinstance(node, MappingNode):
        return error(
            _within(node_location(path, node), text) if node else Location(path),
            "the file must be a mapping of keys to values",
            "start lines with `key: value`",
        )
    return node


class _Refused(Exception):
    """Stops composing at the first thing a card file must not contain."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Open:
    """A mapping or list being filled, and a mapping's key that waits for its value."""

    __slots__ = ("key", "node")

    def __init__(self, node: MappingNode | SequenceNode) -> None:
        self.node = node
        self.key: Node | None = None


class _Composer:
    """Builds nodes from libyaml's events, iteratively, refusing what cards must not contain."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.loader = Loader(text)
        self.anchors: dict[str, _Position] = {}
        self.values = 0

    def refuse(self, mark: _Position | None, message: str, hint: str = "") -> _Refused:
        return _Refused(error(_at(self.path, mark), message, hint))

    def compose(self) -> Node | None:
        try:
            root = self._compose()
        finally:
            self.loader.dispose()
        if self.anchors:  # an anchor no alias uses: harmless, but not part of the format
            name, mark = next(iter(self.anchors.items()))
            raise self.refuse(mark, f"anchors (&{name}) are not supported", f"remove `&{name}`")
        return root

    def _compose(self) -> Node | None:
        root: Node | None = None
        documents = 0
        stack: list[_Open] = []
        while True:
            event = self.loader.get_event()
            node: Node
            if isinstance(event, StreamEndEvent):
                return root
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.refuse(
                        event.start_mark,
                        "the file holds more than one YAML document",
                        "remove the `---` line; put other cards in another file",
                    )
                continue
            if isinstance(event, AliasEvent):
                raise self._alias(event)
            if isinstance(event, MappingStartEvent | SequenceStartEvent):
                self._check(event, len(stack))
                kind = MappingNode if isinstance(event, MappingStartEvent) else SequenceNode
                tag = MAP_TAG if kind is MappingNode else SEQ_TAG
                stack.append(_Open(kind(tag, [], _mark(event.start_mark), None, event.flow_style)))
                continue
            if isinstance(event, MappingEndEvent | SequenceEndEvent):
                node = stack.pop().node
                node.end_mark = _mark(event.end_mark)
            elif isinstance(event, ScalarEvent):
                self._check(event, len(stack))
                tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
                node = ScalarNode(tag, event.value, _mark(event.start_mark), _mark(event.end_mark), event.style)
            else:  # stream start, document end
                continue
            if not stack:
                root = node
                continue
            parent = stack[-1]
            if isinstance(parent.node, SequenceNode):
                parent.node.value.append(node)
            elif parent.key is None:
                parent.key = node
            else:
                parent.node.value.append((parent.key, node))
                parent.key = None

    def _check(self, event: ScalarEvent | MappingStartEvent | SequenceStartEvent, depth: int) -> None:
        mark = event.start_mark
        if event.anchor is not None and mark is not None:
            self.anchors.setdefault(event.anchor, mark)
        if event.tag not in (None, "!", STR_TAG, MAP_TAG, SEQ_TAG):
            shown = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.refuse(mark, f"YAML tags ({shown}) are not supported", f"remove `{shown}`; write plain text")
        if depth >= MAX_DEPTH:
            raise self.refuse(mark, *_TOO_DEEP)
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.refuse(
                mark, f"the file holds more than {MAX_VALUES:,} values", "split the cards into several files"
            )

    def _alias(self, event: AliasEvent) -> _Refused:
        anchor = self.anchors.get(event.anchor or "")
        where = f" (marked `&{event.anchor}` at line {anchor.line + 1})" if anchor else ""
        return self.refuse(
            event.start_mark,
            f"aliases (*{event.anchor}) are not supported; write the value out",
            f"copy the value{where} here instead of `*{event.anchor}`",
        )


_TOO_DEEP = (f"values are nested more than {MAX_DEPTH} levels deep", "a card file needs only a few levels")


def _too_deep(path: Path, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """Our own refusal of a file libyaml found nested 1000 levels deep, where the
    nesting first exceeds MAX_DEPTH: composing the text before libyaml's mark finds
    it (the deepest level there is under libyaml's limit)."""
    mark = exc.problem_mark
    if mark is not None:
        try:
            _Composer(path, text[: mark.index]).compose()
        except _Refused as refused:  # the depth, or something refused before it
            return replace(refused.problem, location=_within(refused.problem.location, text))
        except yaml.YAMLError:  # the cut made the rest invalid before the depth
            pass
    return error(_within(_at(path, mark), text), *_TOO_DEEP)


def _syntax_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = _within(_at(path, mark), text)
    tab = _leading_tab(text, mark.line) if mark else None
    if tab is not None or "tab" in (exc.problem or ""):
        column = tab + 1 if tab is not None else where.column
        return error(
            Location(path, where.line, column), "a tab character is used for indentation", "indent with spaces"
        )
    if mark is not None:
        plain = _plain_words(path, text, exc, mark.line)
        if plain is not None:
            return plain
    problem = exc.problem or "invalid YAML"
    message = f"invalid YAML: {exc.context + ', ' if exc.context else ''}{problem}"
    return error(where, message, _syntax_hint(exc))


def _unreadable_character(path: Path, text: str, exc: yaml.reader.ReaderError) -> Problem:
    """YAML refuses control characters anywhere, even in quotes; PyYAML gives only their offset."""
    before = YAML_LINE_BREAK.split(text[: exc.position])
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return error(
        Location(path, len(before), len(before[-1]) + 1),
        f"the file contains the character U+{code:04X}, which YAML does not allow",
        "remove it; in double quotes, an escape such as \\u00e9 writes a character",
    )


# A key and a value that opens a double quote it does not close on its line.
_OPENS_QUOTE = re.compile(r'^(\s*(?:- )?[\w-]+:\s+)"((?:[^"\\]|\\.)*)$')
_KEY_LINE = re.compile(r"^(\s*)(?:- )?[\w-]+:(\s|$)")


def _key_column(line: str) -> int:
    """Where the line's key starts, from 0: after its indentation and a list item's `- `."""
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    while stripped.startswith("- "):
        rest = stripped[2:].lstrip(" ")
        column += len(stripped) - len(rest)
        stripped = rest
    return column


def _plain_words(path: Path, text: str, exc: yaml.MarkedYAMLError, line: int) -> Problem | None:
    """The likely mistake behind libyaml's message, said plainly, at the place to fix; None when unsure."""
    lines = YAML_LINE_BREAK.split(text)
    # A quote left open: libyaml goes on to a later quote mark and stumbles further down.
    for n in range(max(0, line - 10), min(line, len(lines) - 1) + 1):
        opened = _OPENS_QUOTE.match(lines[n])
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if opened and (n + 1 >= len(lines) or _KEY_LINE.match(following) or not following.strip()):
            return error(
                Location(path, n + 1, len(opened.group(1)) + 1),
                'invalid YAML: the quote `"` opened here is not closed on its line',
                'end the value with `"` (a `"` inside it is written `\\"`)',
            )
    context, problem = exc.context or "", exc.problem or ""
    here = lines[line] if line < len(lines) else ""
    above = next((lines[n] for n in range(line - 1, -1, -1) if lines[n].strip()), "")
    indent, indent_above = _key_column(here), _key_column(above)
    misaligned = "did not find expected key" in problem or "expected '-' indicator" in problem
    # A key indented under a plain value is read as more of that value, up to its `: `.
    holds_value = re.match(r"^\s*(?:- )?[\w-]+:\s+[^\s#]", above) is not None
    if "mapping values are not allowed" in problem and holds_value and _KEY_LINE.match(here) and indent > indent_above:
        misaligned = True
    if misaligned and _KEY_LINE.match(here) and indent != indent_above:
        return error(
            Location(path, line + 1, indent + 1),
            f"invalid YAML: this key is indented {indent} spaces, the line above {indent_above}",
            "line the keys of a card up under its first key (the one after `- `)",
        )
    if "mapping values are not allowed" in problem:
        return error(
            _within(_at(path, exc.problem_mark), text),
            "invalid YAML: a `: ` inside text that is not in quotes",
            'put text that contains ": " in double quotes',
        )
    if "block mapping" in context and misaligned:
        return error(
            _within(_at(path, exc.problem_mark), text),
            "invalid YAML: the keys of this mapping are not lined up",
            "start each key of a card in the same column as its first key",
        )
    return None


def _within(where: Location, text: str) -> Location:
    """`where`, moved back into the text: libyaml puts the end of a stream that has no
    final line break on a line after it."""
    lines = YAML_LINE_BREAK.split(text)
    line = min(where.line, len(lines))
    column = min(where.column, len(lines[line - 1]) + 1)
    return Location(where.path, line, column) if (line, column) != (where.line, where.column) else where


def _leading_tab(text: str, line: int) -> int | None:
    """The column (from 0) of a tab in the line's indentation, if there is one."""
    lines = YAML_LINE_BREAK.split(text)
    if line >= len(lines):
        return None
    content = lines[line]
    indent = content[: len(content) - len(content.lstrip(" \t"))]
    return indent.index("\t") if "\t" in indent else None


_OPENED = {
    "while parsing a flow sequence": "the list `[` opened at line {line}, column {column} needs its `]`",
    "while parsing a flow mapping": "the `{{` opened at line {line}, column {column} needs its `}}`",
    "while scanning a quoted scalar": "the quotes opened at line {line}, column {column} are not closed",
}


def _syntax_hint(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return 'put text that contains ": " in double quotes'
    if "found unknown escape" in problem:
        return "in double-quoted text write a backslash as \\\\"
    opened = _OPENED.get(exc.context or "")
    if opened and exc.context_mark:
        return opened.format(line=exc.context_mark.line + 1, column=exc.context_mark.column + 1)
    return ""
