"""deck.yaml's `order:`: each entry names one cited text; positions stay inside Anki's range."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotedeck.notes.order import MAX_TEXTS, TEXT_ROOM, position
from quotedeck.pipeline import check
from tests.support.checking import errors, run
from tests.support.sources import TEXT, write_source

TWO = {
    "a.yaml": "source: {text: texts/one.txt, title: One}\ncards:\n"
    "  - term: the Light\n    definition: What gives a force.\n"
    '    quote: "The Light gives a new force to the one who asks."\n',
    "b.yaml": "source: {text: texts/two.txt, title: Two}\ncards:\n"
    "  - term: human heart\n    definition: What holds a point.\n"
    '    quote: "The human heart holds a point."\n',
}
TEXTS = {"one.txt": TEXT, "two.txt": TEXT}


def test_an_entry_that_names_no_text_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    deck = "name: Test Deck\norder:\n  - Two\n  - texts/three.txt\n  - texts/two.txt\n"
    lines = errors(tmp_path, TWO, TEXTS, deck)
    assert lines[0].startswith("cards_source/deck.yaml:4:5: error: `texts/three.txt` in `order:` is neither")
    assert "texts/one.txt (“One”)" in lines[1]
    assert lines[2].startswith("cards_source/deck.yaml:5:5: error: `texts/two.txt` is in `order:` twice")


def test_a_title_two_texts_share_must_be_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    same = {"a.yaml": TWO["a.yaml"], "b.yaml": TWO["b.yaml"].replace("title: Two", "title: One")}
    lines = errors(tmp_path, same, TEXTS, "name: Test Deck\norder: [One]\n")
    assert "`One` is the title of several texts (texts/one.txt, texts/two.txt)" in lines[0]


def test_a_text_left_out_of_the_order_comes_last_with_a_warning(tmp_path: Path) -> None:
    source = write_source(tmp_path, TWO, TEXTS, "name: Test Deck\norder: [./texts/two.txt]\n")
    checked = check(source)
    dues = {s.note.card_id: s.due for s in checked.plan.notes}
    assert dues["human-heart"] < TEXT_ROOM <= dues["the-light"]
    assert [w.message for w in checked.warnings] == [
        "the text “One” is not in deck.yaml's `order:`; its new cards come after those listed"
    ]
    code, _, err = run("check", str(source))
    assert code == 0 and "add `- texts/one.txt` to `order:`" in err


def test_order_must_be_a_list_of_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = errors(tmp_path, TWO, TEXTS, "name: Test Deck\norder: texts/one.txt\n")
    assert lines[0] == "cards_source/deck.yaml:2:8: error: expected a list of texts, got text"


@given(st.integers(0, 10**5), st.integers(0, 2**31), st.integers(1, 2**31))
def test_positions_stay_in_anki_s_range_and_in_reading_order(text: int, offset: int, length: int) -> None:
    offset = min(offset, length)
    due = position(text, offset, length)
    assert 0 <= due < 2**31 - 1
    if text < MAX_TEXTS - 1:
        assert due < position(text + 1, 0, length)
    assert position(text, offset // 2, length) <= due
