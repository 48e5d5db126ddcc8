"""A lock comes from a repository: whatever is in it, the build says where it is wrong, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quotedeck.cli import main
from tests.support.checking import run
from tests.support.sources import write_source

END = "1 error(s); nothing was written"
HINT = "    hint: restore it from version control (git checkout -- cards_source/quotedeck.lock)"


def built_lock(root: Path) -> dict[str, Any]:
    """The lock a first build writes for tests.support.sources' two cards."""
    write_source(root)
    assert run("build")[0] == 0
    lock: dict[str, Any] = json.loads((root / "cards_source" / "quotedeck.lock").read_text(encoding="utf-8"))
    return lock


def write_lock(root: Path, lock: object) -> None:
    text = json.dumps(lock, indent=1, sort_keys=True, ensure_ascii=False)
    (root / "cards_source" / "quotedeck.lock").write_text(text, encoding="utf-8")


@pytest.fixture
def lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(tmp_path)
    return built_lock(tmp_path)


def build_errors(root: Path) -> list[str]:
    """`quotedeck build`'s stderr lines; it must fail and leave the lock as it was."""
    lock = (root / "cards_source" / "quotedeck.lock").read_bytes()
    code, out, err = run("build")
    assert (code, out) == (1, ""), (code, out, err)
    assert (root / "cards_source" / "quotedeck.lock").read_bytes() == lock
    return err.splitlines()


def test_a_mod_that_is_text_is_reported_where_it_is(tmp_path: Path, lock: dict[str, Any]) -> None:
    lock["notes"]["light-gives"]["mod"] = "..."
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path) == [
        "cards_source/quotedeck.lock:12:4: error: the lock file is damaged: `mod` of card `light-gives` "
        'must be a time in whole seconds before 2100, not `"..."`',
        HINT,
        END,
    ]


def test_half_of_a_character_is_reported_where_it_is(tmp_path: Path, lock: dict[str, Any]) -> None:
    """JSON can escape a lone surrogate (`\\ud800`), which no file can be written with: the build
    that carried it into the next lock failed while writing, with a traceback."""
    lock["notes"]["light-gives"]["retired"] = {"\ud800 a phrase": 7}
    text = json.dumps(lock, indent=1, sort_keys=True)  # ASCII: the half character written `\ud800`
    (tmp_path / "cards_source" / "quotedeck.lock").write_text(text, encoding="utf-8")
    first, *rest = build_errors(tmp_path)
    assert re.fullmatch(r"cards_source/quotedeck\.lock:\d+:4: error: the lock file is damaged: .*", first), first
    assert "a phrase in `retired` of card `light-gives` has half of a character" in first
    assert rest == [HINT, END]


def test_clozes_that_are_null_are_reported_where_they_are(tmp_path: Path, lock: dict[str, Any]) -> None:
    lock["notes"]["the-innermost-point"]["clozes"] = None
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path) == [
        "cards_source/quotedeck.lock:18:4: error: the lock file is damaged: "
        "`clozes` of card `the-innermost-point` must be a JSON object, not `null`",
        HINT,
        END,
    ]


@pytest.mark.parametrize("number", [0, -1, 501, 10**12, 2.0, True])
def test_a_cloze_number_anki_refuses_is_reported(tmp_path: Path, lock: dict[str, Any], number: object) -> None:
    """Anki refuses a whole package with a cloze number of 0, a negative one or a huge one."""
    lock["notes"]["light-gives"]["clozes"]["a new force"] = number
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path) == [
        "cards_source/quotedeck.lock:6:5: error: the lock file is damaged: `clozes` of card `light-gives` "
        f"gives `a new force` the cloze number `{json.dumps(number)}`; numbers go from 1 to 500",
        HINT,
        END,
    ]


def test_a_retired_number_out_of_range_is_reported(tmp_path: Path, lock: dict[str, Any]) -> None:
    lock["notes"]["light-gives"]["retired"] = {"an old phrase": 0}
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path)[0] == (
        "cards_source/quotedeck.lock:16:5: error: the lock file is damaged: `retired` of card `light-gives` "
        "gives `an old phrase` the cloze number `0`; numbers go from 1 to 500"
    )


