"""`quotedeck highlights`: Kindle, KOReader, Readwise and Markdown exports become drafts, once."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from quotedeck.sources.yamlnodes import load_yaml
from tests.support.checking import run

ROOT = Path(__file__).resolve().parents[2]
GOING = "Going Towards Each Other"
HEART = "From the Bottom of the Heart"

# Highlights as e-readers mangle them: a ligature, a word split by a page break, a lost hyphen.
ASK = "When a person already understands that he has to ask the Light to make the changes"
ASK_LONGER = ASK + ", the entire difficulty lies in imagining what changes to ask for."
AWAKEN = "still the desire has an ability to awaken the Light. This action is called “awakening from below.”"
AWAKEN_MANGLED = "still the desire has an abil- ity to awaken the Light. This action is called “awakening from below.”"
TRANSFORM = "It has to ask for its opposite transformation so the Light would give it a new force"
TRANSFORM_LIGATURE = TRANSFORM.replace("opposite", "oppo\u00adsite")  # a soft hyphen kept
SQUASH = "to step on his own desire, to squash it and freeze it"
BOTTOM = "“The bottom of the heart” is such a deep desire in a person that he cannot reach it himself."
INNERMOST = "from this innermost point inside of me where the Creator is found"
MISSING = "A sentence that no text of this deck has ever said about gardening and boats"


CARD_FILES = {
    "going.yaml": f"""\
source: {{text: texts/going-towards-each-other.txt, title: {GOING}, author: Michael Laitman}}
cards:
  - term: awakening from below
    definition: The desire awakening the Light.
    quote: "It is possible only on the condition that the desire precisely understands itself"
    cloze: [precisely understands itself]
""",
    "heart.yaml": f"""\
source: {{text: texts/from-the-bottom-of-the-heart.txt, title: {HEART}}}
cards:
  - question: Where is the innermost point?
    answer: Where the Creator is found.
    quote: "{INNERMOST}"
    cloze: [where the Creator is found]
""",
}


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped texts, with a card on each."""
    source = tmp_path / "cards_source"
    shutil.copytree(ROOT / "cards_source" / "texts", source / "texts")
    (source / "deck.yaml").write_text("name: Highlights\n")
    for name, body in CARD_FILES.items():
        (source / name).write_text(body)
    monkeypatch.chdir(tmp_path)
    return source


def clipping(book: str, kind: str, where: str, text: str) -> str:
    return (
        f"{book}\n- Your {kind} {where} | Added on Monday, 3 March 2025 08:1{len(text) % 10}:00\n\n{text}\n==========\n"
    )


def kindle(entries: list[str]) -> bytes:
    # As a Kindle writes it: a BOM, CRLF line ends, a block per clipping.
    return ("\ufeff" + "".join(entries)).replace("\n", "\r\n").encode("utf-8")


KINDLE_BOOK = f"{GOING} (Michael Laitman)"
KINDLE = [
    clipping("Another Book (Someone Else)", "Highlight", "on page 3 | Location 40-41", "Nothing of this deck."),
    clipping(KINDLE_BOOK, "Highlight", "on page 1 | Location 10-11", ASK),
    clipping(KINDLE_BOOK, "Bookmark", "on page 1 | Location 12", ""),
    # The same, made longer, with the ligature a PDF's font gave it.
    clipping(KINDLE_BOOK, "Highlight", "on page 1 | Location 10-12", ASK_LONGER.replace("ffi", "\ufb03")),
    # A highlight across a page break: the e-reader kept the hyphen of the line's end.
    clipping(KINDLE_BOOK, "Highlight", "on page 1-2 | Location 20-22", AWAKEN_MANGLED),
    clipping(KINDLE_BOOK, "Note", "on page 2 | Location 22", "The key idea: it starts with me."),
    clipping(KINDLE_BOOK, "Highlight", "on page 2 | Location 30-31", MISSING),
    clipping("Another Book (Someone Else)", "Note", "on page 3 | Location 41", "Elsewhere."),
]
KINDLE_NEWER = [
    *KINDLE,
    clipping(KINDLE_BOOK, "Highlight", "on page 2 | Location 33-34", TRANSFORM_LIGATURE),
    clipping(KINDLE_BOOK, "Highlight", "on page 2 | Location 35-36", SQUASH),
]


