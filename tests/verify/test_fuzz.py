"""Random card files and texts: quotedeck builds a package Anki imports, or reports
problems at real places; it never fails any other way.

The profile is fixed (derandomized, no example database) so that CI runs the
same examples every time.
"""

from __future__ import annotations

import html
import itertools
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from quotedeck.errors import SourceProblems
from quotedeck.model import Phrase
from quotedeck.notes.escaping import cloze_html, escape_text
from quotedeck.notes.numbering import Deletion
from quotedeck.pipeline import build
from quotedeck.problems import Location, Problem
from quotedeck.sources.yamlnodes import YAML_LINE_BREAK, load_yaml
from quotedeck.verify.cloze import find_phrases, phrase_key
from quotedeck.verify.texts import collapse_whitespace
from tests.support.anki_collection import fresh_collection, import_apkg

FIXED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Words: any characters but whitespace and surrogates; often plain letters, so that
# quotes, phrases and ids are found and cards get built.
ANY_CHAR = st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
LETTERS = st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=7)
WORD = st.one_of(
    st.sampled_from(["the", "point", "heart", "Light", "AT&T", "a<b", "x::y", "}}", "{{c1::", "’s", "“so”", "…"]),
    LETTERS,
    LETTERS,
    LETTERS,
    st.text(ANY_CHAR, min_size=1, max_size=6),
)
WORDS = st.lists(WORD, min_size=1, max_size=10)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
ANY_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)),
    max_leaves=5,
)


@st.composite
def spans(draw: st.DrawFn, words: list[str]) -> list[str]:
    """One to three phrases of `words` that do not overlap and leave a word visible."""
    cuts = sorted(draw(st.sets(st.integers(0, len(words)), min_size=2, max_size=6)))
    ranges = [(a, b) for a, b in itertools.pairwise(cuts) if b - a < len(words)]
    chosen = draw(st.lists(st.sampled_from(ranges), min_size=1, max_size=3, unique=True)) if ranges else []
    return [" ".join(words[a:b]) for a, b in sorted(chosen)][::2] or [words[0]]


@st.composite
def card(draw: st.DrawFn, paragraphs: list[list[str]], card_id: str) -> dict[str, Any]:
    words = draw(st.sampled_from(paragraphs))
    quote_words = words[draw(st.integers(0, max(0, len(words) - 3))) :]
    quote = " ".join(quote_words)
    phrases = draw(spans(quote_words))
    if draw(st.booleans()):
        result = {"term": phrases[0], "definition": " ".join(draw(WORDS)), "quote": quote}
        if draw(st.booleans()):
            result["cloze"] = phrases
    else:
        result = {"question": " ".join(draw(WORDS)) + "?", "answer": " ".join(draw(WORDS)), "quote": quote}
        result["cloze"] = [{"phrase": p, "hint": draw(WORD)} if draw(st.booleans()) else p for p in phrases]
    result["id"] = card_id if draw(st.integers(0, 9)) else draw(WORD)
    return result


def mutate(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any]:
    """Now and then, one mistake a curator could make."""
    cards = data["cards"]
    kind = draw(st.sampled_from(["none"] * 6 + ["value", "key", "drop"]))
    if kind == "none" or not cards:
        return data
    target = cards[draw(st.integers(0, len(cards) - 1))]
    key = draw(st.sampled_from(sorted(target)))
    if kind == "value":
        target[key] = draw(ANY_VALUE)
    elif kind == "key":
        target[draw(ANY_TEXT)] = draw(ANY_VALUE)
    else:
        del target[key]
    return data


@st.composite
def project(draw: st.DrawFn) -> tuple[str, dict[str, str], str]:
    """(text, card files by name, deck.yaml)."""
    paragraphs = draw(st.lists(st.lists(WORD, min_size=3, max_size=12), min_size=1, max_size=4))
    text = "\n\n".join(" ".join(words) for words in paragraphs)
    files = {}
    for number in range(draw(st.integers(1, 2))):
        data = {
            "source": {"text": "texts/t.txt", "title": " ".join(draw(WORDS))},
            "cards": [draw(card(paragraphs, f"card-{number}-{i}")) for i in range(draw(st.integers(1, 4)))],
        }
        body = yaml.safe_dump(mutate(draw, data), allow_unicode=draw(st.booleans()), sort_keys=False)
        if draw(st.integers(0, 19)) == 0:  # a file typed by hand, badly
            lines = body.splitlines(keepends=True)
            at = draw(st.integers(0, len(lines)))
            body = "".join(lines[:at]) + draw(st.text(max_size=30)) + "".join(lines[at:])
        files[f"cards-{number}.yaml"] = body
    name = draw(st.text(min_size=1, max_size=10)) if draw(st.integers(0, 9)) == 0 else "Fuzz"
    deck = yaml.safe_dump({"name": name}, allow_unicode=True)
    return text, files, deck


