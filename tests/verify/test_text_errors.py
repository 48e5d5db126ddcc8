"""Mistakes with texts, quotes and clozes: each reported where the curator can fix it."""

import os
from pathlib import Path

import pytest

from quotedeck.pipeline import check
from tests.support.checking import CARD, HEAD, errors, run
from tests.support.sources import TEXT, write_source

pytestmark = pytest.mark.usefixtures("in_tmp")

END = "1 error(s); nothing was written"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def with_text(path: str) -> str:
    return HEAD.replace("texts/sample.txt", path) + CARD


def card(quote: str, cloze: str = "") -> str:
    body = f"  - term: the innermost point\n    definition: x\n    quote: {quote}\n"
    return HEAD + body + (f"    cloze: {cloze}\n" if cloze else "")


# --- texts ---------------------------------------------------------------------------------


def test_missing_text_suggests_the_file_with_another_case(tmp_path: Path) -> None:
    assert errors(tmp_path, with_text("texts/Sample.txt")) == [
        "cards_source/sample.yaml:2:9: error: text file not found: texts/Sample.txt",
        "    hint: did you mean `texts/sample.txt`?",
        END,
    ]


def test_missing_text_suggests_a_close_name(tmp_path: Path) -> None:
    assert errors(tmp_path, with_text("texts/sampel.txt")) == [
        "cards_source/sample.yaml:2:9: error: text file not found: texts/sampel.txt",
        "    hint: did you mean `texts/sample.txt`?",
        END,
    ]


def test_missing_text_folder(tmp_path: Path) -> None:
    assert errors(tmp_path, with_text("text/sample.txt")) == [
        "cards_source/sample.yaml:2:9: error: text file not found: text/sample.txt",
        "    hint: there is no folder `text` beside the card file",
        END,
    ]


@pytest.mark.parametrize("path", ["../outside.txt", "texts/../../outside.txt"])
def test_text_outside_the_source_folder_is_refused(tmp_path: Path, path: str) -> None:
    (tmp_path / "outside.txt").write_text(TEXT)
    assert errors(tmp_path, with_text(path)) == [
        f"cards_source/sample.yaml:2:9: error: `{path}` points outside cards_source",
        "    hint: copy the text into cards_source (e.g. texts/) and cite it there",
        END,
    ]


@pytest.mark.parametrize("path", ["/etc/hostname", "C:/texts/sample.txt"])
def test_absolute_text_path_is_refused(tmp_path: Path, path: str) -> None:
    assert errors(tmp_path, with_text(path)) == [
        "cards_source/sample.yaml:2:9: error: the text path must be relative to the card file",
        "    hint: write a path relative to the card file, such as texts/name.txt",
        END,
    ]


def test_link_leading_out_of_the_source_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text(TEXT)
    (tmp_path / "cards_source" / "texts").mkdir(parents=True)
    (tmp_path / "cards_source" / "texts" / "linked.txt").symlink_to(tmp_path / "outside.txt")
    assert errors(tmp_path, with_text("texts/linked.txt")) == [
        "cards_source/sample.yaml:2:9: error: `texts/linked.txt` points outside cards_source",
        "    hint: copy the text into cards_source (e.g. texts/) and cite it there",
        END,
    ]


def test_link_inside_the_source_folder_is_fine(tmp_path: Path) -> None:
    source = write_source(tmp_path)
    (source / "texts" / "alias.txt").symlink_to(source / "texts" / "sample.txt")
    (source / "sample.yaml").write_text(with_text("texts/alias.txt"))
    assert run("check")[0] == 0


def test_linked_folder_leading_out_is_named(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "sample.txt").write_text(TEXT)
    (tmp_path / "cards_source").mkdir()
    (tmp_path / "cards_source" / "more").symlink_to(tmp_path / "elsewhere")
    assert errors(tmp_path, with_text("more/sample.txt")) == [
        "cards_source/more:1:1: error: `more` is a link to a folder outside cards_source; it is not read",
        "    hint: copy the folder into cards_source instead of linking to it",
        "cards_source/sample.yaml:2:9: error: `more/sample.txt` points outside cards_source",
        "    hint: copy the text into cards_source (e.g. texts/) and cite it there",
        "2 error(s); nothing was written",
    ]


