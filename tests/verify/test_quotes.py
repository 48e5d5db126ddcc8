from pathlib import Path

import pytest

from quotedeck.verify.quotes import QuoteMatch, QuoteMiss, find_quote, fragments
from quotedeck.verify.texts import normalize, parse_text

TEXT = parse_text(
    Path("t.txt"),
    "First paragraph, with a “curly” quote and it’s\nhard-wrapped   across lines. \n"
    " \n"
    "Second paragraph: one two three four. One two.\n\n\n"
    "Third paragraph: one two three.\n",
)


def test_paragraphs_split_on_blank_and_whitespace_only_lines() -> None:
    assert TEXT.paragraph_count == 3
    assert TEXT.paragraph(2) == "Second paragraph: one two three four. One two."


def test_normalize_folds_whitespace_and_curly_quotes_only() -> None:
    assert normalize(" a\n b\t“c” ‘d’ ") == "a b \"c\" 'd'"
    assert normalize("A—b") == "A—b"  # dashes are not folded


@pytest.mark.parametrize(
    ("quote", "paragraph"),
    [
        ('with a "curly" quote and it\'s hard-wrapped across lines.', 1),
        ("with a “curly” quote and it’s\n   hard-wrapped", 1),
        ("one two three four", 2),
        ("Third paragraph", 3),
        ("Second paragraph: … three four. … One two.", 2),
        ("Second paragraph... One two.", 2),
    ],
)
def test_quote_found_with_its_paragraph(quote: str, paragraph: int) -> None:
    match = find_quote(quote, TEXT)
    assert isinstance(match, QuoteMatch)
    assert match.paragraph == paragraph


def test_repeated_quote_cites_its_first_paragraph() -> None:
    match = find_quote("one two three", TEXT)
    assert isinstance(match, QuoteMatch) and match.paragraph == 2


def test_case_and_spelling_matter() -> None:
    assert isinstance(find_quote("second paragraph", TEXT), QuoteMiss)
    miss = find_quote("Second paragraf: one two three four.", TEXT)
    assert isinstance(miss, QuoteMiss)
    assert miss.paragraph == 2
    assert miss.closest.startswith("Second paragraph: one two three four")
    assert 85 <= miss.similarity < 100


def test_elision_across_paragraphs_is_found_as_a_plain_quote_is_but_must_stay_in_order() -> None:
    across = find_quote("First paragraph … Third paragraph", TEXT)
    assert isinstance(across, QuoteMatch) and (across.paragraph, across.last_paragraph) == (1, 3)
    plain = find_quote("One two. Third paragraph", TEXT)
    assert isinstance(plain, QuoteMatch) and (plain.paragraph, plain.last_paragraph) == (2, 3)
    within = find_quote("Second paragraph … four", TEXT)
    assert isinstance(within, QuoteMatch) and within.paragraph == within.last_paragraph == 2
    reversed_ = find_quote("three four … Second paragraph", TEXT)
    assert isinstance(reversed_, QuoteMiss) and "another order" in reversed_.reason


def test_elision_tries_later_occurrences_of_the_first_fragment() -> None:
    # "one two" first occurs in paragraph 2 without "three." after it in that paragraph's rest.
    match = find_quote("one two … three.", TEXT)
    assert isinstance(match, QuoteMatch) and match.paragraph == 3


def test_fragments_split_on_both_ellipsis_spellings() -> None:
    assert fragments("a … b...c") == ["a", "b", "c"]


def test_a_big_text_is_searched_through_its_word_index_with_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from quotedeck.verify import quotes

    rng = random.Random(7)
    words = ["light", "desire", "the", "heart", "point", "bestowal", "screen", "a", "of", "MAN"]
    paragraphs = [" ".join(rng.choice(words) for _ in range(60)) + "." for _ in range(1000)]
    big = parse_text(Path("big.txt"), "\n\n".join(paragraphs))
    assert len(big.normalized) > quotes.INDEX_FROM
    probes = [paragraphs[500][7:90], paragraphs[999][-40:], "heart point light", "ight desire the heart"]
    probes += [f"{paragraphs[3][:20]} … {paragraphs[3][-15:]}", "no such words here at all", "x the"]
    indexed = [find_quote(probe, big) for probe in probes]
    monkeypatch.setattr(quotes, "INDEX_FROM", 10**12)
    plain = [find_quote(probe, big) for probe in probes]
    assert indexed == plain
    assert [isinstance(m, QuoteMatch) for m in indexed] == [True, True, True, True, True, False, False]