def assert_at_a_real_place(problem: Problem, source: Path) -> None:
    location: Location = problem.location
    assert location.path.is_relative_to(source), problem
    text = location.path.read_bytes().decode("utf-8-sig", "replace").replace("\r\n", "\n").replace("\r", "\n")
    lines = YAML_LINE_BREAK.split(text)
    assert 1 <= location.line <= len(lines), (problem, len(lines))
    assert 1 <= location.column <= len(lines[location.line - 1]) + 1, (problem, lines[location.line - 1])


@settings(FIXED, max_examples=150)
@given(project())
def test_random_sources_build_or_report_problems_at_real_places(sources: tuple[str, dict[str, str], str]) -> None:
    text, files, deck = sources
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "cards_source"
        (source / "texts").mkdir(parents=True)
        (source / "texts" / "t.txt").write_text(text, encoding="utf-8")
        (source / "deck.yaml").write_text(deck, encoding="utf-8")
        for name, body in files.items():
            (source / name).write_text(body, encoding="utf-8")
        try:
            report = build(source, root / "out.apkg", now=1_700_000_000)
        except SourceProblems as exc:
            event("problems reported")
            assert any(p.is_error for p in exc.problems)
            for problem in exc.problems:
                assert_at_a_real_place(problem, source)
            return
        event("built and imported")
        (root / "anki").mkdir()
        with fresh_collection(root / "anki") as col:
            assert import_apkg(col, report.output).counts() == {"new": report.notes}
            assert col.card_count() == report.cards
            # Independently of the report: one card per distinct cloze number in the fields.
            numbers = [
                len(set(re.findall(r"\{\{c(\d+)::", col.get_note(nid).joined_fields()))) for nid in col.find_notes("")
            ]
            assert col.card_count() == sum(numbers)


QUOTE_CHARS = st.one_of(
    st.sampled_from([*"<>&{}:;'\"…. ab", "::", "}}", "{{", "&amp;", "\u00a0", "’", "c1"]),
    st.characters(exclude_categories=("Cs",)),
)


@settings(FIXED, max_examples=500)
@given(st.lists(st.lists(QUOTE_CHARS, min_size=1, max_size=6).map("".join), min_size=1, max_size=10), st.data())
def test_removing_cloze_markup_gives_back_the_quote(pieces: list[str], data: st.DataObject) -> None:
    quote = collapse_whitespace(" ".join([*pieces, "end"]))  # "end" stays visible
    tokens = quote.split(" ")[:-1]
    assume(tokens)
    chosen = data.draw(spans(tokens))
    hint = st.lists(QUOTE_CHARS, max_size=3).map("".join)
    hints = data.draw(st.lists(hint, min_size=len(chosen), max_size=len(chosen)))
    where = Location(Path("x.yaml"))
    phrases = tuple(Phrase(text, hint.strip(), where) for text, hint in zip(chosen, hints, strict=True))
    ordinals = {phrase_key(p.text): n for n, p in enumerate(phrases, start=1)}
    deletions, problems = find_deletions(quote, phrases, ordinals)
    assume(not problems)  # a phrase that is not whole words, or that overlaps another
    field = cloze_html(quote, deletions)
    # The only markup: the empty element that parts a backslash from MathJax, a hint's line break.
    unparted = field.replace("\\<span></span>", "\\")
    markers = re.findall(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", unparted)
    outside = re.sub(r"\{\{c\d+::.*?\}\}", "", unparted)
    assert "{{" not in outside and "}}" not in outside and "<" not in outside
    for _number, hidden, hint in markers:
        for piece in (hidden, hint):
            assert "::" not in piece and "}}" not in piece and "{{" not in piece
            assert "<" not in piece.replace("<br>", "")
    stripped = re.sub(r"\{\{c\d+::(.*?)(?:::.*?)?\}\}", r"\1", field)
    assert stripped.replace("&#58;", ":") == escape_text(quote)
    assert html.unescape(stripped.replace("\\<span></span>", "\\")) == quote
    assert len(markers) == sum(len(d.spans) for d in deletions)


YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(["\n", "  ", "\t", "- ", ": ", "key", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x "]),
        st.sampled_from(["'", '"', "#", "|", ">", "---\n", "...\n", "? ", "\\", "%YAML 1.1\n", "\ufeff", "\r\n"]),
        st.text(max_size=4),
    ),
    max_size=40,
).map("".join)


@settings(FIXED, max_examples=500)
@given(YAMLISH)
def test_any_text_loads_as_yaml_or_is_a_problem_at_a_real_place(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cards.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        loaded = load_yaml(path)
        if isinstance(loaded, Problem):
            assert_at_a_real_place(loaded, Path(tmp))


def find_deletions(
    quote: str, found: tuple[Phrase, ...], ordinals: dict[str, int]
) -> tuple[list[Deletion], list[Problem]]:
    """The phrases found in the quote, numbered as `ordinals` says."""
    spans, problems = find_phrases(quote, found)
    return [Deletion(ordinals[p.key], p.phrase, p.spans, p.key) for p in spans], problems
