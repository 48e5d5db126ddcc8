"""quotedeck.preview.render draws every card exactly as Anki does, so the preview shows the truth."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotedeck.pipeline import check
from quotedeck.preview.render import (
    TemplateError,
    cloze_numbers,
    encode_attribute,
    hidden_texts,
    render_cloze,
    render_note,
    render_template,
)
from tests.support.decks import AnkiCard


def _body(rendered: str) -> str:
    """The card's HTML without Anki's leading <style>, whitespace runs made one space."""
    without_style = re.sub(r"<style>.*?</style>", "", rendered, flags=re.DOTALL)
    return " ".join(without_style.split())


@pytest.mark.parametrize("deck", ["shipped", "stress"])
def test_every_card_renders_as_anki_renders_it(
    deck: str, deck_sources: dict[str, Path], rendered_by_anki: dict[str, list[AnkiCard]]
) -> None:
    checked = check(deck_sources[deck])
    _, the_plan, _ = checked.deck, checked.plan, list(checked.warnings)
    ours = {(s.note.guid, card.ordinal): card for s in the_plan.notes for card in render_note(s.note)}
    theirs = {(card.guid, card.ordinal): card for card in rendered_by_anki[deck]}
    assert sorted(ours) == sorted(theirs), "quotedeck and Anki disagree about which cards exist"
    differences = []
    for key, anki_card in theirs.items():
        mine = ours[key]
        for side, expected, actual in (
            ("front", anki_card.question, mine.front),
            ("back", anki_card.answer, mine.back),
        ):
            if _body(expected) != _body(actual):
                differences.append(f"{anki_card.name} {side}:\n  anki: {_body(expected)}\n  ours: {_body(actual)}")
    assert not differences, "\n".join(differences)
    # Whitespace aside they agree; in fact they agree byte for byte.
    assert all(theirs[k].question_text == ours[k].front and theirs[k].answer_text == ours[k].back for k in theirs)


def test_front_hides_the_active_cloze_with_its_hint_or_dots() -> None:
    field = "a {{c1::one}} b {{c2::two::a hint}} c {{c1::uno}}"
    assert render_cloze(field, 1, question=True) == (
        'a <span class="cloze" data-cloze="one" data-ordinal="1">[...]</span> b '
        '<span class="cloze-inactive" data-ordinal="2">two</span> c '
        '<span class="cloze" data-cloze="uno" data-ordinal="1">[...]</span>'
    )
    assert render_cloze(field, 2, question=True) == (
        'a <span class="cloze-inactive" data-ordinal="1">one</span> b '
        '<span class="cloze" data-cloze="two" data-ordinal="2">[a hint]</span> c '
        '<span class="cloze-inactive" data-ordinal="1">uno</span>'
    )


def test_back_reveals_the_active_cloze() -> None:
    assert render_cloze("x {{c2::two::hint}}", 2, question=False) == 'x <span class="cloze" data-ordinal="2">two</span>'


def test_a_card_whose_cloze_is_missing_renders_empty_as_in_anki() -> None:
    assert render_cloze("x {{c1::one}}", 3, question=True) == ""
    assert render_cloze("no cloze", 1, question=False) == ""


def test_cloze_helpers() -> None:
    field = "{{c3::a}} {{c1::b::h}} {{c3::c}}"
    assert cloze_numbers(field) == [3, 1]
    assert hidden_texts(field, 3) == ("a", "c")


def test_encode_attribute_matches_anki_on_every_kind_of_character() -> None:
    # Observed from anki 26.9.3 (htmlescape's encode_attribute): named entities for & " < >,
    # hex for other non-alphanumerics below U+0100, everything else as is.
    assert encode_attribute("a b&\"<>'/;ü—א") == "a&#x20;b&amp;&quot;&lt;&gt;&#x27;&#x2F;&#x3B;&#xFC;—א"


@given(st.text(st.characters(exclude_categories=("Cc", "Cs"))))  # card text holds no control characters
def test_encode_attribute_round_trips(text: str) -> None:
    encoded = encode_attribute(text)
    assert html.unescape(encoded) == text
    assert '"' not in encoded and "<" not in encoded


def test_sections_show_their_content_only_when_the_field_is_filled() -> None:
    template = "{{#A}}[{{A}}]{{/A}}{{^A}}no A{{/A}}{{#B}}[{{B}}]{{/B}}{{^B}}no B{{/B}}"
    assert render_template(template, {"A": "x", "B": " <br> "}, 1, question=True) == "[x]no B"


def test_unknown_fields_filters_and_broken_sections_are_errors() -> None:
    with pytest.raises(TemplateError, match="unknown field `C`"):
        render_template("{{C}}", {"A": ""}, 1, question=True)
    with pytest.raises(TemplateError, match="filter `text:`"):
        render_template("{{text:A}}", {"A": ""}, 1, question=True)
    with pytest.raises(TemplateError, match="not closed"):
        render_template("{{#A}}", {"A": ""}, 1, question=True)
    with pytest.raises(TemplateError, match="closes no open section"):
        render_template("{{/A}}", {"A": ""}, 1, question=True)
