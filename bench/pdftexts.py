"""The generated texts as PDFs, printed by headless Chromium, and the card files pointed at them.

Each text becomes its own PDF (the title as a heading, one <p> a paragraph), laid
out by the browser as the tests' PDFs are: justified lines, hyphenation, page
breaks inside paragraphs, the title as a running head and page numbers in the
margins. The plain texts are removed, so that nothing can be verified against them.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from generate import SynthText

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.chromium import chromium, find_chromium
from tests.support.pdfs import html_page, print_pdf


def texts_as_pdfs(source: Path, texts: list[SynthText]) -> list[Path]:
    """Print each text of `source/texts` to a PDF beside it, drop the .txt, and make every
    card file cite the PDF; returns the PDFs."""
    executable = find_chromium()
    if executable is None:
        raise SystemExit("--texts-as pdf prints the texts with Chromium: install it (apt-get install chromium)")
    folder = source / "texts"
    printed = []
    with chromium(executable) as tab:
        for text in texts:
            body = f"<h1>{html.escape(text.title)}</h1>" + "".join(
                f"<p>{html.escape(' '.join(words))}</p>" for words in text.paragraphs
            )
            plain = folder / text.file_name
            pdf = print_pdf(tab, html_page(body), plain.with_suffix(".pdf"), head=text.title)
            pdf.with_suffix(".html").unlink()  # print_pdf's page, not a text of the deck
            plain.unlink()
            printed.append(pdf)
    for card_file in sorted(source.glob("cards-*.yaml")):
        content = card_file.read_text(encoding="utf-8")
        cited, count = re.subn(r"^(  text: texts/text-\d+)\.txt$", r"\1.pdf", content, count=1, flags=re.M)
        if count != 1:
            raise ValueError(f"{card_file} cites no generated text")
        card_file.write_text(cited, encoding="utf-8")
    return printed
