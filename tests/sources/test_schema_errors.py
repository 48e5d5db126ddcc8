"""Mistakes in what a card file says: keys, types, ids, the deck; all reported in one run."""

from pathlib import Path

import pytest

from tests.support.checking import CARD, HEAD, errors, run
from tests.support.sources import write_source

pytestmark = pytest.mark.usefixtures("in_tmp")

END = "1 error(s); nothing was written"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_unknown_keys_with_did_you_mean(tmp_path: Path) -> None:
    cards = HEAD + CARD.replace("definition:", "defintion:") + "    colour: red\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:6:5: error: unknown key `defintion`",
        "    hint: did you mean `definition`?",
        "cards_source/sample.yaml:8:5: error: unknown key `colour`",
        "    hint: allowed keys: term, definition, quote, also, cloze, id, tags, extra, image, audio",
        "2 error(s); nothing was written",
    ]


def test_unknown_top_level_key(tmp_path: Path) -> None:
    """A misspelt key is one mistake: no `missing key` beside it."""
    assert errors(tmp_path, HEAD.replace("source:", "sorce:") + CARD) == [
        "cards_source/sample.yaml:1:1: error: unknown key `sorce`",
        "    hint: did you mean `source`?",
        END,
    ]


def test_missing_required_keys(tmp_path: Path) -> None:
    cards = HEAD + "  - question: Where is the point?\n    quote: That point is the innermost point\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:5:5: error: missing key `answer`",
        "    hint: add `answer: …`",
        "cards_source/sample.yaml:5:5: error: missing key `cloze`",
        "    hint: add `cloze: …`",
        "2 error(s); nothing was written",
    ]


def test_a_question_without_cloze_is_one_mistake(tmp_path: Path) -> None:
    """Not a second error for its question, looked for in the quote as if it were a phrase."""
    cards = HEAD + "  - question: Where is the point?\n    answer: x\n    quote: That point is the innermost point\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:5:5: error: missing key `cloze`",
        "    hint: add `cloze: …`",
        END,
    ]


def test_missing_source(tmp_path: Path) -> None:
    assert errors(tmp_path, "cards:\n" + CARD) == [
        "cards_source/sample.yaml:1:1: error: missing key `source`",
        "    hint: add `source: …`",
        END,
    ]


def test_number_where_text_is_expected(tmp_path: Path) -> None:
    cards = HEAD + "  - term: 1984\n    definition: 3.5\n    quote: yes\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:5:11: error: expected text, got a number (`1984`)",
        "    hint: put the value in double quotes",
        "cards_source/sample.yaml:6:17: error: expected text, got a number (`3.5`)",
        "    hint: put the value in double quotes",
        "cards_source/sample.yaml:7:12: error: expected text, got true/false (`yes`)",
        "    hint: put the value in double quotes",
        "3 error(s); nothing was written",
    ]


def test_a_list_where_text_is_expected(tmp_path: Path) -> None:
    cards = HEAD + CARD.replace("definition: The place where the Creator is found.", "definition: [a, b]")
    assert errors(tmp_path, cards) == ["cards_source/sample.yaml:6:17: error: expected text, got a list", END]


def test_a_mapping_where_a_list_is_expected(tmp_path: Path) -> None:
    cards = "tags: {heart: 1}\n" + HEAD.replace("cards:\n", "cards:\n  term: x\n")
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:1:7: error: expected a list of tags, got a mapping",
        "    hint: write `tags: [one, two]`",
        "cards_source/sample.yaml:6:3: error: expected a list of cards, got a mapping",
        "    hint: start each card with `- term:` or `- question:`",
        "2 error(s); nothing was written",
    ]


def test_a_card_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert errors(tmp_path, HEAD + "  - the innermost point\n") == [
        "cards_source/sample.yaml:5:5: error: expected a card (a mapping), got text",
        "    hint: start the card with `term:` or `question:`",
        END,
    ]


def test_both_term_and_question(tmp_path: Path) -> None:
    cards = HEAD + CARD + "    question: What is the innermost point?\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:8:5: error: a card has either `term:` or `question:`, not both",
        "    hint: split it into two cards",
        END,
    ]


