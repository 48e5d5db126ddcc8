"""Turn `cards_source/` into checked, located records (see the README's card format)."""

from __future__ import annotations

import difflib
import re
import urllib.parse
from dataclasses import replace
from pathlib import Path
from typing import Literal

from quotedeck.model import Card, DeckInfo, Kind, MediaRef, Phrase, SourceRef
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.files import cited_text, is_inside
from quotedeck.sources.ids import MAX_ID_LENGTH, is_valid_id, slugify
from quotedeck.sources.media import MediaKind, cited_media
from quotedeck.sources.yamlnodes import (
    STR_TAG,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    load_card_file,
    load_yaml,
    node_location,
)

DECK_KEYS = ("name", "description", "tags", "order")
FILE_KEYS = ("source", "deck", "tags", "cards")
SOURCE_KEYS = ("text", "title", "author", "url")
TERM_KEYS = ("term", "definition", "quote", "also", "cloze", "id", "tags", "extra", "image", "audio")
QUESTION_KEYS = ("question", "answer", "quote", "cloze", "id", "tags", "extra", "image", "audio")
DRAFT_KEYS = ("draft", "quote", "id", "tags", "extra")
PHRASE_KEYS = ("phrase", "hint")

# Anki removes these from deck names (rslib/src/decks/name.rs), so the deck
# it makes would not be the one the source names.
_BAD_DECK_CHARS = re.compile(r'[\x00-\x1f\x7f"]')

# Anki drops these from fields, but U+001F separates fields in its database:
# one inside a field breaks the whole package. Tabs and new lines are text.
# The C1 controls (U+0080-U+009F) show as nothing, and U+009B opens a terminal escape.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_TYPE_NAMES = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing",
    "tag:yaml.org,2002:timestamp": "a date",
}


def parse_deck(path: Path) -> tuple[DeckInfo | None, list[Problem]]:
    """deck.yaml; None when it has an error (reported among the problems)."""
    problems: list[Problem] = []
    return _parse_deck(path, problems), problems


def parse_card_file(root: Path, path: Path, deck_name: str) -> tuple[list[Card], list[Problem]]:
    """One card file's cards, and its problems; cards with an error are left out."""
    problems: list[Problem] = []
    return _CardFile(root, path, deck_name, problems).parse(), problems


def check_cards(deck: DeckInfo | None, ids: list[tuple[str, Location]], any_errors: bool) -> list[Problem]:
    """What only all card files together show: a deck without cards, an id used twice."""
    found = []
    if deck is not None and not ids and not any_errors:
        found.append(
            error(deck.location, "the deck has no cards", "add a card file (any other *.yaml) beside deck.yaml")
        )
    first_seen: dict[str, Location] = {}
    for card_id, location in ids:
        if card_id not in first_seen:
            first_seen[card_id] = location
        else:
            loc = first_seen[card_id]
            found.append(
                error(
                    location,
                    f"duplicate card id `{card_id}`: already used at {loc.path}:{loc.line}:{loc.column}",
                    "give one of the two cards another `id:`",
                )
            )
    return found


def _parse_deck(path: Path, problems: list[Problem]) -> DeckInfo | None:
    root = path.parent
    if not path.is_file():
        problems.append(error(Location(path), "deck.yaml is missing", "create it with a line `name: My deck`"))
        return None
    if not is_inside(path, root):
        problems.append(
            error(Location(path), f"deck.yaml is a link to a file outside {root.name}", "copy the file instead")
        )
        return None
    node = load_yaml(path)
    if isinstance(node, Problem):
        problems.append(node)
        return None
    reader = _Reader(path, problems)
    keys = reader.mapping(node, DECK_KEYS, required=("name",))
    if keys is None or "name" not in keys:
        return None
    name = reader.deck_name(keys["name"])
    description = reader.text(keys["description"]) if "description" in keys else ""
    tags = reader.tags(keys["tags"]) if "tags" in keys else ()
    order = reader.order(keys["order"]) if "order" in keys else ()
    if name is None or description is None or tags is None or order is None:
        return None
    return DeckInfo(name, description, tags, node_location(path, keys["name"]), order)