def test_linked_card_file_leading_out_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text(HEAD + CARD)
    (tmp_path / "cards_source").mkdir()
    (tmp_path / "cards_source" / "other.yaml").symlink_to(tmp_path / "other.yaml")
    assert errors(tmp_path, {}) == [
        "cards_source/other.yaml:1:1: error: `other.yaml` is a link to a file outside cards_source; it is not read",
        "    hint: copy the file into cards_source instead of linking to it",
        END,
    ]


def test_windows_separators_are_named(tmp_path: Path) -> None:
    assert errors(tmp_path, with_text("'texts\\sample.txt'")) == [
        "cards_source/sample.yaml:2:9: error: `texts\\sample.txt` uses `\\` between folders",
        "    hint: write `texts/sample.txt`",
        END,
    ]


def test_text_path_that_is_a_folder(tmp_path: Path) -> None:
    assert errors(tmp_path, with_text("texts")) == [
        "cards_source/sample.yaml:2:9: error: `texts` is a folder, not a file",
        "    hint: write a path relative to the card file, such as texts/name.txt",
        END,
    ]


def test_non_utf8_text_says_which_byte(tmp_path: Path) -> None:
    source = tmp_path / "cards_source" / "texts"
    source.mkdir(parents=True)
    (source / "latin.txt").write_bytes("That point is\nthe innermost caf\xe9 point".encode("latin-1"))
    assert errors(tmp_path, with_text("texts/latin.txt")) == [
        "cards_source/texts/latin.txt:2:18: error: the file is not UTF-8: byte 0xe9 at byte offset 31",
        "    hint: re-save the file as UTF-8 in your editor",
        END,
    ]


def test_non_utf8_card_file(tmp_path: Path) -> None:
    (tmp_path / "cards_source").mkdir()
    (tmp_path / "cards_source" / "sample.yaml").write_bytes(
        (HEAD + CARD).replace("Creator", "Cr\xe9ator").encode("cp1252")
    )
    assert errors(tmp_path, {}) == [
        "cards_source/sample.yaml:6:39: error: the file is not UTF-8: byte 0xe9 at byte offset 131",
        "    hint: re-save the file as UTF-8 in your editor",
        END,
    ]


def test_utf16_text_is_named(tmp_path: Path) -> None:
    (tmp_path / "cards_source" / "texts").mkdir(parents=True)
    (tmp_path / "cards_source" / "texts" / "wide.txt").write_text(TEXT, encoding="utf-16")
    assert errors(tmp_path, with_text("texts/wide.txt")) == [
        "cards_source/texts/wide.txt:1:1: error: the file is UTF-16, not UTF-8",
        "    hint: re-save the file as UTF-8 in your editor",
        END,
    ]


def test_bom_and_windows_line_endings_are_accepted_silently(tmp_path: Path) -> None:
    source = write_source(tmp_path)
    for path in (source / "sample.yaml", source / "texts" / "sample.txt", source / "deck.yaml"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert run("check") == (0, "OK: 2 notes, 2 cards in cards_source, every quote found\n", "")


def test_locations_with_a_bom_and_windows_line_endings(tmp_path: Path) -> None:
    source = write_source(tmp_path)
    path = source / "sample.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n").replace(b"answer:", b"answr:"))
    code, _, err = run("check")
    assert code == 1
    assert err.splitlines()[0] == "cards_source/sample.yaml:11:5: error: unknown key `answr`"


def test_empty_text_file(tmp_path: Path) -> None:
    assert errors(tmp_path, texts={"sample.txt": "\n  \n"}) == [
        "cards_source/sample.yaml:2:9: error: the text file sample.txt is empty",
        "    hint: paste the text into it",
        END,
    ]


def test_a_text_too_big_to_read_is_refused_before_reading(tmp_path: Path) -> None:
    (tmp_path / "cards_source" / "texts").mkdir(parents=True)
    with open(tmp_path / "cards_source" / "texts" / "huge.txt", "wb") as handle:
        handle.truncate(65 * 2**20)  # sparse: no disk, no time
    assert errors(tmp_path, with_text("texts/huge.txt")) == [
        "cards_source/texts/huge.txt:1:1: error: the file is 65 MB; quotedeck reads files up to 64 MB",
        "    hint: split it into several files",
        END,
    ]


# --- quotes --------------------------------------------------------------------------------


def test_quote_not_found_shows_the_closest_passage_and_how_similar(tmp_path: Path) -> None:
    assert errors(tmp_path, card("The heart of a person holds a point within it.")) == [
        "cards_source/sample.yaml:7:12: error: the quote is not in the text (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 65% similar): “The human heart holds a point. That point is the”",
        END,
    ]


