"""Anki typesets `\\(…\\)` and `\\[…\\]` with MathJax on every card: typed text must stay text.

A definition `\\(\\href{javascript:…}{\\style{position:fixed;…}{…}}\\)`, typeset
with Anki's own MathJax and configuration, became an invisible full-screen
`javascript:` link. Here cards are built, imported and rendered by Anki, then
typeset by MathJax in headless Chromium exactly as Anki's reviewer does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from quotedeck.pipeline import build
from tests.support.anki_collection import cards, fresh_collection, import_apkg, render
from tests.support.chromium import Tab
from tests.support.mathjax import mathjax_page, typeset
from tests.support.random_decks import TYPED, expected_texts, render_random_deck
from tests.support.sources import write_source

ATTACK = r"\(\href{javascript:alert(1)}{\style{position:fixed;width:100vw;height:100vh}{\text{ }}}\)"
DISPLAY = r"\[x^2\] and \(y\) and \begin{equation}z\end{equation} and \ref{a}"
QUOTE = r"The sum \(a+b\) is shown as \[a+b\] here"
HIDDEN = r"\[a+b\]"


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    with mathjax_page(tmp_path_factory.mktemp("mathjax")) as page:
        yield page


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Anki's rendering of each side: the quotedeck card's, and the same note's with its fields raw."""
    root = tmp_path_factory.mktemp("mathjax-deck")
    source = write_source(
        root,
        cards=f"""\
        source:
          text: texts/sample.txt
          title: {json.dumps(DISPLAY)}
        cards:
          - term: {json.dumps(DISPLAY)}
            definition: {json.dumps(ATTACK)}
            quote: {json.dumps(QUOTE)}
            cloze: [{{phrase: {json.dumps(HIDDEN)}, hint: {json.dumps(ATTACK)}}}]
            extra: {json.dumps(ATTACK)}
        """,
        texts={"sample.txt": f"{QUOTE}.\n"},
    )
    report = build(source)
    with fresh_collection(root) as col:
        assert import_apkg(col, report.output).counts() == {"new": 1}
        [card] = cards(col)
        escaped = render(card, with_css=False)
        # The control: the same note with the typed text put into its fields unescaped.
        note = card.note()
        note["Definition"], note["Extra"], note["Term"] = ATTACK, ATTACK, DISPLAY
        col.update_note(note)
        raw = render(card, with_css=False)
    return {"escaped": escaped, "raw": raw}


def test_an_unescaped_field_is_typeset_into_a_javascript_link(tab: Tab, sides: dict[str, tuple[str, str]]) -> None:
    """The harness sees the attack: without escaping, MathJax makes formulas and the link."""
    result = typeset(tab, sides["raw"][1])
    assert result["typeset"] >= 3
    assert result["links"] >= 1
    assert result["texts"]["qd-definition"] != ATTACK


@pytest.mark.parametrize("side", ["front", "back"])
def test_typed_formulas_stay_text_under_mathjax(tab: Tab, sides: dict[str, tuple[str, str]], side: str) -> None:
    result: dict[str, Any] = typeset(tab, sides["escaped"][side == "back"])
    assert (result["typeset"], result["links"]) == (0, 0)
    if side == "front":
        assert result["texts"] == {"qd-quote": QUOTE.replace(HIDDEN, f"[{ATTACK}]"), "qd-clue": ATTACK}
    else:
        assert result["texts"] == {
            "qd-quote": QUOTE,
            "qd-term-name": DISPLAY,
            "qd-definition": ATTACK,
            "qd-extra": ATTACK,
            "qd-source": f"“{DISPLAY}”, paragraph 1",
        }


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(TYPED)
def test_random_markup_stays_text_under_mathjax(tab: Tab, typed: dict[str, str]) -> None:
    """The random decks of tests/random_decks.py, typeset: no formula, no link, the typed text."""
    for card in render_random_deck(typed):
        front, back = typeset(tab, card.question), typeset(tab, card.answer)
        assert (front["typeset"], front["links"], back["typeset"], back["links"]) == (0, 0, 0, 0)
        assert (front["texts"], back["texts"]) == expected_texts(typed, card.card_id)


def test_the_page_is_anki_s_mathjax(tab: Tab) -> None:
    """MathJax 3 with Anki's delimiters: `\\(` and `\\[` typeset, `$` does not."""
    assert tab.evaluate("MathJax.version").startswith("3.")
    result = typeset(tab, r'<div class="qd-quote">\(a\) \[b\] $c$ $$d$$</div>')
    assert result["typeset"] == 2
    assert result["texts"]["qd-quote"].endswith("$c$ $$d$$")


def test_mathjax_is_installed_by_ci() -> None:
    """`.ci/run` installs the MathJax these tests load, at install time."""
    run = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    assert "npm install --prefix .ci/node" in run and "mathjax@3" in run