class _Reader:
    """Checks the shape of one file's nodes, appending each problem it finds."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def at(self, node: Node) -> Location:
        mark = node.start_mark  # node_location, inlined: a card has several places
        return Location(self.path, mark.line + 1, mark.column + 1) if mark else Location(self.path)

    def fail(self, node: Node, message: str, hint: str = "") -> None:
        self.problems.append(error(self.at(node), message, hint))

    def mapping(self, node: Node, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Node] | None:
        """The mapping's values by key; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, MappingNode):
            self.fail(node, f"expected a mapping with keys {', '.join(allowed)}, got {_describe(node)}")
            return None
        values: dict[str, Node] = {}
        key_nodes: dict[str, Node] = {}
        misspelled: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                suggestion = _closest(key, allowed)
                misspelled.add(suggestion or "")
                hint = f"did you mean `{suggestion}`?" if suggestion else f"allowed keys: {', '.join(allowed)}"
                self.fail(key_node, f"unknown key `{key if key is not None else '?'}`", hint)
                continue
            if key in key_nodes:
                first = self.at(key_nodes[key])
                self.fail(key_node, f"duplicate key `{key}` (first at line {first.line})", "keep only one of them")
                continue
            key_nodes[key] = key_node
            values[key] = value_node
        for key in required:
            if key not in values and key not in misspelled:  # a misspelling is one mistake, not two
                self.fail(node, f"missing key `{key}`", f"add `{key}: …`")
        return values

    def text(
        self, node: Node, *, empty: str = "the text is empty", fill: str = "write the text, or remove the key"
    ) -> str | None:
        """A string value; numbers, lists and empty text are problems."""
        if not isinstance(node, ScalarNode) or node.tag != STR_TAG:
            self.fail(node, f"expected text, got {_describe(node)}", _text_hint(node))
            return None
        written: str = node.value
        value = written.strip()
        if not value:
            self.fail(node, empty, fill)
            return None
        control = _CONTROL_CHARS.search(written)  # also where strip() would drop it: \x1c to \x1f are "space"
        if control:
            self.fail(
                node,
                f"the text contains the control character U+{ord(control.group()):04X}",
                "remove it (YAML escapes such as \\x1f write one); a line break is a new line",
            )
            return None
        return value

    def texts(self, node: Node) -> tuple[str, ...] | None:
        """Text, or a list of texts."""
        if isinstance(node, SequenceNode):
            items = [self.text(item) for item in node.value]
            return None if None in items else tuple(i for i in items if i is not None)
        value = self.text(node)
        return None if value is None else (value,)

    def tags(self, node: Node) -> tuple[str, ...] | None:
        if not isinstance(node, SequenceNode):
            self.fail(node, f"expected a list of tags, got {_describe(node)}", "write `tags: [one, two]`")
            return None
        items = [self.text(item) for item in node.value]
        if None in items:
            return None
        # Anki separates tags with spaces, so a space inside a tag becomes `_`.
        return tuple(re.sub(r"\s+", "_", tag) for tag in items if tag is not None)

    def order(self, node: Node) -> tuple[tuple[str, Location], ...] | None:
        """`order:`: texts by path or title, each with where it is written."""
        if not isinstance(node, SequenceNode) or not node.value:
            got = "an empty list" if isinstance(node, SequenceNode) else _describe(node)
            self.fail(node, f"expected a list of texts, got {got}", "write `order: [texts/first.txt, …]`")
            return None
        items = [(self.text(item), self.at(item)) for item in node.value]
        return None if any(text is None for text, _ in items) else tuple((t, at) for t, at in items if t is not None)

    def deck_name(self, node: Node) -> str | None:
        name = self.text(node)
        if name is None:
            return None
        parts = [part.strip() for part in name.split("::")]
        bad = _BAD_DECK_CHARS.search(name)
        if bad:
            char = bad.group()
            shown = '`"`' if char == '"' else f"the control character U+{ord(char):04X}"
            self.fail(node, f"the deck name contains {shown}, which Anki removes from deck names", "leave it out")
            return None
        if any(not part for part in parts):
            self.fail(
                node,
                f"`{name}` has an empty deck name around `::`",
                "write names on both sides of each `::`, as in `Parent::Child`",
            )
            return None
        return "::".join(parts)