def test_quote_with_a_typo_names_the_difference(tmp_path: Path) -> None:
    assert errors(tmp_path, card("That point is the inermost point, where the Creator is found.")) == [
        "cards_source/sample.yaml:7:30: error: the quote differs from the text: "
        "it has `inermost` where the text has `innermost` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 98% similar): "
        "“That point is the innermost point, where the Creator is found.”",
        END,
    ]


def test_quote_with_a_missing_word_names_the_gap(tmp_path: Path) -> None:
    assert errors(tmp_path, card("That point is the point, where the Creator is found.")) == [
        "cards_source/sample.yaml:7:26: error: the quote differs from the text: "
        "it has `the` where the text has `the innermost` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 80% similar): "
        "“That point is the innermost point, where the Creator is found.”",
        END,
    ]


def test_invisible_characters_not_folded_are_spelt_out(tmp_path: Path) -> None:
    # A soft hyphen or a zero-width space is folded away (tests/verify/test_invisible.py); a
    # left-to-right mark is not, and the message must show it.
    text = TEXT.replace("innermost point,", "inner\u200emost point,")
    lines = errors(
        tmp_path, card("That point is the innermost point, where the Creator is found."), {"sample.txt": text}
    )
    assert lines[0] == (
        "cards_source/sample.yaml:7:30: error: the quote differs from the text: "
        "it has `innermost` where the text has `inner<U+200E>most` (texts/sample.txt)"
    )


def test_quote_that_starts_inside_a_word_names_the_word(tmp_path: Path) -> None:
    assert errors(tmp_path, card("man heart holds a point.")) == [
        "cards_source/sample.yaml:7:12: error: the quote starts inside the word `human` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 96% similar): “human heart holds a point.”",
        END,
    ]


def test_elided_part_that_ends_inside_a_word_names_the_word(tmp_path: Path) -> None:
    assert errors(tmp_path, card("The human heart … the inner")) == [
        "cards_source/sample.yaml:7:12: error: the part `the inner` ends inside the word `innermost` "
        "(texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 81% similar): “the innermost”",
        END,
    ]


def test_elision_out_of_order_shows_the_order_in_the_text(tmp_path: Path) -> None:
    assert errors(tmp_path, card("where the Creator is found … That point is the innermost point")) == [
        "cards_source/sample.yaml:7:12: error: the parts around the ellipsis appear in another order in the text "
        "(texts/sample.txt)",
        "    hint: in paragraph 2 they come in this order: “That point is the innermost point … where the Creator is"
        " found”",
        END,
    ]


@pytest.mark.parametrize(
    "quote",
    [
        "The Light gives a new force … where the Creator is found",
        '"Light answers “from above.” The human heart holds a point. That point is the innermost point,"',
    ],
)
def test_a_quote_across_paragraphs_elided_or_plain_is_found_with_one_warning(tmp_path: Path, quote: str) -> None:
    write_source(tmp_path, card(quote, "the Creator" if "…" in quote else "innermost point"), {"sample.txt": TEXT})
    assert run("check", "cards_source") == (
        0,
        "OK: 1 notes, 1 cards in cards_source, every quote found\n",
        "cards_source/sample.yaml:7:12: warning: the quote runs across a paragraph break (paragraphs 1 to 2); "
        "the card cites paragraph 1\n"
        "    hint: quote from one paragraph, or make a card for each\n",
    )


def test_parts_of_an_elided_quote_out_of_order_across_paragraphs(tmp_path: Path) -> None:
    assert errors(tmp_path, card("where the Creator is found … The Light gives a new force")) == [
        "cards_source/sample.yaml:7:12: error: the parts around the ellipsis appear in another order in the text "
        "(texts/sample.txt)",
        "    hint: the text has “where the Creator is found” in paragraph 2, "
        "“The Light gives a new force” in paragraph 1",
        END,
    ]


def test_the_closest_passage_never_runs_into_a_paragraph_it_does_not_cite(tmp_path: Path) -> None:
    lines = errors(tmp_path, card('"Light answers “from abov.” The human heart holds a point."'))
    assert lines[1] == "    hint: closest passage (paragraph 2, 69% similar): “The human heart holds a point.”"


def test_elided_part_with_a_typo(tmp_path: Path) -> None:
    assert errors(tmp_path, card("That point is the innermost point, … where the Creater is found")) == [
        "cards_source/sample.yaml:7:59: error: the part `where the Creater is found` differs from the text: "
        "it has `Creater` where the text has `Creator` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 96% similar): “where the Creator is found.”",
        END,
    ]


