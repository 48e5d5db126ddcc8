"""`quotedeck new`: a deck folder made from one text, that builds at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from quotedeck.authoring.find import sentence_ends
from quotedeck.authoring.textview import TextView, load_view
from quotedeck.authoring.yaml_quoting import scalar
from quotedeck.errors import SourceProblems
from quotedeck.problems import Location, Problem, error
from quotedeck.sources.files import DECK_FILE
from quotedeck.sources.ids import slugify
from quotedeck.verify.texts import normalize

# A first line longer than this is the text itself, not its title.
_TITLE_LENGTH = 80
_SENTENCE_LENGTH = 300  # characters, where a text has no full stop for a long while
_LETTERS = re.compile(r"[^\W\d_]+")
_NOT_IN_DECK_NAMES = re.compile(r'[\x00-\x1f\x7f"]')  # Anki drops these (see sources/parse.py)
EXAMPLE_ID = "first-sentence"
# The JSON Schemas of the format, copied into the deck (a hidden folder: no source) for
# editors: the first line of each file names its schema, as yaml-language-server reads it.
SCHEMA_FOLDER = ".schema"
DECK_SCHEMA = "deck.schema.json"
CARDS_SCHEMA = "cards.schema.json"
SCHEMAS = (DECK_SCHEMA, CARDS_SCHEMA)


def schema_line(name: str) -> str:
    """The modeline that points an editor at the JSON Schema of a card file or deck.yaml."""
    return f"# yaml-language-server: $schema={SCHEMA_FOLDER}/{name}\n"


def _schema(name: str) -> bytes:
    return (files("quotedeck.sources") / "schema" / name).read_bytes()


@dataclass(frozen=True)
class NewDeck:
    """The files `new` wrote."""

    folder: Path
    name: str
    written: tuple[Path, ...]  # deck.yaml, the text's copy, the card file
    card_file: Path


def new_deck(text: Path, folder: Path) -> NewDeck:
    """Write `folder`/deck.yaml, texts/<the text>, and a card file; raises SourceProblems
    (and writes nothing) when a file is in the way or the text cannot make a card."""
    if text.suffix.lower() in (".yaml", ".yml"):
        raise SourceProblems(
            [error(Location(text), "a text ending in .yaml would be read as a card file", "rename it to .txt")]
        )
    loaded = load_view(text)
    if isinstance(loaded, Problem):
        raise SourceProblems([loaded])
    raw = text.read_bytes()
    first_line = next((line.strip() for line in raw.decode("utf-8-sig").splitlines() if line.strip()), "")
    name = deck_name(first_line, text)
    quote = _first_sentence(loaded, first_line)
    if quote is None:
        raise SourceProblems(
            [error(Location(text), "the text has no paragraph of two words or more", "a card quotes a few words")]
        )
    stem = slugify(text.stem) or "cards"
    card_file = folder / f"{'deck-cards' if stem == 'deck' else stem}.yaml"
    files = {
        **{folder / SCHEMA_FOLDER / schema: _schema(schema) for schema in SCHEMAS},
        folder / DECK_FILE: f"{schema_line(DECK_SCHEMA)}name: {scalar(name)}\n".encode(),
        folder / "texts" / text.name: raw,
        card_file: card_file_text(f"texts/{text.name}", name, quote).encode(),
    }
    taken = [
        error(Location(path), "the file exists already; `quotedeck new` writes over nothing", "choose another folder")
        for path in files
        if path.exists() or path.is_symlink()
    ]
    if taken:
        raise SourceProblems(taken)
    (folder / "texts").mkdir(parents=True, exist_ok=True)
    (folder / SCHEMA_FOLDER).mkdir(exist_ok=True)
    for path, data in files.items():
        with open(path, "xb") as handle:  # "x": never over a file that appeared meanwhile
            handle.write(data)
    return NewDeck(folder, name, tuple(p for p in files if p.parent.name != SCHEMA_FOLDER), card_file)


def deck_name(first_line: str, path: Path) -> str:
    """The text's first line when it is short, else its file name, as Anki keeps deck names."""
    for candidate in (first_line, re.sub(r"[-_]+", " ", path.stem)):
        name = _NOT_IN_DECK_NAMES.sub("", candidate)
        while "::" in name:
            name = name.replace("::", ":")
        name = " ".join(name.split())
        if _LETTERS.search(name) and len(name) <= _TITLE_LENGTH:
            return name[0].upper() + name[1:]
    return "My deck"


@dataclass(frozen=True)
class _Quote:
    text: str  # as the text has it, whitespace collapsed
    hidden: str  # its longest word
    others: tuple[str, str]  # the next longest, for the commented examples (so that no two ask the same)


def _first_sentence(view: TextView, first_line: str) -> _Quote | None:
    """The text's first sentence of two words or more (after a title standing alone)."""
    text = view.text
    for number in range(1, text.paragraph_count + 1):
        start, end = text.paragraph_starts[number - 1], text.paragraph_end(number)
        if number == 1 and text.paragraph_count > 1 and text.paragraph(1) == normalize(first_line):
            continue  # the title
        cut = start
        for stop in [*sentence_ends(text.normalized, start, end), end]:
            if stop - start > _SENTENCE_LENGTH:
                space = text.normalized.rfind(" ", start, start + _SENTENCE_LENGTH)
                stop = space if space > cut else stop
            cut = stop
            sentence = view.passage(start, cut)
            words = _LETTERS.findall(sentence)
            if len(sentence.split()) >= 2 and words:
                longest = sorted(dict.fromkeys(words), key=len, reverse=True)
                spare = [*longest[1:3], longest[0], longest[0]]
                return _Quote(sentence, longest[0], (spare[0], spare[1]))
    return None


def card_file_text(text_path: str, title: str, quote: _Quote) -> str:
    """The first card file of a new deck: one card of the text's first sentence, and examples."""
    q, word = scalar(quote.text), scalar(quote.hidden)
    term, phrase = (scalar(other) for other in quote.others)
    return f"""\
{schema_line(CARDS_SCHEMA)}source:
  text: {scalar(text_path)}
  title: {scalar(title)}
cards:
  # An example, so that the deck builds at once: make it your own, or delete it
  # once you have written a card. `quotedeck find WORDS…` finds a passage.
  - question: Which word is hidden in the text's first sentence?
    answer: {word}
    quote: {q}
    cloze: {word}
    id: {EXAMPLE_ID}

  # A term card hides its term in the quote; the front shows the definition.
  # - term: {term}
  #   definition: What the term means, in your words.
  #   quote: {q}

  # A question card hides each phrase of `cloze:` in the quote, one Anki card each.
  # - question: What does the text say first?
  #   answer: Your answer.
  #   quote: {q}
  #   cloze: [{phrase}]
  #   id: what-it-says-first
"""
