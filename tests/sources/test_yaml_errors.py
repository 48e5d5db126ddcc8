"""Mistakes in a card file's YAML: each reported where it is, with how to fix it."""

from pathlib import Path

import pytest

from quotedeck.sources.yamlnodes import MAX_DEPTH, load_yaml
from tests.support.checking import CARD, HEAD, errors

pytestmark = pytest.mark.usefixtures("in_tmp")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_syntax_error_at_the_parsers_line_and_column(tmp_path: Path) -> None:
    cards = HEAD + "  - term: the point: of it\n    definition: x\n    quote: y\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:5:20: error: invalid YAML: a `: ` inside text that is not in quotes",
        '    hint: put text that contains ": " in double quotes',
        "1 error(s); nothing was written",
    ]


def test_unclosed_list_names_where_it_was_opened(tmp_path: Path) -> None:
    cards = HEAD + "  - term: the innermost point\n    cloze: [innermost\n    quote: y\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:7:10: error: invalid YAML: while parsing a flow sequence, "
        "did not find expected ',' or ']'",
        "    hint: the list `[` opened at line 6, column 12 needs its `]`",
        "1 error(s); nothing was written",
    ]


def test_unclosed_quotes_name_where_they_were_opened(tmp_path: Path) -> None:
    cards = HEAD + '  - term: "the innermost point\n'
    assert errors(tmp_path, cards) == [
        'cards_source/sample.yaml:5:11: error: invalid YAML: the quote `"` opened here is not closed on its line',
        '    hint: end the value with `"` (a `"` inside it is written `\\"`)',
        "1 error(s); nothing was written",
    ]


def test_an_unclosed_quote_that_a_later_quote_closes_is_found_where_it_opens(tmp_path: Path) -> None:
    """libyaml reads on to the next `"` and stumbles lines below; the mistake is where the quote opened."""
    cards = HEAD + '  - term: x\n    definition: "The place\n    quote: "That point"\n    also: y\n'
    assert errors(tmp_path, cards)[0] == (
        'cards_source/sample.yaml:6:17: error: invalid YAML: the quote `"` opened here is not closed on its line'
    )


@pytest.mark.parametrize(
    ("card", "where", "spaces"),
    [
        ("  - term: x\n    definition: x\n     quote: y\n", "7:6", "5 spaces, the line above 4"),
        ("  - term: x\n   definition: x\n    quote: y\n", "6:4", "3 spaces, the line above 4"),
    ],
)
def test_a_key_indented_wrongly_is_said_so(tmp_path: Path, card: str, where: str, spaces: str) -> None:
    assert errors(tmp_path, HEAD + card) == [
        f"cards_source/sample.yaml:{where}: error: invalid YAML: this key is indented {spaces}",
        "    hint: line the keys of a card up under its first key (the one after `- `)",
        "1 error(s); nothing was written",
    ]


def test_every_broken_card_is_reported_and_the_others_are_checked(tmp_path: Path) -> None:
    """A syntax error sets its card aside: the other cards of the file, and the other files, are checked."""
    broken = (
        HEAD
        + '  - term: a\n    definition: "x\n    quote: y\n'
        + CARD
        + "  - term: b\n    definition: a: b\n    quote: y\n"
        + "  - term: c\n    definition: x\n    quote: not in the text\n"
    )
    other = HEAD + "  - term: d\n    definition: x\n    quote: nor this\n"
    lines = errors(tmp_path, {"a.yaml": broken, "b.yaml": other})
    assert [line.split(": error: ")[0] for line in lines if ": error: " in line] == [
        "cards_source/a.yaml:6:17",
        "cards_source/a.yaml:12:18",
        "cards_source/a.yaml:16:12",
        "cards_source/b.yaml:7:12",
    ]
    assert lines[-1] == "4 error(s); nothing was written"


@pytest.mark.parametrize(
    ("indented", "line", "column"),
    [
        ("\tdefinition: x\n", 6, 1),  # the parser calls this "cannot start any token"
        ("    definition: x\n\tquote: y\n", 7, 1),  # ... and this "violates indentation"
        ("  \tdefinition: x\n", 6, 3),  # after spaces
    ],
    ids=["tab-only", "tab-after-a-line", "spaces-then-tab"],
)
def test_tab_in_indentation(tmp_path: Path, indented: str, line: int, column: int) -> None:
    cards = HEAD + "  - term: x\n" + indented
    assert errors(tmp_path, cards) == [
        f"cards_source/sample.yaml:{line}:{column}: error: a tab character is used for indentation",
        "    hint: indent with spaces",
        "1 error(s); nothing was written",
    ]


def test_tab_inside_a_value_is_fine(tmp_path: Path) -> None:
    """Only indentation must not be a tab; a tab after `key:` is a separator."""
    path = tmp_path / "tab.yaml"
    path.write_text("name:\tTest\n")
    node = load_yaml(path)
    assert not hasattr(node, "message"), node


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    cards = HEAD + CARD + "    definition: Another one.\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:8:5: error: duplicate key `definition` (first at line 6)",
        "    hint: keep only one of them",
        "1 error(s); nothing was written",
    ]


