"""The decks the rendering and phone tests run on: the shipped one, and a stress
deck made here with everything that tends to break a card on a phone."""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub

from quotedeck.pipeline import build

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "cards_source"

STRESS_TEXT = """\
A text to stress the cards

The word Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz was repealed in 2013; \
the record is at https://example.org/archive/2013/very/long/path/that/never/breaks/because/it/has/no/spaces?query=\
parameters&and=more_parameters_here and nowhere else.

אמר רבי: "מן המצר קראתי יה, ענני במרחב יה." (תהלים קיח, ה)

The first paragraph of a long quote says that reading slowly is a skill, and that a card should let the eye
rest on each line.

The second paragraph adds that a night screen must not glare, that grey on black is hard to read, and that
contrast is measured, not guessed.

The third paragraph closes: every phrase hidden is a question asked, and every question deserves a page
that reads like a book.

Code like <script>alert("x")</script> & {{c1::braces}} must stay text: a: b, and a [bracket] too.

Anki marks [sound:x.mp3] [latex]x[/latex] [$]x[/$] [anki:play:q:0] \\(x\\) \\[x\\] [[type:Term]] stay text.
"""

STRESS_CARDS = """\
source:
  text: texts/stress.txt
  title: A text to stress the cards, with a title long enough to wrap twice on a phone screen
  author: Nobody In Particular
tags: [stress, a-tag-that-is-rather-long-for-a-phone-screen]
cards:
  - term: Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz
    also:
      - אִתְעֲרוּתָא דִלְתַתָּא!
      - Itaruta-de-Letata-ve-Itaruta-de-Leila-ve-Itaruta-de-Letata-again
      - "(Aramaic, 2nd c.)"
    definition: "A law whose name is longer than a phone screen: \
https://example.org/archive/2013/very/long/path/that/never/breaks"
    extra: |
      See https://example.org/archive/2013/very/long/path/that/never/breaks/because/it/has/no/spaces?query=parameters&and=more_parameters_here

      A second paragraph of extra notes, with a WordThatGoesOnAndOnWithoutAnySpaceOrHyphenToBreakItAnywhere.
    quote: "The word Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz was repealed in 2013; \
the record is at https://example.org/archive/2013/very/long/path/that/never/breaks/because/it/has/no/spaces?query=\
parameters&and=more_parameters_here and nowhere else."

  - question: "מה קרא המשורר מן המצר?"
    id: hebrew-quote
    answer: "קראתי יה, ענני במרחב יה."
    quote: "אמר רבי: \\"מן המצר קראתי יה, ענני במרחב יה.\\" (תהלים קיח, ה)"
    cloze:
      - phrase: ענני במרחב
        hint: "תשובה"

  - question: What does the long quote say about reading, night screens and hidden phrases?
    id: several-paragraphs
    answer: "Reading slowly is a skill; a night screen must not glare; every hidden phrase is a question asked."
    extra: "Three paragraphs, five clozes."
    quote: |
      The first paragraph of a long quote says that reading slowly is a skill, and that a card should let the eye
      rest on each line.

      The second paragraph adds that a night screen must not glare, that grey on black is hard to read, and that
      contrast is measured, not guessed.

      The third paragraph closes: every phrase hidden is a question asked, and every question deserves a page
      that reads like a book.
    cloze:
      - reading slowly is a skill
      - phrase: must not glare
        hint: "what a night screen must not do"
      - contrast is measured
      - phrase: a question asked
        hint: "..."
      - reads like a book

  - term: escaped code
    definition: "Code that must show as text, never run: <script>alert(1)</script> & {{c1::x}}"
    extra: "a: b <b>not bold</b> <img src=x onerror=alert(1)>"
    quote: "Code like <script>alert(\\"x\\")</script> & {{c1::braces}} must stay text: a: b, and a [bracket] too."
    cloze:
      - phrase: "<script>alert(\\"x\\")</script>"
        hint: "a [tag]: <b>"
      - "a: b"

  - term: '[sound:x.mp3] \\(x\\)'
    id: anki-markup
    definition: '\\(\\href{javascript:alert(1)}{\\style{position:fixed;width:100vw;height:100vh}{\\text{ }}}\\)'
    extra: '[latex]x[/latex] [$]x[/$] [$$]x[/$$] [anki:play:q:0] [[type:Term]]'
    quote: 'Anki marks [sound:x.mp3] [latex]x[/latex] [$]x[/$] [anki:play:q:0] \\(x\\) \\[x\\] [[type:Term]] stay text.'
    cloze:
      - phrase: '\\(x\\)'
        hint: '[sound:y.mp3] \\[y\\]'
      - '[sound:x.mp3]'
"""


def write_stress_deck(root: Path) -> Path:
    """The stress deck's sources in `root`; returns the folder to build."""
    (root / "texts").mkdir(parents=True)
    (root / "deck.yaml").write_text("name: Stress\ndescription: Cards that push the layout.\ntags: [stress]\n")
    (root / "texts" / "stress.txt").write_text(STRESS_TEXT, encoding="utf-8")
    (root / "stress.yaml").write_text(STRESS_CARDS, encoding="utf-8")
    return root