def test_neither_term_nor_question(tmp_path: Path) -> None:
    cards = HEAD + CARD.replace("  - term: the innermost point\n    definition:", "  - definition:")
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:5:5: error: the card has neither `term:` nor `question:`",
        "    hint: add `term: …` or `question: …`",
        END,
    ]


def test_empty_values(tmp_path: Path) -> None:
    cards = HEAD + "  - term: ''\n    definition: '   '\n    quote:\n    cloze: [innermost, '']\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:5:11: error: the text is empty",
        "    hint: write the text, or remove the key",
        "cards_source/sample.yaml:6:17: error: the text is empty",
        "    hint: write the text, or remove the key",
        "cards_source/sample.yaml:7:11: error: expected text, got nothing",
        "    hint: write the text after the colon, or remove the key",
        "cards_source/sample.yaml:8:24: error: the phrase to hide is empty",
        "    hint: write words of the quote to hide, or remove the empty entry",
        "4 error(s); nothing was written",
    ]


def test_empty_cloze_list(tmp_path: Path) -> None:
    assert errors(tmp_path, HEAD + CARD + "    cloze: []\n") == [
        "cards_source/sample.yaml:8:12: error: the cloze list is empty",
        "    hint: list at least one phrase of the quote",
        END,
    ]


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    assert errors(tmp_path, {"a.yaml": HEAD + CARD, "b.yaml": HEAD + "\n" + CARD}) == [
        "cards_source/b.yaml:6:11: error: duplicate card id `the-innermost-point`: "
        "already used at cards_source/a.yaml:5:11",
        "    hint: give one of the two cards another `id:`",
        END,
    ]


def test_duplicate_explicit_id_points_at_the_id(tmp_path: Path) -> None:
    second = CARD.replace("the innermost point\n", "innermost\n    id: the-innermost-point\n")
    assert errors(tmp_path, HEAD + CARD + second) == [
        "cards_source/sample.yaml:9:9: error: duplicate card id `the-innermost-point`: "
        "already used at cards_source/sample.yaml:5:11",
        "    hint: give one of the two cards another `id:`",
        END,
    ]


@pytest.mark.parametrize(
    ("card_id", "hint"),
    [
        ("The Point", "    hint: write `id: the-point`"),
        ("point--one", "    hint: write `id: point-one`"),
        ("x" * 65, f"    hint: write `id: {'x' * 64}`"),
    ],
    ids=["spaces-and-capitals", "double-dash", "too-long"],
)
def test_ids_not_usable_as_slugs(tmp_path: Path, card_id: str, hint: str) -> None:
    cards = HEAD + CARD + f"    id: {card_id}\n"
    assert errors(tmp_path, cards) == [
        f"cards_source/sample.yaml:8:9: error: `{card_id}` is not a usable id: "
        "use lower-case letters, digits and single dashes, at most 64 characters",
        hint,
        END,
    ]


def test_an_id_cannot_be_made_from_punctuation(tmp_path: Path) -> None:
    cards = HEAD + CARD.replace("term: the innermost point", "term: '…?!'")
    assert errors(tmp_path, cards)[:2] == [
        "cards_source/sample.yaml:5:11: error: cannot make a card id from this text",
        "    hint: add `id: some-name` to the card",
    ]


def test_no_deck_yaml(tmp_path: Path) -> None:
    assert errors(tmp_path, deck=None) == [
        "cards_source/deck.yaml:1:1: error: deck.yaml is missing",
        "    hint: create it with a line `name: My deck`",
        END,
    ]


def test_a_deck_file_with_another_extension_is_named(tmp_path: Path) -> None:
    (tmp_path / "cards_source").mkdir()
    (tmp_path / "cards_source" / "deck.yml").write_text("name: Test Deck\n")
    assert errors(tmp_path, deck=None) == [
        "cards_source/deck.yaml:1:1: error: deck.yaml is missing",
        "    hint: create it with a line `name: My deck`",
        "cards_source/deck.yml:1:1: error: `deck.yml` is not read: quotedeck reads only files ending in `.yaml`",
        "    hint: rename it to `deck.yaml`",
        "2 error(s); nothing was written",
    ]