def drafts_of(deck: Path) -> list[tuple[str, str]]:
    """Every draft in the deck: its id and quote, as the card files hold them."""
    found = []
    for path in sorted(deck.glob("*.yaml")):
        node = load_yaml(path)
        for key, value in getattr(node, "value", []):
            if key.value == "cards":
                for item in value.value:
                    keys = {k.value: v.value for k, v in item.value}
                    if "draft" in keys:
                        found.append((keys["id"], keys["quote"]))
    return found


def snapshot(deck: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(deck.glob("*.yaml"))}


def test_kindle_clippings_become_drafts_once(deck: Path, tmp_path: Path) -> None:
    export = tmp_path / "My Clippings.txt"
    export.write_bytes(kindle(KINDLE))
    code, out, err = run("highlights", str(export))
    assert code == 1 and "holds highlights of 2 books" in err and f"“{GOING}” (4)" in err

    code, out, err = run("highlights", str(export), "--book", "towards each")
    assert code == 0, err
    assert "Added 2 drafts from Kindle highlights of “Going Towards Each Other”: 4 highlights" in out
    assert "1 already drafted or carded, 1 not found" in out
    assert "highlight not found in the texts (page 2, location 30-31" in err and "closest passage" in err
    drafts = dict(drafts_of(deck))
    assert len(drafts) == 2
    quotes = sorted(drafts.values(), key=len)
    # The text's own words: the longer of the two highlights, and the unmangled passage.
    assert ASK_LONGER in quotes
    assert any(q.startswith("still the desire has an ability to awaken the Light") for q in quotes)
    written = yaml.safe_load((deck / "going-towards-each-other-drafts.yaml").read_text())
    assert written["source"] == {
        "text": "texts/going-towards-each-other.txt",
        "title": GOING,
        "author": "Michael Laitman",
    }
    awaken = written["cards"][1]
    assert awaken["extra"] == "The key idea: it starts with me."
    assert awaken["draft"].startswith("Kindle: page 1-2, location 20-22, added on Monday")

    before = snapshot(deck)
    code, out, _ = run("highlights", str(export), "--book", "towards each")
    assert code == 0 and "Added 0 drafts" in out and "3 already drafted or carded" in out
    assert snapshot(deck) == before  # running twice changes nothing

    export.write_bytes(kindle(KINDLE_NEWER))
    code, out, _ = run("highlights", str(export), "--book", GOING)
    assert code == 0 and "Added 2 drafts" in out
    assert len(drafts_of(deck)) == 4
    after = (deck / "going-towards-each-other-drafts.yaml").read_bytes()
    assert after.startswith(before["going-towards-each-other-drafts.yaml"])  # appended, every byte kept
    assert any("opposite transformation" in q for _, q in drafts_of(deck))

    # Drafts never break the build: they are counted, and `check --strict` names each.
    code, out, err = run("build", str(deck))
    assert code == 0, err
    assert "4 drafts to finish" in out
    code, out, _ = run("check", str(deck))
    assert code == 0 and "4 drafts to finish" in out
    code, out, err = run("check", "--strict", str(deck))
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert len(lines) == 4
    assert all(line.startswith("cards_source/going-towards-each-other-drafts.yaml:") for line in lines)
    assert "is a draft: it needs a term or a question" in lines[0]
    # The preview shows them apart from the cards.
    code, out, _ = run("preview", str(deck))
    page = (deck.parent / "build" / "preview.html").read_text()
    assert code == 0 and "4 drafts to finish" in page
    drafts_part = page.split('<section class="pv-drafts">', 1)[1]
    assert "opposite transformation" in drafts_part and 'class="pv-card"' not in drafts_part


def koreader(entries: list[dict[str, object]]) -> str:
    # The shape of KOReader's exporter (plugins/exporter.koplugin/target/json.lua), several books.
    documents = [
        {"title": HEART, "author": "Michael Laitman", "file": "/books/heart.epub", "number_of_pages": 4,
         "exported": {}, "entries": entries},
        {"title": "Other", "author": "", "entries": [{"text": "nothing", "page": 1, "sort": "highlight"}]},
    ]  # fmt: skip
    return json.dumps({"created_on": 1700000000, "version": "v2024.04", "documents": documents}, indent=2)