def test_a_quote_that_occurs_several_times_is_fine_and_cites_the_first(tmp_path: Path) -> None:
    text = "The Light answers.\n\nAgain: The Light answers.\n\nThe Light answers.\n"
    source = write_source(tmp_path, card("The Light answers.", "answers"), {"sample.txt": text})
    checked = check(source, now=1_700_000_000)
    _, plan, problems = checked.deck, checked.plan, list(checked.warnings)
    assert problems == []
    assert plan.notes[0].note.fields[5] == "“A Sample Text”, paragraph 1"


# --- every difference, at its word ----------------------------------------------------------


def test_a_plain_quote_over_two_lines_reports_each_difference_at_its_word(tmp_path: Path) -> None:
    quote = "The human heart holds a spot. That point\n      is the inermost point, where the Creater is found."
    assert errors(tmp_path, card(quote)) == [
        "cards_source/sample.yaml:7:36: error: the quote differs from the text in 3 places: "
        "it has `spot.` where the text has `point.` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 95% similar): "
        "“The human heart holds a point. That point is the innermost point, where the Creator is found.”",
        "cards_source/sample.yaml:8:14: error: the quote also differs here: "
        "it has `inermost` where the text has `innermost`",
        "cards_source/sample.yaml:8:40: error: the quote also differs here: "
        "it has `Creater` where the text has `Creator`",
        "3 error(s); nothing was written",
    ]


def test_a_literal_block_quote_reports_each_difference_at_its_word(tmp_path: Path) -> None:
    quote = "|  # as printed\n      The human heart holds a spot.\n      That point is the inermost point,\n"
    assert errors(tmp_path, card(quote + "      where the Creater is found.")) == [
        "cards_source/sample.yaml:8:31: error: the quote differs from the text in 3 places: "
        "it has `spot.` where the text has `point.` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 95% similar): "
        "“The human heart holds a point. That point is the innermost point, where the Creator is found.”",
        "cards_source/sample.yaml:9:25: error: the quote also differs here: "
        "it has `inermost` where the text has `innermost`",
        "cards_source/sample.yaml:10:17: error: the quote also differs here: "
        "it has `Creater` where the text has `Creator`",
        "3 error(s); nothing was written",
    ]


def test_a_double_quoted_quote_reports_each_difference_at_its_word(tmp_path: Path) -> None:
    quote = '"That point is the \\"inermost\\" point,\n      where the Creater is found."'
    assert errors(tmp_path, card(quote)) == [
        "cards_source/sample.yaml:7:31: error: the quote differs from the text in 2 places: "
        'it has `"inermost"` where the text has `innermost` (texts/sample.txt)',
        "    hint: closest passage (paragraph 2, 95% similar): "
        "“That point is the innermost point, where the Creator is found.”",
        "cards_source/sample.yaml:8:17: error: the quote also differs here: "
        "it has `Creater` where the text has `Creator`",
        "2 error(s); nothing was written",
    ]


def test_where_an_escape_hides_a_word_the_differences_are_listed_at_the_quote(tmp_path: Path) -> None:
    quote = '"That point is the inermost point, where the Cr\\x65ater is found."'
    assert errors(tmp_path, card(quote)) == [
        "cards_source/sample.yaml:7:12: error: the quote differs from the text in 2 places: "
        "it has `inermost` where the text has `innermost`; it has `Creater` where the text has `Creator` "
        "(texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 96% similar): "
        "“That point is the innermost point, where the Creator is found.”",
        END,
    ]


def test_an_elided_quote_reports_the_differences_of_its_second_part_there(tmp_path: Path) -> None:
    quote = "That point is the innermost point, …\n      where the Creater is fond."
    assert errors(tmp_path, card(quote, "innermost")) == [
        "cards_source/sample.yaml:8:17: error: the part `where the Creater is fond.` differs from the text "
        "in 2 places: it has `Creater` where the text has `Creator` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 92% similar): “where the Creator is found.”",
        "cards_source/sample.yaml:8:28: error: the quote also differs here: it has `fond.` where the text has `found.`",
        "2 error(s); nothing was written",
    ]


PARAGRAPH = (
    "When a person first sets out to study the wisdom, he reads slowly and keeps a notebook beside him. "
    "He writes down every word he does not understand, and every question the text raises in him. "
    "Months later he opens the notebook again and finds that most of the questions have answered themselves, "
    "not because he found the answers in a book, but because he became someone who could see them. "
    "This is why the teachers say that the study changes the student before it changes his opinions."
)


