"""`quotedeck fix`: quotes rewritten to their text's words, and every card's id written out.

A quote is fixed only when it does not verify and each part of it that is not
in the text has one closest passage, at least FIX_FROM similar, with no other
passage nearly as close. The new words are the text's own (its quote marks,
its spelling), whitespace collapsed; the curator's ellipses and line breaks
stay where the words around them did not change. Everything else in the file
keeps its bytes: only each changed scalar's own span is replaced, and an
`id:` line is inserted after the card's first key.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from quotedeck.authoring.rewrite import Edit, SourceFile, replace_scalar
from quotedeck.authoring.textview import TextView, load_view
from quotedeck.authoring.yaml_quoting import scalar
from quotedeck.output.atomic import write_atomically
from quotedeck.problems import Location, Problem, warning
from quotedeck.sources.files import cited_text, list_sources
from quotedeck.sources.ids import is_valid_id, slugify
from quotedeck.sources.yamlnodes import STR_TAG, MappingNode, Node, ScalarNode, SequenceNode, load_yaml
from quotedeck.verify.nearest import closest_passage, differences, listed
from quotedeck.verify.quotes import QuoteMatch, find_quote
from quotedeck.verify.texts import SourceText, normalize, straighten_quotes

try:  # the same parser the card files are read with
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

# The least similarity at which a quote is rewritten to its closest passage, in percent.
FIX_FROM = 90.0
# Another passage this close to the best one makes the choice ambiguous.
_TIE = 3.0
_ELLIPSIS_SPLIT = re.compile(r"(…|\.\.\.)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Fixed:
    """One change: a quote rewritten, or an id written out."""

    location: Location
    what: str  # `quote` or `id`
    message: str
    end: Location | None = None  # where a fixed quote's scalar ends: its problems lie in between

    def covers(self, at: Location) -> bool:
        """Whether `at` is in the fixed quote (where `check` reports the words it differs in)."""
        return self.end is not None and self.location <= at < self.end


@dataclass(frozen=True)
class FileFix:
    """What `fix` changes in one card file, with its bytes before and after."""

    path: Path
    before: bytes
    after: bytes
    fixes: tuple[Fixed, ...]


@dataclass(frozen=True)
class FixReport:
    """Every card file `fix` would change, and what it cannot fix."""

    files: tuple[FileFix, ...]  # the files that change
    problems: tuple[Problem, ...]  # files left as they were although something was to fix


def plan_fixes(root: Path) -> FixReport:
    """What `fix` would change in every card file below `root`; writes nothing."""
    texts: dict[Path, TextView | Problem] = {}
    files, problems = [], []
    for path in list_sources(root).card_files:
        result = _fix_file(root, path, texts)
        if isinstance(result, Problem):
            problems.append(result)
        elif result is not None:
            files.append(result)
    return FixReport(tuple(files), tuple(problems))


def write_fixes(report: FixReport) -> None:
    """Write each fixed card file whole, or not at all."""
    for file in report.files:
        write_atomically(file.path, file.after)


def unified_diff(file: FileFix, shown: str) -> str:
    """The change to one card file, as `diff -u` shows it."""
    before = file.before.decode("utf-8").removeprefix("\ufeff").splitlines()
    after = file.after.decode("utf-8").removeprefix("\ufeff").splitlines()
    return "".join(
        line if line.endswith("\n") else line + "\n"
        for line in difflib.unified_diff(before, after, shown, shown, lineterm="")
    )


@dataclass(frozen=True)
class _CardChange:
    index: int  # of the card in `cards:`
    quote: str | None  # the new quote
    card_id: str | None  # the id written out


def _fix_file(root: Path, path: Path, texts: dict[Path, TextView | Problem]) -> FileFix | Problem | None:
    node = load_yaml(path)
    if not isinstance(node, MappingNode):
        return None  # `check` reports it
    try:
        data = path.read_bytes()
        source = SourceFile(data)
    except (OSError, UnicodeDecodeError):
        return None
    keys = _keys(node)
    view = _text_of(root, path, keys.get("source"), texts)
    cards = keys.get("cards")
    if not isinstance(cards, SequenceNode):
        return None
    edits: list[Edit] = []
    fixes: list[Fixed] = []
    changes: list[_CardChange] = []
    for index, card in enumerate(cards.value):
        if not isinstance(card, MappingNode) or not card.value:
            continue
        card_keys = _keys(card)
        new_quote = None
        quote = card_keys.get("quote")
        if view is not None and _is_text(quote):
            fixed = fixed_quote(quote.value, view)
            if fixed is not None:
                new_quote, message = fixed
                edits.append(replace_scalar(source, quote, new_quote, flow=bool(card.flow_style)))
                end = quote.end_mark
                until = Location(path, end.line + 1, end.column + 1) if end else None
                fixes.append(Fixed(_at(path, quote), "quote", message, until))
        card_id = _missing_id(card_keys)
        if card_id is not None:
            edits.append(_id_edit(source, card, card_id))
            fixes.append(Fixed(_at(path, card.value[0][0]), "id", f"id added: `id: {card_id}`"))
        if new_quote is not None or card_id is not None:
            changes.append(_CardChange(index, new_quote, card_id))
    if not edits:
        return None
    after = source.apply(edits)
    if not _only_these_changed(data, after, changes):
        return warning(
            Location(path),
            "fix left this file as it was: rewriting it would have changed more than its quotes and ids",
            "fix its quotes by hand",
        )
    return FileFix(path, data, after, tuple(fixes))


def fixed_quote(quote: str, view: TextView) -> tuple[str, str] | None:
    """The quote in the text's words, and what changed; None when it verifies or cannot be fixed."""
    text = view.text
    if isinstance(find_quote(quote, text), QuoteMatch):
        return None
    pieces = _ELLIPSIS_SPLIT.split(quote)
    changed: list[str] = []
    for i in range(0, len(pieces), 2):
        part = normalize(pieces[i])
        if not part or part in text.normalized:
            continue
        passage = _closest(part, view)
        if passage is None:
            return None
        changed.append(f"{listed(differences(part, normalize(passage[0])))} ({passage[1]})")
        pieces[i] = reworded(pieces[i], passage[0])
    new = "".join(pieces)
    if not changed or not isinstance(find_quote(new, text), QuoteMatch):
        return None
    return new, "quote fixed: " + "; ".join(changed)