def test_koreader_json_twice_then_two_more(deck: Path, tmp_path: Path) -> None:
    entry = {"sort": "highlight", "drawer": "lighten", "chapter": "From the Bottom", "time": 1700000000}
    first = [{**entry, "text": BOTTOM, "page": 1, "note": "depth"}]
    export = tmp_path / "heart.json"
    export.write_text(koreader(first))
    code, out, err = run("highlights", str(export), "--book", HEART)
    assert code == 0 and "Added 1 draft from KOReader highlights" in out, (out, err)
    before = snapshot(deck)
    assert "Added 0 drafts" in run("highlights", str(export), "--book", HEART)[1]
    assert snapshot(deck) == before
    secret = "That is where the secret of life is concealed."
    request = "I will be able to speak to Him, that means I have reached the right request."
    more = [
        *first,
        {**entry, "text": INNERMOST + ", who is", "page": 2},  # overlaps the card's quote: known
        {**entry, "text": secret, "page": 1},
        {**entry, "text": request, "page": 2, "note": "the request"},
    ]
    export.write_text(koreader(more))
    code, out, err = run("highlights", str(export), "--book", HEART)
    assert code == 0 and "Added 2 drafts" in out and "2 already drafted or carded" in out, (out, err)
    assert [q for _, q in drafts_of(deck)][1:] == [secret, request]


def test_half_characters_of_a_json_export_become_replacement_characters(deck: Path, tmp_path: Path) -> None:
    """JSON may escape half of a character (`\\ud800`): written into a draft, it made the card file
    one YAML refuses, and printing it stopped the command with a traceback."""
    secret = "That is where the secret of life is concealed."
    entry = {"sort": "highlight", "text": secret, "page": 1, "chapter": "From \udc00 the Bottom", "note": "a \ud800"}
    export = tmp_path / "heart.json"
    export.write_text(koreader([entry]))  # ASCII: the halves written as escapes
    assert "\\ud800" in export.read_text()
    code, out, err = run("highlights", str(export), "--book", HEART)
    assert code == 0 and "Added 1 draft from KOReader highlights" in out, (out, err)
    assert [q for _, q in drafts_of(deck)] == [secret]
    code, out, err = run("build", str(deck))
    assert code == 0, err
    drafts = "".join(path.read_text(encoding="utf-8") for path in deck.glob("*-drafts.yaml"))
    assert "From \ufffd the Bottom" in drafts and "a \ufffd" in drafts


def readwise(path: Path, rows: list[tuple[str, str, str]]) -> None:
    columns = ["Highlight", "Book Title", "Book Author", "Amazon Book ID", "Note", "Color", "Tags",
               "Location Type", "Location", "Highlighted at", "Document tags"]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for text, note, location in rows:
            writer.writerow([text, GOING, "Michael Laitman", "B0000", note, "yellow", "", "location", location,
                             "2025-03-03 08:00:00+00:00", ""])  # fmt: skip


def test_readwise_csv_with_commas_and_new_lines(deck: Path, tmp_path: Path) -> None:
    export = tmp_path / "readwise.csv"
    # A highlight with a new line in it (two lines of the page), a note with commas and quotes.
    split_awaken = AWAKEN.replace("the Light. This", "the Light.\nThis")
    readwise(export, [(split_awaken, 'first, "awakening", then the rest', "201")])
    code, out, err = run("highlights", str(export), str(deck))
    assert code == 0 and "Added 1 draft " in out, (out, err)
    ((draft_id, quote),) = drafts_of(deck)
    assert quote.startswith("still the desire has an ability") and "\n" not in quote
    assert 'first, "awakening", then the rest' in (deck / "going-towards-each-other-drafts.yaml").read_text()
    before = snapshot(deck)
    assert "Added 0 drafts" in run("highlights", str(export), str(deck))[1]
    assert snapshot(deck) == before
    readwise(export, [(split_awaken, "", "201"), (TRANSFORM, "", "230"), (SQUASH, "a second, later", "233")])
    code, out, _ = run("highlights", str(export), str(deck))
    assert code == 0 and "Added 2 drafts" in out
    assert len(drafts_of(deck)) == 3 and (draft_id, quote) in drafts_of(deck)


def test_markdown_quotes_and_blockquotes(deck: Path, tmp_path: Path) -> None:
    export = tmp_path / "notes.md"
    export.write_text(f"# My reading\n\nSome words of mine.\n\n> {TRANSFORM}\n\n> {SQUASH}\n")
    code, out, err = run("highlights", str(export), str(deck))
    assert code == 0 and "Added 2 drafts from Markdown highlights" in out, (out, err)
    assert [q for _, q in drafts_of(deck)] == [TRANSFORM, SQUASH]
    plain = tmp_path / "plain.txt"
    plain.write_text(f"{TRANSFORM}\n\n{INNERMOST}\n")
    code, out, _ = run("highlights", str(plain), str(deck), "--book", "plain")
    assert code == 0 and "Added 0 drafts" in out and "2 already drafted or carded" in out