# A chapter title of 200 characters with a word wider than a phone, and addresses far wider still.
LINKED_CHAPTER = (
    "Chapter Seven, in Which the Student Meets the "
    "Unterscheidungsvermoegensuebertragungszusammenhangsbeschreibungsverordnung "
    "and Learns Why a Title in a Table of Contents May Run On Far Longer Than a Reader Wants"
)
LINKED_EPUB_URL = (
    "https://example.org/library/books/a-book-whose-address-never-breaks-because-it-has-no-spaces-at-all/"
    "editions/second/files/the-whole-book-in-one-file.epub?format=epub&reader=any&"
    "token=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)
LINKED_PDF_URL = (
    "https://example.org/library/papers/a-printed-text-whose-address-runs-on-and-on-without-a-single-space/"
    "the-whole-paper-as-printed-by-its-publisher-in-one-very-long-file-name.pdf"
)
LINKED_EPUB_QUOTE = "The student reads the long chapter slowly and keeps its title in mind."
LINKED_CARDS = {
    "long-chapter.yaml": f"""\
source:
  text: texts/long-chapter.epub
  title: A Book Whose Chapters Have Long Titles
  author: Nobody In Particular
  url: {LINKED_EPUB_URL}
cards:
  - question: How does the student read the long chapter?
    id: long-chapter
    answer: Slowly, keeping its title in mind.
    quote: "{LINKED_EPUB_QUOTE}"
    cloze: [reads the long chapter slowly]
""",
    "printed-page.yaml": f"""\
source:
  text: texts/printed.pdf
  title: A Printed Text
  url: {LINKED_PDF_URL}
cards:
  - question: What does the second page begin with?
    id: printed-page
    answer: The sentence that the card quotes.
    quote: "The second page begins with the sentence that the card quotes and links to."
    cloze: [the sentence that the card quotes]
""",
}


def write_linked_deck(root: Path, pdf: Path) -> Path:
    """A deck whose citations are long links: an EPUB (written here by ebooklib) cited by a chapter
    with a very long title, and `pdf` (a real print of a page whose second page opens with the
    quote). Returns the folder to build."""
    (root / "texts").mkdir(parents=True)
    (root / "deck.yaml").write_text("name: Links\ntags: [links]\n", encoding="utf-8")
    shutil.copyfile(pdf, root / "texts" / "printed.pdf")
    book = epub.EpubBook()
    book.set_identifier("quotedeck-long-chapter")
    book.set_title("A Book Whose Chapters Have Long Titles")
    book.set_language("en")
    chapter = epub.EpubHtml(title="Seven", file_name="seven.xhtml", lang="en")
    chapter.content = f"<html><body><h1>Seven</h1><p>{LINKED_EPUB_QUOTE}</p></body></html>"
    book.add_item(chapter)
    book.toc = [epub.Link("seven.xhtml", LINKED_CHAPTER, "seven")]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", chapter]
    epub.write_epub(str(root / "texts" / "long-chapter.epub"), book)
    for name, text in LINKED_CARDS.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def copy_shipped_deck(root: Path) -> Path:
    """A copy of cards_source/, so that no test writes into the work tree."""
    shutil.copytree(SHIPPED, root)
    return root


def build_apkg(source: Path, out: Path) -> Path:
    build(source, out)
    return out


@dataclass(frozen=True)
class AnkiCard:
    """One card as Anki renders it after importing the package."""

    deck: str  # "shipped" or "stress"
    card_id: str  # the note's Id field
    kind: str  # "term" or "question"
    ordinal: int  # cloze number (Anki's card.ord + 1)
    guid: str
    fields: dict[str, str]
    question: str  # card.question(): <style>CSS</style> and the front
    answer: str  # card.answer()
    question_text: str  # the front without the style
    answer_text: str

    @property
    def name(self) -> str:
        return f"{self.deck}:{self.card_id}:c{self.ordinal}"

    @property
    def hidden(self) -> list[str]:
        """What this card's cloze hides, as plain text."""
        quote = self.fields["Quote"]
        found = re.findall(rf"\{{\{{c{self.ordinal}::(.*?)(?:::.*?)?\}}\}}", quote, flags=re.DOTALL)
        return [plain(text) for text in found]

    @property
    def answer_fields(self) -> list[str]:
        """What the front must not show: the hidden phrase aside, the answer and the citation."""
        names = ("Term", "Source") if self.kind == "term" else ("Answer", "Source")
        return [plain(self.fields[name]) for name in names]


def plain(field_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", field_html)).split())


def anki_cards(apkg: Path, deck: str, collection_dir: Path) -> list[AnkiCard]:
    """Every card of the package, imported into a fresh collection and rendered by Anki."""
    from tests.support.anki_collection import cards, fresh_collection, import_apkg, render

    collection_dir.mkdir(parents=True, exist_ok=True)
    result = []
    with fresh_collection(collection_dir) as col:
        summary = import_apkg(col, apkg)
        assert summary.counts() == {"new": summary.found_notes}, summary.counts()
        for card in cards(col):
            note = card.note()
            notetype = note.note_type()
            assert notetype is not None
            question, answer = render(card)
            question_text, answer_text = render(card, with_css=False)
            result.append(
                AnkiCard(
                    deck=deck,
                    card_id=note["Id"],
                    kind="term" if notetype["name"].endswith("term") else "question",
                    ordinal=card.ord + 1,
                    guid=note.guid,
                    fields=dict(note.items()),
                    question=question,
                    answer=answer,
                    question_text=question_text,
                    answer_text=answer_text,
                )
            )
    return sorted(result, key=lambda c: (c.card_id, c.ordinal))
