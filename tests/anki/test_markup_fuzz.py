"""Random decks full of markup: every card Anki renders shows exactly what was typed, and nothing acts.

Each example is a whole deck (see tests/random_decks.py), built, imported into a
real Anki collection and rendered by Anki's own renderer, so examples are few.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.support.card_text import live_markup, read_page
from tests.support.random_decks import TYPED, expected_texts, render_random_deck


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(TYPED)
def test_every_card_shows_the_typed_markup_as_text(typed: dict[str, str]) -> None:
    for card in render_random_deck(typed):
        assert card.sounds == 0
        assert live_markup(card.question) == [] and live_markup(card.answer) == []
        assert (read_page(card.question).texts, read_page(card.answer).texts) == expected_texts(typed, card.card_id)