class _CardFile:
    """One card file: its `source:`, shared deck and tags, and its cards."""

    def __init__(self, root: Path, path: Path, deck_name: str, problems: list[Problem]) -> None:
        self.root = root
        self.path = path
        self.deck_name = deck_name
        self.reader = _Reader(path, problems)
        self.problems = problems
        self.media: dict[tuple[str, MediaKind], MediaRef | Problem] = {}  # a file many cards show is read once

    def parse(self) -> list[Card]:
        node, problems, set_aside = load_card_file(self.path)
        self.problems.extend(problems)
        if node is None:
            return []
        keys = self.reader.mapping(node, FILE_KEYS, required=("source", "cards"))
        if keys is None:
            return []
        source = self._source(keys["source"]) if "source" in keys else None
        deck = self.deck_name
        if "deck" in keys:
            sub = self.reader.deck_name(keys["deck"])
            deck = f"{deck}::{sub}" if sub else deck
        tags = self.reader.tags(keys["tags"]) if "tags" in keys else ()
        if "cards" not in keys:
            return []
        cards_node = keys["cards"]
        if not isinstance(cards_node, SequenceNode):
            self.reader.fail(
                cards_node,
                f"expected a list of cards, got {_describe(cards_node)}",
                "start each card with `- term:` or `- question:`",
            )
            return []
        if not cards_node.value:
            self.reader.fail(cards_node, "the list of cards is empty", "add a card, or delete the file")
        items = cards_node.value
        if set_aside:  # cards a syntax error set aside are reported, not read
            items = [item for item in items if self.reader.at(item).line not in set_aside]
        cards = [self._card(item, deck, tags or (), source) for item in items]
        return [card for card in cards if card is not None] if source else []

    def _source(self, node: Node) -> SourceRef | None:
        keys = self.reader.mapping(node, SOURCE_KEYS, required=("text", "title"))
        if keys is None or "text" not in keys or "title" not in keys:
            return None
        text = self.reader.text(keys["text"])
        title = self.reader.text(keys["title"])
        author = self.reader.text(keys["author"]) if "author" in keys else ""
        url = self.reader.text(keys["url"]) if "url" in keys else ""
        if text is None or title is None or author is None or url is None:
            return None
        if url and not is_web_address(url):
            self.reader.fail(
                keys["url"],
                "`url` must be a web address beginning with http:// or https://",
                "e.g. https://example.org/text.pdf",
            )
            return None
        cited_at = self.reader.at(keys["text"])
        text_path = cited_text(self.path, self.root, text, cited_at)
        if isinstance(text_path, Problem):
            self.problems.append(text_path)
            return None
        return SourceRef(text_path, title, author, cited_at, url)

    def _card(self, node: Node, deck: str, file_tags: tuple[str, ...], source: SourceRef | None) -> Card | None:
        reader = self.reader
        if not isinstance(node, MappingNode):
            reader.fail(
                node,
                f"expected a card (a mapping), got {_describe(node)}",
                "start the card with `term:` or `question:`",
            )
            return None
        names = {k.value for k, _ in node.value if isinstance(k, ScalarNode)}
        if "term" in names and "question" in names:
            second = [k for k, _ in node.value if isinstance(k, ScalarNode) and k.value in ("term", "question")][1]
            reader.fail(second, "a card has either `term:` or `question:`, not both", "split it into two cards")
            return None
        if "draft" in names:
            return self._draft(node, names, deck, file_tags, source)
        if "term" not in names and "question" not in names:
            reader.fail(node, "the card has neither `term:` nor `question:`", "add `term: …` or `question: …`")
            return None
        kind = Kind.TERM if "term" in names else Kind.QUESTION
        if kind is Kind.TERM:
            keys = reader.mapping(node, TERM_KEYS, required=("term", "definition", "quote"))
            prompt_key, response_key = "term", "definition"
        else:
            keys = reader.mapping(node, QUESTION_KEYS, required=("question", "answer", "quote", "cloze"))
            prompt_key, response_key = "question", "answer"
        if keys is None or not all(k in keys for k in (prompt_key, response_key, "quote")):
            return None
        prompt = reader.text(keys[prompt_key])
        response = reader.text(keys[response_key])
        quote = reader.text(keys["quote"])
        also = reader.texts(keys["also"]) if "also" in keys else ()
        tags = reader.tags(keys["tags"]) if "tags" in keys else ()
        extra = reader.text(keys["extra"]) if "extra" in keys else ""
        # A question without `cloze:` is reported missing once; its question is no phrase to look for.
        no_cloze = kind is Kind.QUESTION and "cloze" not in keys
        phrases = None if no_cloze else self._phrases(keys.get("cloze"), prompt, keys[prompt_key])
        card_id, id_node = self._card_id(keys.get("id"), prompt, keys[prompt_key])
        image = self._media(keys["image"], "image") if "image" in keys else None
        audio = self._media(keys["audio"], "audio") if "audio" in keys else None
        if (
            prompt is None
            or response is None
            or quote is None
            or also is None
            or tags is None
            or extra is None
            or phrases is None
            or card_id is None
            or source is None
            or image is False
            or audio is False
        ):
            return None
        return Card(
            kind=kind,
            id=card_id,
            prompt=prompt,
            response=response,
            quote=quote,
            phrases=phrases,
            also=also,
            tags=tuple(dict.fromkeys(file_tags + tags)),
            extra=extra,
            deck=deck,
            source=source,
            location=reader.at(node),
            id_location=reader.at(id_node),
            quote_location=reader.at(keys["quote"]),
            prompt_location=reader.at(keys[prompt_key]),
            response_location=reader.at(keys[response_key]),
            image=image,
            audio=audio,
        )

    def _draft(
        self, node: MappingNode, names: set[object], deck: str, file_tags: tuple[str, ...], source: SourceRef | None
    ) -> Card | None:
        """A quote waiting for its term or question (as `quotedeck highlights` writes them)."""
        reader = self.reader
        if "term" in names or "question" in names:
            key = next(k for k, _ in node.value if isinstance(k, ScalarNode) and k.value == "draft")
            reader.fail(key, "a finished card has no `draft:`", "remove the `draft:` line")
            return None
        keys = reader.mapping(node, DRAFT_KEYS, required=("draft", "quote", "id"))
        if keys is None or not all(k in keys for k in DRAFT_KEYS[:3]):
            return None
        place = reader.text(keys["draft"])
        quote = reader.text(keys["quote"])
        tags = reader.tags(keys["tags"]) if "tags" in keys else ()
        extra = reader.text(keys["extra"]) if "extra" in keys else ""
        card_id, id_node = self._card_id(keys["id"], None, keys["id"])
        if place is None or quote is None or tags is None or extra is None or card_id is None or source is None:
            return None
        # A draft is a card without prompt, phrases or other names; its `draft:` (where it was
        # highlighted) stands where a card's definition or answer does.
        return Card(
            kind=Kind.DRAFT,
            id=card_id,
            prompt="",
            response=place,
            quote=quote,
            phrases=(),
            also=(),
            tags=tuple(dict.fromkeys(file_tags + tags)),
            extra=extra,
            deck=deck,
            source=source,
            location=reader.at(node),
            id_location=reader.at(id_node),
            quote_location=reader.at(keys["quote"]),
            prompt_location=reader.at(keys["draft"]),
            response_location=reader.at(keys["draft"]),
        )

    def _media(self, node: Node, kind: MediaKind) -> MediaRef | Literal[False]:
        """The card's image or sound; False when it has a problem (reported)."""
        written = self.reader.text(node)
        if written is None:
            return False
        at = self.reader.at(node)
        found = self.media.get((written, kind))
        if found is None:
            found = self.media[written, kind] = cited_media(self.path, self.root, written, at, kind)
        if isinstance(found, Problem):
            self.problems.append(replace(found, location=at))
            return False
        return found._replace(location=at)

    def _card_id(self, node: Node | None, prompt: str | None, prompt_node: Node) -> tuple[str | None, Node]:
        if node is None:
            if prompt is None:
                return None, prompt_node
            slug = slugify(prompt)
            if not slug:
                self.reader.fail(prompt_node, "cannot make a card id from this text", "add `id: some-name` to the card")
                return None, prompt_node
            return slug, prompt_node
        card_id = self.reader.text(node)
        if card_id is not None and not is_valid_id(card_id):
            suggestion = slugify(card_id)
            self.reader.fail(
                node,
                f"`{card_id}` is not a usable id: use lower-case letters, digits and single dashes, "
                f"at most {MAX_ID_LENGTH} characters",
                f"write `id: {suggestion}`" if suggestion else "",
            )
            return None, node
        return card_id, node

    def _phrases(self, node: Node | None, prompt: str | None, prompt_node: Node) -> tuple[Phrase, ...] | None:
        if node is None:  # a term card hides its term by default
            return None if prompt is None else (Phrase(prompt, "", self.reader.at(prompt_node)),)
        items = node.value if isinstance(node, SequenceNode) else [node]
        if isinstance(node, SequenceNode) and not items:
            self.reader.fail(node, "the cloze list is empty", "list at least one phrase of the quote")
            return None
        phrases = [self._phrase(item) for item in items]
        return None if None in phrases else tuple(p for p in phrases if p is not None)

    def _phrase(self, node: Node) -> Phrase | None:
        if isinstance(node, MappingNode):
            keys = self.reader.mapping(node, PHRASE_KEYS, required=("phrase",))
            if keys is None or "phrase" not in keys:
                return None
            text = self.reader.text(keys["phrase"], empty=_EMPTY_PHRASE, fill=_FILL_PHRASE)
            hint = self.reader.text(keys["hint"]) if "hint" in keys else ""
            if text is None or hint is None:
                return None
            return Phrase(text, hint, self.reader.at(keys["phrase"]))
        text = self.reader.text(node, empty=_EMPTY_PHRASE, fill=_FILL_PHRASE)
        return None if text is None else Phrase(text, "", self.reader.at(node))


_EMPTY_PHRASE = "the phrase to hide is empty"
_FILL_PHRASE = "write words of the quote to hide, or remove the empty entry"


def is_web_address(url: str) -> bool:
    """An http(s) address with a host, and nothing a link could not hold (spaces, quotes, angle brackets)."""
    if any(char.isspace() or char in '"<>\\`' for char in url):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _text_hint(node: Node) -> str:
    if not isinstance(node, ScalarNode):
        return ""
    if node.tag == "tag:yaml.org,2002:null":
        return "write the text after the colon, or remove the key"
    return "put the value in double quotes"


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag in _TYPE_NAMES:
        return f"{_TYPE_NAMES[node.tag]} (`{node.value}`)" if node.value else _TYPE_NAMES[node.tag]
    return "text"


def _closest(key: str | None, allowed: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(key or "", allowed, n=1, cutoff=0.6)
    return close[0] if close else None