def test_a_card_file_with_another_extension_is_named(tmp_path: Path) -> None:
    assert errors(tmp_path, {"sample.yml": HEAD + CARD, "Other.YAML": HEAD + CARD}) == [
        "cards_source/Other.YAML:1:1: error: `Other.YAML` is not read: quotedeck reads only files ending in `.yaml`",
        "    hint: rename it to `Other.yaml`",
        "cards_source/sample.yml:1:1: error: `sample.yml` is not read: quotedeck reads only files ending in `.yaml`",
        "    hint: rename it to `sample.yaml`",
        "2 error(s); nothing was written",
    ]


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        (
            '"A::::B"',
            "`A::::B` has an empty deck name around `::`",
            "write names on both sides of each `::`, as in `Parent::Child`",
        ),
        (
            '"::A"',
            "`::A` has an empty deck name around `::`",
            "write names on both sides of each `::`, as in `Parent::Child`",
        ),
        ("'Say \"hi\"'", 'the deck name contains `"`, which Anki removes from deck names', "leave it out"),
        (
            '"Tab\\there"',
            "the deck name contains the control character U+0009, which Anki removes from deck names",
            "leave it out",
        ),
    ],
    ids=["empty-part", "leading-separator", "double-quote", "tab"],
)
def test_deck_names_anki_would_change(tmp_path: Path, name: str, message: str, hint: str) -> None:
    assert errors(tmp_path, deck=f"name: {name}\n") == [
        f"cards_source/deck.yaml:1:7: error: {message}",
        f"    hint: {hint}",
        END,
    ]


def test_a_sub_deck_name_is_checked_too(tmp_path: Path) -> None:
    assert errors(tmp_path, "deck: 'Part One::'\n" + HEAD + CARD) == [
        "cards_source/sample.yaml:1:7: error: `Part One::` has an empty deck name around `::`",
        "    hint: write names on both sides of each `::`, as in `Parent::Child`",
        END,
    ]


def test_no_cards_at_all(tmp_path: Path) -> None:
    assert errors(tmp_path, {}) == [
        "cards_source/deck.yaml:1:7: error: the deck has no cards",
        "    hint: add a card file (any other *.yaml) beside deck.yaml",
        END,
    ]


def test_an_empty_list_of_cards(tmp_path: Path) -> None:
    assert errors(tmp_path, HEAD.replace("cards:", "cards: []")) == [
        "cards_source/sample.yaml:4:8: error: the list of cards is empty",
        "    hint: add a card, or delete the file",
        END,
    ]


def test_every_problem_of_the_run_sorted_by_file_and_line(tmp_path: Path) -> None:
    """A broken deck.yaml does not hide the quotes checked in the card files, and vice versa."""
    bad_quote = CARD.replace("where the Creator is found", "where the Creator hides")
    lines = errors(
        tmp_path,
        {
            "b.yaml": HEAD + CARD.replace("definition:", "defintion:"),
            "a.yaml": HEAD + bad_quote.replace("the innermost point\n", "the point\n"),
        },
        deck="name: Test Deck\ncolour: blue\n",
    )
    assert [line.split(": error: ")[0] for line in lines if ": error: " in line] == [
        "cards_source/a.yaml:7:66",
        "cards_source/b.yaml:6:5",
        "cards_source/deck.yaml:2:1",
    ]
    assert lines[-1] == "3 error(s); nothing was written"


def test_control_characters_are_refused(tmp_path: Path) -> None:
    """U+001F separates fields in Anki's database: inside a field it broke the package."""
    cards = HEAD + CARD.replace("The place where", '"The\\x1fplace where').replace("is found.\n", 'is found."\n', 1)
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:6:17: error: the text contains the control character U+001F",
        "    hint: remove it (YAML escapes such as \\x1f write one); a line break is a new line",
        END,
    ]


