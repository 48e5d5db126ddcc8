"""Every card, as a phone shows it, in a real browser: headless Chromium at 390x844.

Each side of each card (the shipped deck, a stress deck, and a deck whose citations
are long links to an EPUB chapter and a PDF page) is rendered by the
real Anki, put in AnkiDroid's page shell (its html/body classes and
flashcard.css rules), loaded in Chromium, and measured in light and night mode.
Screenshots land in build/screenshots/.

Without Chromium these tests are skipped (install it: `apt-get install chromium`),
except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from quotedeck.preview.page import PHONE_HEIGHT, PHONE_WIDTH, phone_document, write_preview
from tests.support.chromium import Tab, chromium, find_chromium
from tests.support.decks import (
    LINKED_CHAPTER,
    LINKED_EPUB_URL,
    LINKED_PDF_URL,
    ROOT,
    AnkiCard,
    anki_cards,
    build_apkg,
    write_linked_deck,
)
from tests.support.media import image, sound
from tests.support.pdfs import html_page, print_pdf
from tests.support.sources import write_source

SCREENSHOTS = ROOT / "build" / "screenshots"
MIN_CONTRAST = 4.5  # WCAG AA for body text
MIN_FONT_PX = 16
QUOTE_FONT_PX = (19, 22)  # "about 20 px"
MAX_NIGHT_BACKGROUND_LUMINANCE = 0.05  # no light boxes at night (#3f3f3f is about 0.05)
# One card of each kind is photographed in every mode; stress cards too.
SCREENSHOT_CARDS = {
    "shipped:awakening-from-below:c1": "term",
    "shipped:prayer-bottom-of-heart:c2": "question",
    "stress:rindfleischetikettierungsueberwachungsaufgabenuebertragungsgeset:c1": "stress-long-words",
    "stress:hebrew-quote:c1": "stress-hebrew",
    "stress:several-paragraphs:c2": "stress-paragraphs",
    "stress:escaped-code:c1": "stress-script",
    "links:long-chapter:c1": "links-long-chapter",
    "links:printed-page:c1": "links-pdf-page",
}

# Measures what a reader sees; runs in the card's page. Every element with text of
# its own (and every ::before/::after with content) is one text run; its background
# is found by walking up the tree and compositing translucent layers.
MEASURE = r"""
(() => {
  const parse = (value) => {
    const m = /rgba?\(([^)]*)\)/.exec(value);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, base) => ({
    r: top.r * top.a + base.r * (1 - top.a),
    g: top.g * top.a + base.g * (1 - top.a),
    b: top.b * top.a + base.b * (1 - top.a),
    a: 1,
  });
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const WHITE = { r: 255, g: 255, b: 255, a: 1 };  // the canvas when nothing paints it
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((base, layer) => over(layer, base), WHITE);
  };
  const describe = (el) => el.tagName.toLowerCase() +
    (el.id ? "#" + el.id : "") + Array.from(el.classList).map((c) => "." + c).join("");
  const shown = (el) => {
    const s = getComputedStyle(el);
    return s.display !== "none" && s.visibility !== "hidden" && el.getClientRects().length > 0;
  };
  const runs = [];
  const record = (el, style, text, pseudo) => {
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    runs.push({
      where: describe(el) + pseudo, text: text.trim().slice(0, 50), size: parseFloat(style.fontSize),
      ratio: contrast(fg, bg), color: style.color, background: `rgb(${bg.r}, ${bg.g}, ${bg.b})`,
    });
  };
  let lightest = 0;
  for (const el of [document.body, ...document.body.querySelectorAll("*")]) {
    if (el.tagName === "STYLE" || el.tagName === "SCRIPT" || !shown(el)) continue;
    const own = Array.from(el.childNodes)
      .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join("");
    const style = getComputedStyle(el);
    if (own.trim()) record(el, style, own, "");
    for (const pseudo of ["::before", "::after"]) {
      const s = getComputedStyle(el, pseudo);
      if (s.content && !["none", "normal", '""', "''"].includes(s.content)) record(el, s, s.content, pseudo);
    }
    const bg = parse(style.backgroundColor);
    if (bg && bg.a > 0) lightest = Math.max(lightest, luminance(over(bg, background(el.parentElement || el))));
  }
  lightest = Math.max(lightest, luminance(background(document.body)));
  const quote = document.querySelector(".qd-quote");
  return {
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    clientWidth: document.documentElement.clientWidth,
    compatMode: document.compatMode,
    runs,
    lightestBackground: lightest,
    quoteSize: quote ? parseFloat(getComputedStyle(quote).fontSize) : null,
    text: document.body.innerText,
    // Each leaf block of text and each <bdi>: its dir attribute, its direction, and the text that
    // decides it (isolated <bdi> parts do not count for their parent, as in HTML and UAX #9).
    directions: Array.from(document.querySelectorAll("#qa div, #qa blockquote, #qa footer, #qa bdi"))
      .filter((e) => e.tagName === "BDI" || !e.querySelector("div, blockquote, footer, section, p"))
      .map((e) => {
        const own = e.cloneNode(true);
        if (e.tagName !== "BDI") own.querySelectorAll("bdi").forEach((b) => b.remove());
        return {
          where: describe(e), dir: e.getAttribute("dir"), direction: getComputedStyle(e).direction,
          text: own.textContent.trim(),
        };
      }),
    hasAnswerAnchor: document.getElementById("answer") !== null,
    links: Array.from(document.querySelectorAll("#qa a")).map((a) => ({
      href: a.getAttribute("href"), text: a.textContent,
      right: Math.max(...Array.from(a.getClientRects()).map((r) => r.right)),
    })),
    inlineStyles: document.querySelectorAll("#qa [style]").length,
    scripts: document.querySelectorAll("#qa script").length,
    embedded: document.querySelectorAll(
      "#qa img, #qa iframe, #qa object, #qa embed, #qa link, #qa audio, #qa video").length,
    handlers: Array.from(document.querySelectorAll("#qa *"))
      .filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith("on"))).length,
    remote: Array.from(document.querySelectorAll("[src], link[href]")).map((e) => e.outerHTML),
  };
})()
"""


@dataclass(frozen=True)
class Measurement:
    card: AnkiCard
    side: str  # "front" or "back"
    mode: str  # "light" or "night"
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.card.name} {self.side} {self.mode}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Tab]:
    executable = find_chromium()
    if executable is None:
        message = "Chromium is not installed: install it with `apt-get install chromium` (or set CHROMIUM=/path)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true the browser tests must run, not be skipped")
        pytest.skip(message)
    with chromium(executable) as tab:
        tab.set_viewport(PHONE_WIDTH, PHONE_HEIGHT, scale=2)
        yield tab


@pytest.fixture(scope="session")
def phone_decks(
    browser: Tab, rendered_by_anki: dict[str, list[AnkiCard]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[AnkiCard]]:
    """The shipped and stress decks, and a deck of cards whose citation is a long link: one cites an
    EPUB chapter with a very long title, one a page of a PDF printed here by the browser."""
    root = tmp_path_factory.mktemp("links")
    pdf = print_pdf(browser, html_page(LINKED_PDF_BODY), root / "printed.pdf", head="A Printed Text")
    source = write_linked_deck(root / "cards_source", pdf)
    apkg = build_apkg(source, root / "links.apkg")
    return {**rendered_by_anki, "links": anki_cards(apkg, "links", root / "collection")}


# The quote of the PDF card opens its second page, so that its link ends in #page=2.
LINKED_PDF_BODY = """
<p>The first page holds a paragraph of its own, which no card cites, and then the page ends.</p>
<p class="break">The second page begins with the sentence that the card quotes and links to.</p>
"""


@pytest.fixture(scope="session")
def measurements(
    browser: Tab, phone_decks: dict[str, list[AnkiCard]], tmp_path_factory: pytest.TempPathFactory
) -> list[Measurement]:
    """Both sides of every card, light then night, measured once for all the tests below."""
    pages = tmp_path_factory.mktemp("pages")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results = []
    for card in [c for cards in phone_decks.values() for c in cards]:
        for side, qa_html in (("front", card.question), ("back", card.answer)):
            page = pages / f"{card.deck}-{card.card_id}-c{card.ordinal}-{side}.html"
            page.write_text(phone_document(qa_html, card.ordinal), encoding="utf-8")
            browser.load(page.as_uri())
            for mode in ("light", "night"):
                if mode == "night":  # what AnkiDroid does when night mode is on
                    browser.evaluate("document.body.classList.add('nightMode', 'night_mode')")
                results.append(Measurement(card, side, mode, browser.evaluate(MEASURE)))
                shot = SCREENSHOT_CARDS.get(card.name)
                if shot:  # as tall as the card, so that the pictures stay compact
                    height = browser.evaluate(
                        "Math.ceil(document.getElementById('content').getBoundingClientRect().bottom)"
                    )
                    browser.screenshot(SCREENSHOTS / f"{shot}-{side}-{mode}.png", height + 10)
    (SCREENSHOTS / "measurements.json").write_text(json.dumps(_summary(results), indent=1), encoding="utf-8")
    return results


def _summary(results: list[Measurement]) -> dict[str, Any]:
    runs = [(m, run) for m in results for run in m.data["runs"]]
    worst = min(runs, key=lambda pair: pair[1]["ratio"])
    smallest = min(runs, key=lambda pair: pair[1]["size"])
    return {
        "pages": len(results),
        "text_runs": len(runs),
        "max_scroll_width": max(m.data["scrollWidth"] for m in results),
        "min_contrast": {"ratio": round(worst[1]["ratio"], 2), "page": worst[0].name, **worst[1]},
        "min_contrast_by_mode": {
            mode: round(min(run["ratio"] for m, run in runs if m.mode == mode), 2) for mode in ("light", "night")
        },
        "min_cloze_contrast_by_mode": {
            mode: round(min(run["ratio"] for m, run in runs if m.mode == mode and run["where"] == "span.cloze"), 2)
            for mode in ("light", "night")
        },
        "min_font_px": {"size": smallest[1]["size"], "page": smallest[0].name, "where": smallest[1]["where"]},
        "quote_px": sorted({m.data["quoteSize"] for m in results}),
        "lightest_night_background": max(m.data["lightestBackground"] for m in results if m.mode == "night"),
    }


def test_every_card_of_every_deck_was_measured(
    measurements: list[Measurement], phone_decks: dict[str, list[AnkiCard]]
) -> None:
    cards = sum(len(cards) for cards in phone_decks.values())
    assert len(measurements) == cards * 4
    assert {m.card.deck for m in measurements} == {"shipped", "stress", "links"}
    assert all(m.data["compatMode"] == "CSS1Compat" for m in measurements)


def test_nothing_is_wider_than_the_phone(measurements: list[Measurement]) -> None:
    too_wide = [f"{m.name}: {m.data['scrollWidth']} px" for m in measurements if m.data["scrollWidth"] > PHONE_WIDTH]
    assert not too_wide, "horizontal scrolling (AnkiDroid would zoom the card out):\n" + _listing(too_wide)
    assert all(m.data["clientWidth"] == PHONE_WIDTH for m in measurements)


def test_every_text_run_has_aa_contrast_day_and_night(measurements: list[Measurement]) -> None:
    low = [
        f"{m.name}: {run['where']} {run['ratio']:.2f}:1 ({run['color']} on {run['background']}) {run['text']!r}"
        for m in measurements
        for run in m.data["runs"]
        if run["ratio"] < MIN_CONTRAST
    ]
    assert not low, f"text below {MIN_CONTRAST}:1:\n" + _listing(low)
    assert all(m.data["runs"] for m in measurements), "a page without text was measured"


def test_no_light_box_at_night(measurements: list[Measurement]) -> None:
    glaring = [
        f"{m.name}: luminance {m.data['lightestBackground']:.3f}"
        for m in measurements
        if m.mode == "night" and m.data["lightestBackground"] > MAX_NIGHT_BACKGROUND_LUMINANCE
    ]
    assert not glaring, "a light background at night:\n" + _listing(glaring)


def test_text_is_large_enough_to_read_on_a_phone(measurements: list[Measurement]) -> None:
    small = [
        f"{m.name}: {run['where']} {run['size']} px {run['text']!r}"
        for m in measurements
        for run in m.data["runs"]
        if run["size"] < MIN_FONT_PX
    ]
    assert not small, f"text below {MIN_FONT_PX} px:\n" + _listing(small)
    low, high = QUOTE_FONT_PX
    sizes = {m.data["quoteSize"] for m in measurements}
    assert None not in sizes, "a card without its quote"
    assert all(low <= size <= high for size in sizes), f"quote sizes {sizes}, expected about 20 px"


def test_the_front_gives_nothing_away(measurements: list[Measurement]) -> None:
    leaks = []
    for m in measurements:
        if m.side != "front":
            continue
        visible = " ".join(m.data["text"].split()).casefold()
        for secret in [*m.card.hidden, *m.card.answer_fields]:
            if _contains_words(visible, secret):
                leaks.append(f"{m.name}: shows {secret!r}")
    assert not leaks, _listing(leaks)


def test_the_back_has_the_answer_anchor_and_the_citation(measurements: list[Measurement]) -> None:
    for m in measurements:
        if m.side == "back":
            assert m.data["hasAnswerAnchor"], m.name
            assert _contains_words(" ".join(m.data["text"].split()).casefold(), _plain(m.card.fields["Source"])), m.name


def test_cards_need_no_scripts_styles_or_network(measurements: list[Measurement]) -> None:
    for m in measurements:
        assert m.data["inlineStyles"] == 0, f"{m.name}: inline style"
        assert m.data["scripts"] == 0, f"{m.name}: script"
        assert m.data["embedded"] == 0 and m.data["handlers"] == 0, f"{m.name}: markup from the card text became live"
        assert m.data["remote"] == [], f"{m.name}: loads {m.data['remote']}"
    for card in {m.card.name: m.card for m in measurements}.values():
        for rendered in (card.question, card.answer):
            assert not re.search(r"@import|url\(|@font-face", _style(rendered)), f"{card.name}: CSS fetches something"


def test_a_long_chapter_title_and_a_long_link_fit_the_phone_and_read_day_and_night(
    measurements: list[Measurement],
) -> None:
    """The citation of a card from an EPUB chapter with a 200-character title (an unbroken word in it),
    and of a card from a PDF's page, each a link to a very long address: the back shows the
    whole citation as one <a href> to the address (at the page for the PDF), it wraps within the
    screen, and its text is as readable as the rest of the card, day and night."""
    backs = {(m.card.card_id, m.mode): m for m in measurements if m.card.deck == "links" and m.side == "back"}
    assert sorted(backs) == sorted(
        (card, mode) for card in ("long-chapter", "printed-page") for mode in ("light", "night")
    )
    expected = {"long-chapter": LINKED_EPUB_URL, "printed-page": f"{LINKED_PDF_URL}#page=2"}
    for (card, _mode), m in backs.items():
        (link,) = m.data["links"]
        assert link["href"] == expected[card], f"{m.name}: links to {link['href']}"
        assert " ".join(link["text"].split()) == _plain(m.card.fields["Source"]), m.name
        assert link["right"] <= PHONE_WIDTH, f"{m.name}: the citation runs off the screen at {link['right']} px"
        assert m.data["scrollWidth"] <= PHONE_WIDTH, f"{m.name}: {m.data['scrollWidth']} px wide"
        runs = [run for run in m.data["runs"] if run["where"] == "a"]
        assert runs, f"{m.name}: the link's text was not measured"
        for run in runs:
            colours = f"{run['color']} on {run['background']}"
            assert run["ratio"] >= MIN_CONTRAST, f"{m.name}: link {run['ratio']:.2f}:1 ({colours})"
            assert run["size"] >= MIN_FONT_PX, f"{m.name}: link text {run['size']} px"
    visible = " ".join(backs["long-chapter", "light"].data["text"].split())
    assert LINKED_CHAPTER in visible, "the long chapter title is not on the back"
    assert "p. 2" in " ".join(backs["printed-page", "light"].data["text"].split())


# A client that does not honour the card's `color-scheme: dark` (an older WebView, an app's own
# page around the card) keeps the browser's day colours for what the card's CSS leaves unset.
IGNORE_COLOR_SCHEME = (
    "(() => { const s = document.createElement('style'); s.id = 'no-scheme';"
    " s.textContent = '* { color-scheme: only light !important; }'; document.head.append(s); })()"
)


def test_the_citation_link_has_the_cards_own_colours_day_and_night(
    browser: Tab, phone_decks: dict[str, list[AnkiCard]], tmp_path: Path
) -> None:
    """The link's colours come from the card's CSS, not from the browser: the same whether or not
    the client darkens the browser's own colours at night (Chromium does, for `color-scheme:
    dark`; without it the browser's #0000ee on the night page reads at 2:1)."""
    checked = 0
    for card in phone_decks["links"]:
        page = tmp_path / f"{card.card_id}-back.html"
        page.write_text(phone_document(card.answer, card.ordinal), encoding="utf-8")
        for mode in ("light", "night"):
            browser.load(page.as_uri())
            if mode == "night":
                browser.evaluate("document.body.classList.add('nightMode', 'night_mode')")
            honoured = [run for run in browser.evaluate(MEASURE)["runs"] if run["where"] == "a"]
            browser.evaluate(IGNORE_COLOR_SCHEME)
            ignored = [run for run in browser.evaluate(MEASURE)["runs"] if run["where"] == "a"]
            assert honoured and len(honoured) == len(ignored), f"{card.name} {mode}: no link measured"
            for with_scheme, without in zip(honoured, ignored, strict=True):
                colours = f"{without['color']} on {without['background']}"
                assert without["ratio"] >= MIN_CONTRAST, (
                    f"{card.name} {mode}: link {without['ratio']:.2f}:1 ({colours}) without color-scheme"
                )
                assert with_scheme["color"] == without["color"], f"{card.name} {mode}: the browser chose the colour"
                checked += 1
    assert checked == 4


def test_right_to_left_text_runs_right_to_left(measurements: list[Measurement]) -> None:
    hebrew = re.compile(r"^[^A-Za-z\u0590-\u05ff]*[\u0590-\u05ff]")
    latin = re.compile(r"^[^A-Za-z\u0590-\u05ff]*[A-Za-z]")
    wrong = []
    right_to_left = set()
    for m in measurements:
        for element in m.data["directions"]:
            if element["where"] == "div.qd-kind":  # the card's own English label
                continue
            if not element["where"].startswith("bdi") and element["dir"] != "auto":
                wrong.append(f"{m.name}: {element['where']} takes no direction from its text (no dir=auto)")
            if hebrew.match(element["text"]):
                right_to_left.add(element["where"].split(".")[0])
                if element["direction"] != "rtl":
                    wrong.append(f"{m.name}: {element['where']} runs left to right: {element['text'][:40]!r}")
            elif latin.match(element["text"]) and element["direction"] != "ltr":
                wrong.append(f"{m.name}: {element['where']} runs right to left: {element['text'][:40]!r}")
    assert not wrong, _listing(wrong)
    assert right_to_left >= {"bdi", "div", "blockquote"}, "the stress deck's Hebrew was not seen"


def test_preview_page_shows_every_card_and_switches_and_filters(
    browser: Tab, deck_sources: dict[str, Path], rendered_by_anki: dict[str, list[AnkiCard]], tmp_path: Path
) -> None:
    report = write_preview(deck_sources["stress"], tmp_path / "preview.html")
    cards = len(rendered_by_anki["stress"])
    assert report.cards == cards
    browser.set_viewport(1000, PHONE_HEIGHT)
    try:
        browser.load(report.output.as_uri())
        state = _preview_state(browser)
        assert state["cards"] == cards and state["frames"] == 2 * cards
        assert state["frameWidths"] == [PHONE_WIDTH], "every frame is phone-wide"
        assert all(height > 150 for height in state["frameHeights"]), "frames fit their card"
        assert state["nightFrames"] == 0 and state["shown"] == f"{cards} of {cards} cards"

        browser.evaluate("document.getElementById('pv-night').click()")
        assert _preview_state(browser)["nightFrames"] == 2 * cards

        browser.evaluate(_type_into_filter("MUST NOT glare"))
        state = _preview_state(browser)
        assert state["visible"] == [
            "question · several-paragraphs · c1",
            "question · several-paragraphs · c2",
            "question · several-paragraphs · c3",
            "question · several-paragraphs · c4",
            "question · several-paragraphs · c5",
        ]
        browser.evaluate(_type_into_filter(""))
        browser.evaluate(
            "(() => { const s = document.getElementById('pv-tag'); s.value = 'quotedeck::term';"
            " s.dispatchEvent(new Event('change')); })()"
        )
        state = _preview_state(browser)
        assert state["shown"] == f"{len(state['visible'])} of {cards} cards"
        assert all(v.startswith("term · ") for v in state["visible"]) and state["visible"]
        browser.screenshot(SCREENSHOTS / "preview-night.png", PHONE_HEIGHT)
        # The cards run no script in the preview either: their frames may not.
        assert browser.evaluate(
            "Array.from(document.querySelectorAll('iframe')).every(f => f.sandbox.value === 'allow-same-origin')"
        )
    finally:
        browser.set_viewport(PHONE_WIDTH, PHONE_HEIGHT, scale=2)


MEDIA_CARDS = """\
source:
  text: texts/sample.txt
  title: A Sample Text
cards:
  - term: the innermost point
    definition: The place in the heart where the Creator is found.
    quote: "That point is the innermost point, where the Creator is found."
    image: media/wide.png
    audio: media/quote.wav
  - question: What does the Light give to the one who asks?
    answer: A new force.
    quote: "The Light gives a new force to the one who asks."
    cloze: [a new force]
    id: light-gives
    image: media/tall.jpg
"""


def test_a_wide_and_a_tall_image_fit_the_phone(browser: Tab, tmp_path: Path) -> None:
    """A wide image takes the screen's width, a tall one at most most of its height; both keep their shape."""
    source = tmp_path / "cards_source"
    image(source / "media" / "wide.png", 2400, 300)
    image(source / "media" / "tall.jpg", 300, 2400)
    sound(source / "media" / "quote.wav")
    write_source(tmp_path, cards=MEDIA_CARDS)
    collection = tmp_path / "collection"
    rendered = anki_cards(build_apkg(source, tmp_path / "media.apkg"), "media", collection)
    media_folder = collection / "collection.media"  # where Anki keeps the files; the page's names resolve there
    boxes = {}
    for card in rendered:
        page = media_folder / f"{card.card_id}-back.html"
        page.write_text(phone_document(card.answer, card.ordinal), encoding="utf-8")
        browser.load(page.as_uri())
        boxes[card.card_id] = browser.evaluate(
            """(() => {
              const img = document.querySelector('.qd-media img');
              const box = img.getBoundingClientRect();
              const quote = document.querySelector('.qd-quote').getBoundingClientRect();
              return { loaded: img.complete && img.naturalWidth > 0, width: box.width, height: box.height,
                       natural: img.naturalWidth / img.naturalHeight, below: box.top >= quote.bottom,
                       scrollWidth: document.documentElement.scrollWidth };
            })()"""
        )
        browser.screenshot(SCREENSHOTS / f"media-{card.card_id}-back.png")
    wide, tall = boxes["the-innermost-point"], boxes["light-gives"]
    for box in (wide, tall):
        assert box["loaded"] and box["below"], box
        assert box["scrollWidth"] <= PHONE_WIDTH, box
        assert abs(box["width"] / box["height"] - box["natural"]) < 0.05, f"the image lost its shape: {box}"
    assert PHONE_WIDTH * 0.8 < wide["width"] <= PHONE_WIDTH, wide
    assert tall["height"] <= PHONE_HEIGHT * 0.8 + 1, tall


def test_the_preview_shows_a_cards_image_and_sound_and_fetches_nothing(browser: Tab, tmp_path: Path) -> None:
    """The preview is one file: each image is inside it and shows as on the phone, the sound plays."""
    source = tmp_path / "cards_source"
    image(source / "media" / "wide.png", 2400, 300)
    image(source / "media" / "tall.jpg", 300, 2400)
    sound(source / "media" / "quote.wav", seconds=0.5)
    write_source(tmp_path, cards=MEDIA_CARDS)
    report = write_preview(source, tmp_path / "out" / "preview.html")
    browser.set_viewport(1000, PHONE_HEIGHT)
    browser.send("Network.enable")
    browser.events.clear()
    try:
        browser.load(report.output.as_uri())
        backs = browser.evaluate(
            """(async () => {
              const backs = Array.from(document.querySelectorAll('.pv-phone iframe')).filter((f, i) => i % 2);
              const audio = backs.map((f) => f.contentDocument.querySelector('audio')).filter(Boolean);
              await Promise.all(audio.map((a) => a.readyState >= 1 ? null
                : new Promise((done) => { a.onloadedmetadata = a.onerror = done; })));
              return backs.map((f) => {
                const doc = f.contentDocument, img = doc.querySelector('.qd-media img'), a = doc.querySelector('audio');
                const box = img.getBoundingClientRect(), player = a && a.getBoundingClientRect();
                return { loaded: img.complete && img.naturalWidth > 0, width: box.width, height: box.height,
                         frame: f.getBoundingClientRect().height, content: doc.documentElement.scrollHeight,
                         audio: a && { controls: a.controls, seconds: a.duration, width: player.width,
                                       height: player.height, error: a.error && a.error.code },
                         text: doc.body.innerText };
              });
            })()"""
        )
        browser.screenshot(SCREENSHOTS / "preview-media.png")
        seen = list(browser.events)
        # Even markup that slipped into a card would fetch nothing: the page's policy holds in the frames.
        browser.evaluate(
            "(() => { const doc = document.querySelector('.pv-phone iframe').contentDocument;"
            " const img = doc.createElement('img'); img.src = 'http://127.0.0.1:9/x.png'; doc.body.append(img); })()"
        )
        browser.evaluate("new Promise((done) => setTimeout(done, 200))")
        browser.send("Network.disable")
    finally:
        browser.set_viewport(PHONE_WIDTH, PHONE_HEIGHT, scale=2)
    wide, tall = backs
    for back in backs:
        assert back["loaded"], back
        assert back["frame"] >= back["content"], f"the frame cuts its card: {back}"
        assert "[sound:" not in back["text"] and "quotedeck-" not in back["text"]
    # As on the phone: the wide image takes the card's width, the tall one 80% of the screen's height.
    assert PHONE_WIDTH * 0.8 < wide["width"] <= PHONE_WIDTH, wide
    assert abs(tall["height"] - PHONE_HEIGHT * 0.8) <= 1, tall
    player = wide["audio"]
    assert player is not None and tall["audio"] is None
    assert player["controls"] and player["error"] is None and abs(player["seconds"] - 0.5) < 0.01, player
    assert player["height"] > 0 and 0 < player["width"] <= PHONE_WIDTH, player
    # Nothing is fetched: every request is the page itself or a data: URI inside it.
    requests = [e["params"]["request"]["url"] for e in seen if e["method"] == "Network.requestWillBeSent"]
    assert requests[0] == report.output.as_uri()
    assert any(url.startswith("data:image/png;base64,") for url in requests), "the image was not seen loading"
    assert [url for url in requests[1:] if not url.startswith("data:")] == []
    assert [
        e["params"].get("blockedReason") for e in browser.events[len(seen) :] if e["method"] == "Network.loadingFailed"
    ] == ["csp"]


def _preview_state(tab: Tab) -> dict[str, Any]:
    state: dict[str, Any] = tab.evaluate(
        """(() => {
          const frames = Array.from(document.querySelectorAll('.pv-phone iframe'));
          return {
            cards: document.querySelectorAll('.pv-card').length,
            frames: frames.length,
            frameWidths: Array.from(new Set(frames.map((f) => f.getBoundingClientRect().width))),
            frameHeights: frames.map((f) => f.getBoundingClientRect().height),
            nightFrames: frames.filter((f) => f.contentDocument.body.classList.contains('nightMode')
                                              && f.contentDocument.body.classList.contains('night_mode')).length,
            visible: Array.from(document.querySelectorAll('.pv-card:not([hidden]) h2')).map((h) => h.textContent),
            shown: document.getElementById('pv-shown').textContent,
          };
        })()"""
    )
    return state


def _type_into_filter(text: str) -> str:
    return (
        f"(() => {{ const f = document.getElementById('pv-filter'); f.value = {json.dumps(text)};"
        " f.dispatchEvent(new Event('input')); })()"
    )


def _contains_words(haystack: str, needle: str) -> bool:
    """`needle` in `haystack` as whole words (so `man` is not found in `human`), case-insensitively."""
    needle = " ".join(needle.split()).casefold()
    if not needle:
        return False
    before = r"(?<!\w)" if re.match(r"\w", needle) else ""
    after = r"(?!\w)" if re.search(r"\w$", needle) else ""
    return re.search(before + re.escape(needle) + after, haystack) is not None


def _plain(field_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", field_html)).split())


def _style(rendered: str) -> str:
    return "".join(re.findall(r"<style>(.*?)</style>", rendered, flags=re.S))


def _listing(lines: list[str], limit: int = 30) -> str:
    """The first offenders, one a line, and how many more there are."""
    more = f"\n… and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more