def _closest(part: str, view: TextView) -> tuple[str, str] | None:
    """The one passage like `part` (the text's words) and how alike, or None."""
    text = view.text
    nearest = closest_passage(part, text)
    if nearest.compared != part or nearest.similarity < FIX_FROM or not nearest.passage:
        return None
    start = text.normalized.find(nearest.passage, text.paragraph_starts[nearest.paragraph - 1])
    if start < 0:
        return None
    end = start + len(nearest.passage)
    hidden = text.normalized[:start] + "\0" * (end - start) + text.normalized[end:]
    runner_up = closest_passage(part, SourceText(text.path, hidden, text.paragraph_starts, places=text.places))
    if runner_up.similarity >= max(FIX_FROM, nearest.similarity - _TIE):
        return None
    return view.passage(start, end), f"{text.place_name(nearest.paragraph)}, {int(nearest.similarity)}% similar"


def reworded(written: str, passage: str) -> str:
    """`written` with the words that differ from `passage` replaced by the passage's:
    words that did not change keep the spacing and line breaks around them."""
    body = written.strip()
    leading = written[: len(written) - len(written.lstrip())]
    trailing = written[len(written.rstrip()) :]
    tokens = re.split(r"(\s+)", body)
    words, gaps = tokens[0::2], tokens[1::2]
    target = passage.split(" ")
    matcher = difflib.SequenceMatcher(
        None, [straighten_quotes(w) for w in words], [straighten_quotes(w) for w in target], autojunk=False
    )
    out: list[tuple[str, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend((words[i], i) for i in range(i1, i2))
        elif i2 - i1 == j2 - j1:  # words replaced one for one keep the spacing around them
            out.extend((target[j], i1 + j - j1) for j in range(j1, j2))
        else:
            out.extend((target[j], None) for j in range(j1, j2))
    result = [leading]
    for k, (word, index) in enumerate(out):
        if k:
            before = out[k - 1][1]
            result.append(gaps[before] if before is not None and index == before + 1 else " ")
        result.append(word)
    result.append(trailing)
    return "".join(result)


def _missing_id(keys: dict[str, Node]) -> str | None:
    """The id a card without `id:` has today (the slug of its term or question), if it has one."""
    if "id" in keys or ("term" in keys) == ("question" in keys):
        return None
    prompt = keys.get("term") or keys.get("question")
    if not _is_text(prompt):
        return None
    value = prompt.value.strip()
    if not value or _CONTROL.search(prompt.value):
        return None
    slug = slugify(value)
    return slug if is_valid_id(slug) else None


def _id_edit(source: SourceFile, card: MappingNode, card_id: str) -> Edit:
    key, value = card.value[0]
    end = source.value_end(value)
    line = scalar(card_id)
    if card.flow_style:
        return Edit(end, end, f", id: {line}")
    last_line = source.line_of(max(end - 1, source.offset(key.start_mark)))
    newline = source.newline_after(last_line)
    indent = " " * (key.start_mark.column if key.start_mark else 0)
    at = source.line_end(last_line)
    if at == len(source.text):
        return Edit(at, at, f"{newline}{indent}id: {line}")
    return Edit(at + len(newline), at + len(newline), f"{indent}id: {line}{newline}")


def _only_these_changed(before: bytes, after: bytes, changes: list[_CardChange]) -> bool:
    """Read back, the new file holds what the old one did but for the quotes and ids changed."""
    try:
        old = yaml.load(before.decode("utf-8").removeprefix("\ufeff"), Loader=Loader)
        new = yaml.load(after.decode("utf-8").removeprefix("\ufeff"), Loader=Loader)
    except yaml.YAMLError:
        return False
    expected: Any = copy.deepcopy(old)
    for change in changes:
        card = expected["cards"][change.index]
        if change.quote is not None:
            card["quote"] = change.quote
        if change.card_id is not None:
            card["id"] = change.card_id
    return bool(expected == new)


def _keys(node: MappingNode) -> dict[str, Node]:
    keys: dict[str, Node] = {}
    for key, value in node.value:
        if isinstance(key, ScalarNode) and isinstance(key.value, str):
            keys.setdefault(key.value, value)
    return keys


def _is_text(node: Node | None) -> TypeGuard[ScalarNode]:
    return isinstance(node, ScalarNode) and node.tag == STR_TAG


def _at(path: Path, node: Node) -> Location:
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)


def _text_of(root: Path, path: Path, source: Node | None, texts: dict[Path, TextView | Problem]) -> TextView | None:
    if not isinstance(source, MappingNode):
        return None
    named = _keys(source).get("text")
    if not _is_text(named):
        return None
    cited = cited_text(path, root, named.value.strip(), _at(path, named))
    if isinstance(cited, Problem):
        return None
    if cited not in texts:
        texts[cited] = load_view(cited)
    loaded = texts[cited]
    return loaded if isinstance(loaded, TextView) else None
