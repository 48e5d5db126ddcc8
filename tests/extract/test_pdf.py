"""PDFs printed by a real headless Chromium: quotes verify across line ends, hyphens, ligatures
and page breaks, cite the page (its printed label), and broken PDFs stop at the `text:` line."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from quotedeck.extract.pdf import pdf_paragraphs
from tests.extract.kinds import citations, deck_citing, failure
from tests.support.pdfs import chromium, html_page, print_pdf, require_chromium

FILLER = (
    "A person who studies the texts of the sages reads slowly and returns to each line many times, "
    "for the words are few and the meaning is deep. "
)
MORE = (
    "What was learnt in the evening is asked again in the morning, and the student answers "
    "in the words of the teacher until they become his own words. "
)
A4 = "@page { size: 210mm 297mm; }"
# Page one: ligatures (official, fluffy, figures, reflection) in DejaVu Serif, words that break at
# a line end in a narrow column, and a paragraph that the page break cuts.
BODY = f"""
<p>{FILLER}</p>
<p>The official figures of the fluffy reflection were difficult to read.</p>
<p style="width: 6.5em">Only the selfless self-control of the heart brings the transformation.</p>
<p style="width: 5em">We ask for the trans-formation of desire, and un&shy;der&shy;stand&shy;ing follows.</p>
<p style="width: 7em; hyphens: manual">The heart between thelightandits—darkness waits.</p>
<p>{MORE}</p>
<p>The last words of the first page end here</p>
<p class="break">and the first words of the second page begin here, after the break.</p>
<p>{MORE} {FILLER}</p>
"""


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp("pdfs")
    with chromium(require_chromium()) as tab:
        printed = print_pdf(tab, html_page(BODY, style=A4), folder / "printed.pdf", head="Sayings of the Sages")
        blank = print_pdf(
            tab,
            html_page('<svg width="300" height="300"><circle cx="150" cy="150" r="100"/></svg>'),
            folder / "scan.pdf",
        )
        # Page breaks at closed dashes: before one (page 1 to 2) and after one (page 2 to 3).
        dashes = print_pdf(
            tab,
            html_page(
                f"<p>{FILLER}</p><p>The student waits for the lamp</p>"
                f'<p class="break">—the light of the heart. {MORE}</p><p>{FILLER} The heart and its light—</p>'
                f'<p class="break">darkness follows. {FILLER}</p>'
            ),
            folder / "dashes.pdf",
            head="Sayings of the Sages",
        )
    # A preface numbered from iii: a real library's edit of a real browser's PDF.
    writer = pypdf.PdfWriter(clone_from=printed)
    writer.set_page_label(0, len(writer.pages) - 1, style="/r", start=3)
    labelled = folder / "preface.pdf"
    with open(labelled, "wb") as out:
        writer.write(out)
    locked_writer = pypdf.PdfWriter(clone_from=printed)
    locked_writer.encrypt(user_password="secret", owner_password="owner")
    locked = folder / "locked.pdf"
    with open(locked, "wb") as out:
        locked_writer.write(out)
    truncated = folder / "truncated.pdf"
    truncated.write_bytes(printed.read_bytes()[: printed.stat().st_size // 2])
    misnamed = folder / "notes.txt"
    misnamed.write_bytes(printed.read_bytes())
    yield {
        "printed": printed,
        "preface": labelled,
        "scan": blank,
        "locked": locked,
        "truncated": truncated,
        "misnamed": misnamed,
        "dashes": dashes,
    }


def test_the_printed_pdf_has_what_the_tests_need(pdfs: dict[str, Path]) -> None:
    """The browser really broke these words at line ends and set these ligatures, and printed a
    running head and page numbers: else the tests below would prove nothing."""
    layer = subprocess.run(["pdftotext", "-raw", str(pdfs["printed"]), "-"], capture_output=True, check=True).stdout
    text = layer.decode()
    assert "self-\ncontrol" in text
    assert "trans-\nformation" in text
    assert "\u00ad\n" in text  # the soft hyphen where `understanding` broke
    assert "—\ndarkness" in text or "thelightandits\n—" in text  # a line broken at a closed dash
    assert text.count("\f") == 2 and text.count("Sayings of the Sages") == 2
    raw = pypdf.PdfReader(pdfs["printed"]).pages[0].extract_text()
    assert "ﬁ" in raw or "ﬀ" in raw or "ﬂ" in raw  # the font's ligatures, as pypdf reads them


QUOTES = [
    "The official figures of the fluffy reflection were difficult to read.",  # ligatures
    "Only the selfless self-control of the heart brings the transformation.",  # a compound at a line end
    "We ask for the transformation of desire, and understanding follows.",  # hyphen and soft hyphen
    "The last words of the first page end here and the first words of the second page begin here",
    "the first words of the second page begin here",
]


def test_quotes_verify_and_cite_their_page(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    source = deck_citing(tmp_path, pdfs["printed"], QUOTES)
    assert citations(source) == [
        "“The Text”, p. 1",
        "“The Text”, p. 1",
        "“The Text”, p. 1",
        "“The Text”, pp. 1–2",  # the running head and the page number between them are gone
        "“The Text”, p. 2",
    ]


def test_a_line_broken_at_a_closed_dash_is_no_space(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    source = deck_citing(tmp_path, pdfs["printed"], ["The heart between thelightandits—darkness waits."])
    assert citations(source) == ["“The Text”, p. 1"]


def test_a_page_break_at_a_closed_dash_is_no_space(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    layer = subprocess.run(["pdftotext", "-raw", str(pdfs["dashes"]), "-"], capture_output=True, check=True).stdout
    pages = layer.decode().split("\f")
    assert "the lamp\n" in pages[0] and pages[1].startswith("—the light")  # the dash starts page 2
    assert "light—\n" in pages[1] and "darkness" not in pages[1] and "darkness follows" in pages[2]  # and ends it
    quotes = ["The student waits for the lamp—the light of the heart.", "The heart and its light—darkness follows."]
    source = deck_citing(tmp_path, pdfs["dashes"], quotes)
    assert citations(source) == ["“The Text”, pp. 1–2", "“The Text”, pp. 2–3"]


def test_page_labels_are_cited_as_printed(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    source = deck_citing(tmp_path, pdfs["preface"], QUOTES[3:], url="https://example.org/sages.pdf?v=1")
    assert citations(source) == [
        '<a href="https://example.org/sages.pdf?v=1#page=1">“The Text”, pp. iii–iv</a>',
        '<a href="https://example.org/sages.pdf?v=1#page=2">“The Text”, p. iv</a>',
    ]


def test_a_wrong_word_names_the_closest_passage_and_its_page(
    tmp_path: Path, pdfs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = deck_citing(tmp_path, pdfs["preface"], ["the first words of the second leaf begin here"])
    lines = failure(source, monkeypatch)
    assert lines[0] == (
        "cards_source/cards.yaml:7:43: error: the quote differs from the text: it has `leaf` where the text has"
        " `page` (texts/preface.pdf)"
    )
    assert (
        lines[1] == "    hint: closest passage (p. iv, 93% similar): “the first words of the second page begin here,”"
    )


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        ("scan", "scan.pdf: the PDF has no text layer (its pages are images, as in a scan)", "run OCR first"),
        ("locked", "locked.pdf: the PDF is encrypted with a password", "unlocked copy"),
        ("truncated", "truncated.pdf: the PDF is broken", "cut short or damaged"),
        ("misnamed", "notes.txt is a PDF, not plain text", "rename it to `notes.pdf`"),
    ],
)
def test_an_unreadable_pdf_stops_at_the_text_line(
    tmp_path: Path, pdfs: dict[str, Path], name: str, message: str, hint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = deck_citing(tmp_path, pdfs[name], ["any words at all"])
    lines = failure(source, monkeypatch)
    assert lines[0].startswith(f"cards_source/cards.yaml:2:9: error: {message}"), lines
    assert hint in lines[1], lines
    assert lines[-1] == "1 error(s); nothing was written"


SENTENCES = [
    "The student reads.",
    "He asks again in the morning.",
    "The teacher answers him with a question of his own.",
    "Words are few.",
    "The meaning of each of them is deep and takes a lifetime to learn.",
    "Night falls.",
    "A lamp is lit beside the book, and the reading goes on.",
]


def test_a_full_justified_line_that_ends_a_sentence_ends_no_paragraph(tmp_path: Path) -> None:
    """Justified prose of short sentences puts many a period at the end of a full line, with
    fewer letters than the widest lines: only a line clearly short of the column ends a paragraph."""
    paragraphs = [" ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(40)) for n in range(4)]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    with chromium(require_chromium()) as tab:
        pdf = print_pdf(tab, html_page(body), tmp_path / "prose.pdf")
    layer = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert sum(line.endswith(".") for line in layer.splitlines()) >= 16  # else this tests nothing
    found = pdf_paragraphs(pdf.read_bytes()).paragraphs
    # Where a paragraph ends inside a page (a page's last one is cut by the page), a real one ends.
    inside = [p for p, after in itertools.pairwise(found) if p.page == after.page]
    assert len(inside) >= 2
    real_ends = {" ".join(text.split())[-30:] for text in paragraphs}
    assert [" ".join(p.text.split())[-30:] for p in inside if " ".join(p.text.split())[-30:] not in real_ends] == []