def test_duplicate_top_level_keys_are_refused(tmp_path: Path) -> None:
    cards = "tags: [a]\n" + HEAD + CARD + "tags: [b]\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:9:1: error: duplicate key `tags` (first at line 1)",
        "    hint: keep only one of them",
        "1 error(s); nothing was written",
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [("- term: x\n- term: y\n", "1:1"), ("just some text\n", "1:1"), ("\n\n42\n", "3:1")],
    ids=["list", "text", "number"],
)
def test_document_that_is_not_a_mapping(tmp_path: Path, text: str, where: str) -> None:
    assert errors(tmp_path, text) == [
        f"cards_source/sample.yaml:{where}: error: the file must be a mapping of keys to values",
        "    hint: start lines with `key: value`",
        "1 error(s); nothing was written",
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n\n   # another\n", "\ufeff"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    assert errors(tmp_path, text) == [
        "cards_source/sample.yaml:1:1: error: the file is empty",
        "    hint: add the keys this file needs",
        "1 error(s); nothing was written",
    ]


def test_empty_deck_file(tmp_path: Path) -> None:
    assert errors(tmp_path, deck="") == [
        "cards_source/deck.yaml:1:1: error: the file is empty",
        "    hint: add the keys this file needs",
        "1 error(s); nothing was written",
    ]


def test_aliases_are_refused_where_they_are_used(tmp_path: Path) -> None:
    cards = HEAD + "  - term: &t the innermost point\n    definition: *t\n    quote: That point\n"
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:6:17: error: aliases (*t) are not supported; write the value out",
        "    hint: copy the value (marked `&t` at line 5) here instead of `*t`",
        "1 error(s); nothing was written",
    ]


def test_an_anchor_alone_is_refused_too(tmp_path: Path) -> None:
    cards = HEAD + CARD.replace("definition: ", "definition: &d ")
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:6:17: error: anchors (&d) are not supported",
        "    hint: remove `&d`",
        "1 error(s); nothing was written",
    ]


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 30)]
    assert errors(tmp_path, "\n".join(lines) + "\n") == [
        "cards_source/sample.yaml:2:10: error: aliases (*l0) are not supported; write the value out",
        "    hint: copy the value (marked `&l0` at line 1) here instead of `*l0`",
        "1 error(s); nothing was written",
    ]


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert errors(tmp_path, "cards: &c [*c]\n") == [
        "cards_source/sample.yaml:1:12: error: aliases (*c) are not supported; write the value out",
        "    hint: copy the value (marked `&c` at line 1) here instead of `*c`",
        "1 error(s); nothing was written",
    ]


@pytest.mark.parametrize(
    ("value", "tag"),
    [("!!python/object/apply:os.system [echo hi]", "!!python/object/apply:os.system"), ("!secret x", "!secret")],
    ids=["python", "custom"],
)
def test_tags_are_refused(tmp_path: Path, value: str, tag: str) -> None:
    cards = HEAD + CARD.replace("definition: The place where the Creator is found.", f"definition: {value}")
    assert errors(tmp_path, cards) == [
        f"cards_source/sample.yaml:6:17: error: YAML tags ({tag}) are not supported",
        f"    hint: remove `{tag}`; write plain text",
        "1 error(s); nothing was written",
    ]


def test_explicit_text_tag_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "str.yaml"
    path.write_text("name: !!str 1984\n")
    node = load_yaml(path)
    assert not hasattr(node, "message"), node


def test_several_documents_are_refused(tmp_path: Path) -> None:
    cards = "---\n" + HEAD + CARD + "---\n" + HEAD + CARD
    assert errors(tmp_path, cards) == [
        "cards_source/sample.yaml:9:1: error: the file holds more than one YAML document",
        "    hint: remove the `---` line; put other cards in another file",
        "1 error(s); nothing was written",
    ]


def test_deep_nesting_is_refused_without_crashing(tmp_path: Path) -> None:
    """PyYAML's own composer recurses and kills the interpreter on this file; libyaml
    (since PyYAML 6.0.4) stops at 1000 levels, but the error is still ours, at level 33."""
    depth = 200_000
    assert errors(tmp_path, "cards: " + "[" * depth + "]" * depth + "\n") == [
        f"cards_source/sample.yaml:1:{len('cards: ') + MAX_DEPTH}: error: "
        f"values are nested more than {MAX_DEPTH} levels deep",
        "    hint: a card file needs only a few levels",
        "1 error(s); nothing was written",
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("cards:\n" + "".join(" " * level + "- \n" for level in range(1, 1200)), f"{MAX_DEPTH + 1}:{MAX_DEPTH + 1}"),
        ("cards:\n  " + "- " * 200_000 + "x\n", f"2:{2 * MAX_DEPTH + 1}"),  # 200,000 levels on one line
    ],
    ids=["indented", "one-line"],
)
def test_deep_block_nesting_is_refused_without_crashing(tmp_path: Path, text: str, where: str) -> None:
    assert errors(tmp_path, text) == [
        f"cards_source/sample.yaml:{where}: error: values are nested more than {MAX_DEPTH} levels deep",
        "    hint: a card file needs only a few levels",
        "1 error(s); nothing was written",
    ]