def test_a_mod_past_what_anki_keeps_is_reported(tmp_path: Path, lock: dict[str, Any]) -> None:
    """Anki keeps a note's mod in 32 bits: 2**32 would reach it as 0, and no edit would ever land."""
    lock["notetypes"]["quotedeck term"]["mod"] = 2**32
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path)[0] == (
        "cards_source/quotedeck.lock:40:4: error: the lock file is damaged: `mod` of notetype `quotedeck term` "
        "must be a time in whole seconds before 2100, not `4294967296`"
    )


def test_a_card_id_that_no_card_can_have_is_reported(tmp_path: Path, lock: dict[str, Any]) -> None:
    """It would be printed as a removed card: a terminal escape in it must not reach the terminal."""
    lock["notes"]["\x1b]0;pwned\x07"] = lock["notes"]["light-gives"]
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path)[0] == (
        "cards_source/quotedeck.lock:4:3: error: the lock file is damaged: `<U+001B>]0;pwned<U+0007>` is not a card id"
    )


def test_an_unknown_or_missing_field_is_reported(tmp_path: Path, lock: dict[str, Any]) -> None:
    lock["notes"]["light-gives"]["colour"] = "red"
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path)[0] == (
        "cards_source/quotedeck.lock:8:4: error: the lock file is damaged: card `light-gives` has an unknown field "
        "`colour`"
    )
    del lock["notes"]["light-gives"]["colour"]
    del lock["notes"]["light-gives"]["guid"]
    write_lock(tmp_path, lock)
    assert build_errors(tmp_path)[0] == (
        "cards_source/quotedeck.lock:4:3: error: the lock file is damaged: card `light-gives` has no `guid`"
    )


# What a damaged field may hold instead: any JSON value, the awkward ones often.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(0, 600)
    | st.sampled_from([0, -1, 1, 500, 501, 2**31, 2**32, 2**63, 2**64, -(2**63), 10**30])
    | st.floats()
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def places(value: object, at: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """The path to every value in a JSON document, the document's own included."""
    found: list[tuple[object, ...]] = [at]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += places(inner, (*at, key))
    return found


@st.composite
def damaged(draw: st.DrawFn, lock: dict[str, Any]) -> tuple[str, object]:
    """The lock with one to three of its values replaced, removed, or given a stray neighbour."""
    document: object = json.loads(json.dumps(lock))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(places(document)))
        if not at:
            document = draw(JSON_VALUES)
            continue
        parent: Any = document
        for key in at[:-1]:
            parent = parent[key]
        how = draw(st.sampled_from(["replace", "remove", "add", "rename"]))
        if how == "replace":
            parent[at[-1]] = draw(JSON_VALUES)
        elif how == "remove":
            del parent[at[-1]]
        elif how == "add":
            parent[draw(st.text(max_size=6))] = draw(JSON_VALUES)
        else:
            parent[draw(st.text(max_size=6))] = parent.pop(at[-1])
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=draw(st.booleans())), document


# Lines a failed build may print: located problems and their hints, and the count.
LOCATED = re.compile(r"^(\S.*:\d+:\d+: (error|warning): .+|    hint: .+|\d+ error\(s\).*; nothing was written)$")


@pytest.fixture(scope="module")
def shared_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("damaged-lock")
    source = write_source(root)
    assert CliRunner().invoke(main, ["build", str(source)]).exit_code == 0
    return source, json.loads((source / "quotedeck.lock").read_text(encoding="utf-8"))


@settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_randomly_damaged_lock_never_gives_a_traceback(
    shared_source: tuple[Path, dict[str, Any]], data: st.DataObject
) -> None:
    source, good = shared_source
    text, _document = data.draw(damaged(good))
    (source / "quotedeck.lock").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(source)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1)
    event(f"exit code {result.exit_code}")
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert lines and all(LOCATED.match(line) for line in lines), result.stderr
        assert re.search(r"quotedeck\.lock:\d+:\d+: error: ", result.stderr), result.stderr
