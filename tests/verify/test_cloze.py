import unicodedata
from pathlib import Path

import pytest

from quotedeck.model import Phrase
from quotedeck.notes.escaping import cloze_html, escape_text
from quotedeck.notes.numbering import Deletion, assign_ordinals
from quotedeck.problems import Location, Problem
from quotedeck.verify.cloze import find_phrases, phrase_key, phrase_pattern

HERE = Location(Path("cards.yaml"), 3, 5)


def phrases(*texts: str) -> tuple[Phrase, ...]:
    return tuple(Phrase(text, "", Location(HERE.path, HERE.line + i, 5)) for i, text in enumerate(texts))


def cut(quote: str, *texts: str) -> str:
    found = phrases(*texts)
    deletions, problems = find_deletions(quote, found, assign_ordinals([phrase_key(p.text) for p in found], {}))
    assert problems == []
    return cloze_html(quote, deletions)


def test_phrase_is_hidden_at_word_boundaries_only() -> None:
    assert cut("A man is human.", "man") == "A {{c1::man}} is human."


def test_matching_ignores_case_whitespace_and_quote_style() -> None:
    assert cut("He said “it’s  Light” again", "IT'S light") == "He said “{{c1::it’s  Light}}” again"


def test_every_occurrence_goes_into_the_same_deletion() -> None:
    assert cut("Light and more light.", "light") == "{{c1::Light}} and more {{c1::light}}."


def test_each_phrase_is_its_own_card() -> None:
    assert cut("ask the Light for a screen", "the Light", "screen") == "ask {{c1::the Light}} for a {{c2::screen}}"


def test_hint_and_separators_inside_a_deletion_are_escaped() -> None:
    quote = "ratio 3::4 and {x}} here"
    found = (Phrase("3::4", "a: ratio", HERE), Phrase("{x}}", "", HERE))
    deletions, problems = find_deletions(quote, found, {"3::4": 1, "{x}}": 2})
    assert problems == []
    assert cloze_html(quote, deletions) == (
        "ratio {{c1::3&#58;&#58;4::a&#58; ratio}} and {{c2::&#123;x&#125;&#125;}} here"
    )


def test_html_in_a_quote_is_text() -> None:
    assert cut("a <b>bold</b> & more", "bold") == "a &lt;b&gt;{{c1::bold}}&lt;/b&gt; &amp; more"
    assert escape_text("x\ny {{c1::z}}") == "x<br>y &#123;&#123;c1::z&#125;&#125;"


def test_missing_overlapping_and_total_phrases_are_problems() -> None:
    quote = "the bottom of the heart"
    keys = {"heart": 1, "the heart": 2, "soul": 3, "the bottom of the heart": 4}
    _, missing = find_deletions(quote, phrases("soul"), keys)
    assert [p.message for p in missing] == ["`soul` is not in the quote"]
    _, overlapping = find_deletions(quote, phrases("heart", "the heart"), keys)
    assert [p.message for p in overlapping] == ["`the heart` overlaps `heart` in the quote"]
    _, whole = find_deletions(quote, phrases("the bottom of the heart"), keys)
    assert [p.message for p in whole] == ["the cloze would hide the whole quote"]


def test_pattern_allows_punctuation_edges() -> None:
    assert phrase_pattern("“Light”").search('the "Light" shines')


def test_ordinals_stay_with_their_phrase_and_are_never_reused() -> None:
    known = {"a": 1, "c": 3, "b": 2}  # live and retired phrases of the note, as the lock gives them
    assert assign_ordinals(["c", "d", "a", "b"], known) == {"c": 3, "d": 4, "a": 1, "b": 2}
    assert assign_ordinals(["x", "y"], {}) == {"x": 1, "y": 2}


def test_a_cloze_hides_the_whole_quote_when_only_punctuation_and_ellipses_show() -> None:
    quote = "“The heart … the soul.”"
    keys = {"the heart": 1, "the soul": 2, "soul": 3}
    _, whole = find_deletions(quote, phrases("The heart", "the soul"), keys)
    assert [p.message for p in whole] == ["the cloze would hide the whole quote"]
    _, partly = find_deletions(quote, phrases("the soul"), keys)  # words before the first deletion
    assert partly == []
    _, partly = find_deletions("the heart … the soul", phrases("the heart", "soul"), keys)  # between two
    assert partly == []


def missing(quote: str, text: str) -> list[str]:
    _, problems = find_deletions(quote, phrases(text), {phrase_key(text): 1})
    return [p.message for p in problems]


NFD = "NFD"


def test_a_combining_mark_belongs_to_its_word() -> None:
    # Decomposed accents: `or` is the end of `señor`, `man` the start of `mañana`.
    assert missing(unicodedata.normalize(NFD, "el señor dice"), "or") == ["`or` is not in the quote"]
    assert missing(unicodedata.normalize(NFD, "hasta mañana"), "man") == ["`man` is not in the quote"]
    # Hebrew points never compose: `כֹּל` is part of `הַכֹּל`.
    assert missing("הַכֹּל לַכֹּל", "כֹּל") == ["`כֹּל` is not in the quote"]
    assert cut("הַכֹּל כֹּל", "כֹּל") == "הַכֹּל {{c1::כֹּל}}"


@pytest.mark.parametrize(("quote_form", "phrase_form"), [("NFD", "NFC"), ("NFC", "NFD"), ("NFD", "NFD")])
def test_a_phrase_matches_with_accents_composed_or_not(quote_form: str, phrase_form: str) -> None:
    quote = unicodedata.normalize(quote_form, "Buenos días, señor Núñez.")
    phrase = unicodedata.normalize(phrase_form, "señor núñez")
    shown = cut(quote, phrase)
    start = quote.index(", ") + 2
    assert shown == quote[:start] + "{{c1::" + quote[start:-1] + "}}."  # the quote as written
    assert unicodedata.normalize("NFC", shown) == "Buenos días, {{c1::señor Núñez}}."


def find_deletions(
    quote: str, found: tuple[Phrase, ...], ordinals: dict[str, int]
) -> tuple[list[Deletion], list[Problem]]:
    """The phrases found in the quote, numbered as `ordinals` says."""
    spans, problems = find_phrases(quote, found)
    return [Deletion(ordinals[p.key], p.phrase, p.spans, p.key) for p in spans], problems


@pytest.mark.parametrize(
    ("keys", "live", "expected"),
    [
        (["patents"], {"software patents": 1}, {"patents": 1}),  # a term renamed
        (["the light"], {"a new force": 1}, {"the light": 1}),  # the one blank of a card reworded
        (["new force", "the one who asks"], {"a new force": 1, "the one who asks": 2}, {"new force": 1}),
        (["the light", "the one who asks"], {"a new force": 1, "the one who asks": 2}, {"the light": 3}),
        (["innermost point", "a point"], {"inermost point": 1, "the point": 2}, {"innermost point": 1, "a point": 2}),
    ],
)
def test_a_reworded_phrase_takes_the_number_of_the_one_it_replaces(
    keys: list[str], live: dict[str, int], expected: dict[str, int]
) -> None:
    numbers = assign_ordinals(keys, live, live)
    assert {key: numbers[key] for key in expected} == expected
    assert len(set(numbers.values())) == len(numbers)


def test_a_retired_phrase_is_never_taken_for_a_reworded_one() -> None:
    retired = {"a new force": 1}
    assert assign_ordinals(["the light"], {"the one who asks": 2}, retired) == {"the light": 2}
    assert assign_ordinals(["the light"], {"x": 3, "the one who asks": 2}, retired) == {"the light": 4}