@pytest.mark.parametrize("escape", ["\\x80", "\\x85", "\\N", "\\x9b", "\\x9f"])
def test_c1_control_characters_are_refused(tmp_path: Path, escape: str) -> None:
    """C1 controls (U+0080-U+009F) show as nothing on a card; U+009B starts a terminal escape."""
    cards = HEAD + CARD.replace("The place where", f'"The{escape}place where').replace("is found.\n", 'is found."\n', 1)
    code = {"\\N": "0085"}.get(escape, escape[2:].upper().rjust(4, "0"))
    assert errors(tmp_path, cards) == [
        f"cards_source/sample.yaml:6:17: error: the text contains the control character U+{code}",
        "    hint: remove it (YAML escapes such as \\x1f write one); a line break is a new line",
        END,
    ]


@pytest.mark.parametrize("char", ["\x01", "\x9b"])
def test_control_characters_written_as_they_are_are_located(tmp_path: Path, char: str) -> None:
    """YAML refuses them before quotedeck sees the text; the error still says where."""
    cards = HEAD + CARD.replace("The place where", f"The{char}place where")
    assert errors(tmp_path, cards) == [
        f"cards_source/sample.yaml:6:20: error: the file contains the character U+{ord(char):04X}, "
        "which YAML does not allow",
        "    hint: remove it; in double quotes, an escape such as \\u00e9 writes a character",
        END,
    ]


def test_a_damaged_lock_does_not_hide_quote_errors(tmp_path: Path) -> None:
    source = write_source(tmp_path, HEAD + CARD.replace("is found.", "is hidden."))
    lock = source / "quotedeck.lock"
    lock.write_text('{"version": 1,\n "deck": }\n')
    code, out, err = run("check")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "cards_source/quotedeck.lock:2:10: error: the lock file is not valid JSON: Expecting value",
        "    hint: restore it from version control (git checkout -- cards_source/quotedeck.lock)",
        "cards_source/sample.yaml:7:69: error: the quote differs from the text: "
        "it has `hidden.` where the text has `found.` (texts/sample.txt)",
        "    hint: closest passage (paragraph 2, 92% similar): "
        "“That point is the innermost point, where the Creator is found.”",
        "2 error(s); nothing was written",
    ]
    assert lock.read_text() == '{"version": 1,\n "deck": }\n'


def test_what_the_curator_wrote_is_shown_on_one_line(tmp_path: Path) -> None:
    """A key with a line break or a terminal escape in it cannot break the format or the terminal."""
    cards = HEAD + CARD + '    "colour\\nred\\e[31m": x\n'
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:8:5: error: unknown key `colour<U+000A>red<U+001B>[31m`",
        "    hint: allowed keys: term, definition, quote, also, cloze, id, tags, extra, image, audio",
        END,
    ]


def test_a_lock_linked_from_elsewhere_is_not_read(tmp_path: Path) -> None:
    source = write_source(tmp_path)
    (tmp_path / "elsewhere.lock").write_text("{}")
    (source / "quotedeck.lock").symlink_to(tmp_path / "elsewhere.lock")
    code, out, err = run("check")
    assert (code, out, err) == (
        1,
        "",
        "cards_source/quotedeck.lock:1:1: error: quotedeck.lock is a link to a file elsewhere\n"
        "    hint: replace the link with the file\n"
        "1 error(s); nothing was written\n",
    )


def test_a_file_that_is_not_read_is_reported_by_an_up_to_date_build(tmp_path: Path) -> None:
    """Nothing else changed, so the build would otherwise say `up to date` and lose the file."""
    source = write_source(tmp_path)
    assert run("build")[0] == 0
    (source / "more.yml").write_text((source / "sample.yaml").read_text())
    assert run("build") == (
        1,
        "",
        "cards_source/more.yml:1:1: error: `more.yml` is not read: quotedeck reads only files ending in `.yaml`\n"
        "    hint: rename it to `more.yaml`\n"
        "1 error(s); nothing was written\n",
    )