def test_a_long_quote_reports_the_first_differences_and_counts_the_rest(tmp_path: Path) -> None:
    changes = [
        ("slowly", "quickly"),
        ("notebook beside", "notepad beside"),
        ("raises in", "raises for"),
        ("Months", "Years"),
        ("someone", "somebody"),
        ("opinions", "views"),
    ]
    quote = PARAGRAPH
    for old, new in changes:
        quote = quote.replace(old, new)
    assert len(quote) > 400  # past the piece the closest passage is looked for with: all of it is compared
    words = quote.split(" ")
    written = "\n      ".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    lines = errors(tmp_path, card(written), {"sample.txt": "A Long Text\n\n" + PARAGRAPH + "\n"})
    assert [line for line in lines if "hint:" not in line] == [
        "cards_source/sample.yaml:8:7: error: the quote differs from the text in 6 places: "
        "it has `quickly` where the text has `slowly` (texts/sample.txt)",
        "cards_source/sample.yaml:8:27: error: the quote also differs here: "
        "it has `notepad` where the text has `notebook`",
        "cards_source/sample.yaml:9:66: error: the quote also differs here: it has `for` where the text has `in`; "
        "and 3 more after it",
        "3 error(s); nothing was written",
    ]


# --- clozes --------------------------------------------------------------------------------


def test_cloze_phrase_not_in_the_quote(tmp_path: Path) -> None:
    assert errors(tmp_path, card("That point is the innermost point", "[innermost, the Creator]")) == [
        "cards_source/sample.yaml:8:24: error: `the Creator` is not in the quote",
        "    hint: a phrase to hide must appear in the quote as whole words (case does not matter)",
        END,
    ]


def test_overlapping_cloze_phrases(tmp_path: Path) -> None:
    assert errors(tmp_path, card("That point is the innermost point", "[innermost point, the innermost]")) == [
        "cards_source/sample.yaml:8:30: error: `the innermost` overlaps `innermost point` in the quote",
        "    hint: phrases to hide must not share words; merge them or pick other words",
        END,
    ]


def test_cloze_that_hides_the_whole_quote(tmp_path: Path) -> None:
    assert errors(tmp_path, card("That point is the innermost point", "['That point is the innermost point']")) == [
        "cards_source/sample.yaml:8:13: error: the cloze would hide the whole quote",
        "    hint: hide a part of the quote, or quote more of the text",
        END,
    ]


def test_term_that_is_the_whole_quote(tmp_path: Path) -> None:
    cards = HEAD + "  - term: the innermost point\n    definition: x\n    quote: the innermost point\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:5:11: error: the cloze would hide the whole quote",
        "    hint: hide a part of the quote, or quote more of the text",
        END,
    ]


def test_no_stray_files_after_a_failed_run(tmp_path: Path) -> None:
    errors(tmp_path, card("Not in the text at all."))
    assert sorted(os.listdir(tmp_path / "cards_source")) == ["deck.yaml", "sample.yaml", "texts"]


def test_a_phrase_listed_twice(tmp_path: Path) -> None:
    """It used to crash (two deletions with the same span cannot be ordered)."""
    assert errors(tmp_path, card("That point is the innermost point", "[innermost, Innermost]")) == [
        "cards_source/sample.yaml:8:24: error: `Innermost` is listed twice (first at line 8)",
        "    hint: remove one: every place the phrase occurs in the quote is hidden already",
        END,
    ]


def test_deck_yaml_linked_from_outside_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "deck.yaml").write_text("name: Elsewhere\n")
    source = write_source(tmp_path, HEAD + CARD)
    (source / "deck.yaml").unlink()
    (source / "deck.yaml").symlink_to(tmp_path / "deck.yaml")
    code, out, err = run("check")
    assert (code, out, err) == (
        1,
        "",
        "cards_source/deck.yaml:1:1: error: deck.yaml is a link to a file outside cards_source\n"
        "    hint: copy the file instead\n"
        "1 error(s); nothing was written\n",
    )


def test_hidden_folders_are_not_read(tmp_path: Path) -> None:
    """Editors and version control keep their own YAML there (.github, .obsidian)."""
    source = write_source(tmp_path)
    (source / ".github").mkdir()
    (source / ".github" / "ci.yaml").write_text("on: push\n")
    assert run("check")[0] == 0
