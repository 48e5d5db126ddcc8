import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotedeck.notes.identity import base91, note_guid
from quotedeck.sources.ids import is_valid_id, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("the Light", "the-light"),
        ("What is a prayer from the bottom of the heart?", "what-is-a-prayer-from-the-bottom-of-the-heart"),
        ("Kli (כלי)", "kli"),
        ("Élan vital", "elan-vital"),
        ("MAN", "man"),
        ("כלי", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_long_slugs_are_cut_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 64 and slug.endswith("word") and is_valid_id(slug)


@pytest.mark.parametrize(
    ("card_id", "valid"), [("the-light", True), ("The-Light", False), ("a--b", False), ("a_b", False)]
)
def test_valid_ids(card_id: str, valid: bool) -> None:
    assert is_valid_id(card_id) is valid


def test_guid_depends_on_deck_and_id_only() -> None:
    assert note_guid("Deck", "the-light") == note_guid("Deck", "the-light")
    assert note_guid("Deck", "the-light") != note_guid("Deck", "the-creator")
    assert note_guid("Deck", "the-light") != note_guid("Other", "the-light")
    assert " " not in note_guid("Deck", "x")


def base91_digit_by_digit(number: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
    digits = []
    while number:
        number, rest = divmod(number, 91)
        digits.append(alphabet[rest])
    return "".join(reversed(digits)) or "a"


@given(st.one_of(st.integers(0, 91**3), st.integers(0, 2**64 - 1)))
def test_base91_writes_the_digits_one_at_a_time_would(number: int) -> None:
    assert base91(number) == base91_digit_by_digit(number)


def test_guids_stay_what_they_were() -> None:
    """A note's GUID is its identity in every collection that imported it: it must never change."""
    assert note_guid("Laitman::Awakening from Below", "the-bottom-of-the-heart") == "gyqJqAt-gB"
