import unicodedata
from pathlib import Path

import pytest

from quotedeck.verify.quotes import QuoteMatch, QuoteMiss, find_quote, fragments
from quotedeck.verify.texts import SourceText, normalize, parse_text

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


def last(match: QuoteMatch, text: SourceText = TEXT) -> int:
    """The paragraph a found quote ends in."""
    return text.paragraph_at(match.end - 1)


class where:
    """Equal to a QuoteMatch that starts in this paragraph at this offset, wherever it ends."""

    def __init__(self, paragraph: int, start: int) -> None:
        self.at = (paragraph, start)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QuoteMatch) and (other.paragraph, other.start) == self.at

    def __repr__(self) -> str:
        return f"where{self.at}"


def test_case_and_spelling_matter() -> None:
    assert isinstance(find_quote("second paragraph", TEXT), QuoteMiss)
    miss = find_quote("Second paragraf: one two three four.", TEXT)
    assert isinstance(miss, QuoteMiss)
    assert miss.paragraph == 2
    assert miss.closest.startswith("Second paragraph: one two three four")
    assert 85 <= miss.similarity < 100


def test_elision_across_paragraphs_is_found_as_a_plain_quote_is_but_must_stay_in_order() -> None:
    across = find_quote("First paragraph … Third paragraph", TEXT)
    assert isinstance(across, QuoteMatch) and (across.paragraph, last(across)) == (1, 3)
    plain = find_quote("One two. Third paragraph", TEXT)
    assert isinstance(plain, QuoteMatch) and (plain.paragraph, last(plain)) == (2, 3)
    within = find_quote("Second paragraph … four", TEXT)
    assert isinstance(within, QuoteMatch) and within.paragraph == last(within) == 2
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
    first, last = paragraphs[3][:20].rsplit(" ", 1)[0], paragraphs[3][-15:].split(" ", 1)[1]  # whole words
    probes += [f"{first} … {last}", "no such words here at all", "x the"]
    indexed = [find_quote(probe, big) for probe in probes]
    monkeypatch.setattr(quotes, "INDEX_FROM", 10**12)
    plain = [find_quote(probe, big) for probe in probes]
    assert indexed == plain
    # "ight desire …" starts inside the word "light".
    assert [isinstance(m, QuoteMatch) for m in indexed] == [True, True, True, False, True, False, False]


LAW = parse_text(
    Path("law.txt"),
    "All women are equal before the law. “The law.” She was unable to rise above his ego, said the lawyer.\n\n"
    "The law, he said, is “what we make it.”\n",
)


@pytest.mark.parametrize(
    ("quote", "reason"),
    [
        ("men are equal before the law", "the quote starts inside the word `women`"),
        ("able to rise above his ego", "the quote starts inside the word `unable`"),
        ("All women are equal before the la", "the quote ends inside the word `law`"),
        ("said the law", "the quote ends inside the word `lawyer`"),
        ("omen are equal before th", "the quote starts inside the word `women` and ends inside the word `the`"),
        ("All women … to ris", "the part `to ris` ends inside the word `rise`"),
        ("nable to rise … his ego", "the part `nable to rise` starts inside the word `unable`"),
    ],
)
def test_a_quote_must_start_and_end_at_word_boundaries(quote: str, reason: str) -> None:
    miss = find_quote(quote, LAW)
    assert isinstance(miss, QuoteMiss)
    assert miss.reason == reason
    assert miss.paragraph == 1 and miss.closest in LAW.paragraph(1)
    assert 0 < miss.similarity < 100


@pytest.mark.parametrize(
    "quote",
    [
        "women are equal before the law.",
        "the law. “The",
        "“The law.”",
        'law." She was',
        ", said the lawyer.",
        "… said the lawyer",
        "said the lawyer.",
        "The law, … “what we make it.”",
        "unable … his ego, said",
    ],
)
def test_quotes_at_word_boundaries_and_punctuation_edges_are_found(quote: str) -> None:
    assert isinstance(find_quote(quote, LAW), QuoteMatch)


def test_a_later_whole_word_occurrence_is_found_after_one_inside_a_word() -> None:
    text = parse_text(Path("t.txt"), "Women are equal. Then men are equal too.\n")
    assert find_quote("men are equal", text) == where(1, 22)


