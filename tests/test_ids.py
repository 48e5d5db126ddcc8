import pytest

from quotedeck.ids import is_valid_id, note_guid, slugify


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
