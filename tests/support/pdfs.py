"""PDFs printed by a real headless Chromium (DevTools `Page.printToPDF`), for the text tests.

Real layout: the browser wraps lines, hyphenates (`hyphens: auto` with a `lang`),
sets ligatures from a real font (DejaVu Serif) and breaks pages, and prints a
running head and page numbers in the margins from its header and footer templates.
"""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

import pytest

from tests.support.chromium import Tab, chromium, find_chromium

PAGE_STYLE = """
@page { size: 148mm 210mm; margin: 22mm 18mm; }
body { font-family: 'DejaVu Serif'; font-size: 11pt; line-height: 1.4; text-align: justify; hyphens: auto; }
p { margin: 0 0 0.8em 0; }
.break { break-before: page; }
"""

HEADER = '<div style="font-size:8pt; width:100%; text-align:center; font-family:DejaVu Serif">{head}</div>'
FOOTER = (
    '<div style="font-size:8pt; width:100%; text-align:center; font-family:DejaVu Serif">'
    '<span class="pageNumber"></span></div>'
)


def html_page(body: str, lang: str = "en", style: str = "") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<style>{PAGE_STYLE}{style}</style></head><body>{body}</body></html>"
    )


def require_chromium() -> str:
    executable = find_chromium()
    if executable is None:
        message = "Chromium not found (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true the PDF tests must run, not be skipped")
        pytest.skip(message)
    return executable


def print_pdf(tab: Tab, page: str, out: Path, head: str = "", page_numbers: bool = True, **options: object) -> Path:
    """`page` (HTML) printed to `out` by the browser, with `head` at the top of every page."""
    source = out.with_suffix(".html")
    source.write_text(page, encoding="utf-8")
    tab.load(source.as_uri())
    printed = tab.send(
        "Page.printToPDF",
        displayHeaderFooter=bool(head) or page_numbers,
        headerTemplate=HEADER.format(head=html.escape(head)) if head else "<span></span>",
        footerTemplate=FOOTER if page_numbers else "<span></span>",
        printBackground=False,
        preferCSSPageSize=True,
        **options,
    )
    out.write_bytes(base64.b64decode(printed["data"]))
    return out


__all__ = ["chromium", "html_page", "print_pdf", "require_chromium"]