@pytest.mark.parametrize(("text_form", "quote_form"), [("NFD", "NFC"), ("NFC", "NFD"), ("NFD", "NFD")])
def test_accents_composed_or_not_match(text_form: str, quote_form: str) -> None:
    text = parse_text(Path("t.txt"), unicodedata.normalize(text_form, "Buenos días, señor.\n\nHasta mañana.\n"))
    assert text.decomposed == (text_form == "NFD")
    assert find_quote(unicodedata.normalize(quote_form, "Hasta mañana."), text) == where(2, 20)
    miss = find_quote(unicodedata.normalize(quote_form, "Hasta man"), text)  # not `ma` and `n` of `mañana`
    assert isinstance(miss, QuoteMiss)
    assert miss.reason.startswith("the quote differs from the text: it has `man` where the text has `mañana.`")
    assert miss.reason.endswith("(the text uses decomposed accents)") == text.decomposed


def test_a_miss_in_accents_says_the_text_uses_decomposed_accents() -> None:
    text = parse_text(Path("t.txt"), unicodedata.normalize("NFD", "Buenos días, señor, hasta mañana.\n"))
    miss = find_quote("Buenos días, senor, hasta mañana.", text)
    assert isinstance(miss, QuoteMiss)
    assert miss.reason == (
        "the quote differs from the text: it has `senor,` where the text has `señor,`"
        " (the text uses decomposed accents)"
    )
    composed = parse_text(Path("t.txt"), "Buenos días, señor, hasta mañana.\n")
    plain = find_quote("Buenos días, senor, hasta mañana.", composed)
    assert isinstance(plain, QuoteMiss) and plain.reason.endswith("where the text has `señor,`")


def test_hebrew_points_belong_to_their_word() -> None:
    text = parse_text(Path("t.txt"), "הַכֹּל בְּיָדֵי שָׁמַיִם\n")
    miss = find_quote("כֹּל בְּיָדֵי", text)
    assert isinstance(miss, QuoteMiss) and miss.reason == "the quote starts inside the word `הַכֹּל`"
    ends = find_quote("הַכֹּל בְּיָדֵי שָׁ", text)  # the last letter without its points
    assert isinstance(ends, QuoteMiss) and ends.reason == "the quote ends inside the word `שָׁמַיִם`"
    assert find_quote("הַכֹּל בְּיָדֵי", text) == where(1, 0)


WORDS = [f"w{i}" for i in range(120_000)]
LONG = parse_text(Path("long.txt"), " ".join(WORDS) + ".\n\nw3 w1 w118002.\n")
PARTS = WORDS[::2]  # 60,000 parts, each a word of the first paragraph


@pytest.mark.parametrize(
    ("parts", "reason", "hint"),
    [
        ([*PARTS[:59000], "wx", *PARTS[59001:]], "the part `wx` is not in the text", ""),
        (
            [*PARTS[:59000], PARTS[59001], PARTS[59000], *PARTS[59002:]],
            "the parts around the ellipsis are not in the text's order in one paragraph",
            "the first 59001 parts come in order in paragraph 1, but not “w118000” after them;"
            " it comes earlier in that paragraph",
        ),
        (
            [*PARTS[:5], "w3 w1", *PARTS[5:]],
            "the parts around the ellipsis are not in the text's order in one paragraph",
            "the first 5 parts come in order in paragraph 1, but not “w3 w1” after them;"
            " the text has it in paragraph 2",
        ),
    ],
)
def test_an_elided_quote_of_many_parts_is_explained_by_the_part_where_it_stops(
    parts: list[str], reason: str, hint: str
) -> None:
    """Each part searched for in the whole text, or listed in the message, would be
    quadratic work (a minute for this quote) and a message of megabytes."""
    miss = find_quote(" … ".join(parts), LONG)
    assert isinstance(miss, QuoteMiss)
    assert (miss.reason, miss.hint) == (reason, hint)
    assert len(miss.closest) < 100


def test_an_elided_quote_of_many_parts_is_found() -> None:
    assert find_quote(" … ".join(PARTS), LONG) == where(1, 0)
    assert find_quote(" … ".join(["w3 w1", "w118002."]), LONG) == where(2, LONG.paragraph_starts[1])
