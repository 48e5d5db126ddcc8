"""Two branches that each add a phrase to one card, merged by git: every phrase keeps a card of its own in Anki.

Each branch hands out the same next cloze number. Git joins both branches' lines of
the lock when nothing else in them touches, so the merged lock can give two phrases
one number; where a line changed on both sides, it leaves conflict markers.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotedeck.cli import main
from tests.support.anki_collection import cards, fresh_collection, import_apkg, notes_by_guid, render
from tests.support.sources import write_source

TEXT = "Alpha bravo charlie delta echo foxtrot golf hotel india juliet.\n"
CARDS = """\
source:
  text: texts/words.txt
  title: Words
cards:
  - question: Which words are these?
    answer: Some of the alphabet.
    quote: "Alpha bravo charlie delta echo foxtrot golf hotel india juliet."
    cloze:
      - alpha
      - delta
      - golf
    id: words
"""
PACKAGE = "build/test-deck.apkg"


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(repo)}
    command = ["git", "-c", "user.name=Curator", "-c", "user.email=curator@example.org", *args]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def build(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def add_phrase(source: Path, after: str, phrase: str) -> None:
    path = source / "words.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(after, f"{after}      - {phrase}\n", 1), encoding="utf-8")


@pytest.fixture
def branches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository where `bravo` (first in the card) and `echo` (last) were each added on a branch
    and built there; `bravo`'s branch is checked out, its package imported into `collection`."""
    monkeypatch.chdir(tmp_path)
    source = write_source(tmp_path, cards={"words.yaml": CARDS}, texts={"words.txt": TEXT})
    (tmp_path / ".gitignore").write_text("build/\n")
    git(tmp_path, "init", "-q", "-b", "main")
    assert build()[0] == 0
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Three phrases")
    git(tmp_path, "checkout", "-q", "-b", "echo")
    add_phrase(source, "    cloze:\n      - alpha\n      - delta\n      - golf\n", "echo")
    assert build()[0] == 0
    git(tmp_path, "commit", "-q", "-am", "Hide echo")
    git(tmp_path, "checkout", "-q", "-b", "bravo", "main")
    add_phrase(source, "    cloze:\n", "bravo")
    assert build()[0] == 0
    git(tmp_path, "commit", "-q", "-am", "Hide bravo")
    return tmp_path


def numbers_in_quote(quote: str) -> list[tuple[int, str]]:
    return sorted((int(number), phrase) for number, phrase in re.findall(r"\{\{c(\d+)::(.*?)\}\}", quote))


def assert_one_card_per_phrase(package: Path, collection: Path, before: Path) -> None:
    """Imported over the package `before` (what the curator already studies), `package` gives each
    of the five phrases a card of its own, and each card hides one phrase."""
    collection.mkdir()
    with fresh_collection(collection) as col:
        import_apkg(col, before)
        assert import_apkg(col, package).counts() == {"updated": 1}
        (note,) = notes_by_guid(col).values()
        numbers = numbers_in_quote(note.fields["Quote"])
        assert sorted(phrase for _, phrase in numbers) == ["Alpha", "bravo", "delta", "echo", "golf"]
        assert len({number for number, _ in numbers}) == 5, numbers
        assert note.card_ords == tuple(number - 1 for number, _ in numbers)
        hidden = [render(card, with_css=False)[0].count('class="cloze"') for card in cards(col)]
        assert hidden == [1] * 5


def test_a_merge_that_gives_two_phrases_one_number_is_repaired(branches: Path) -> None:
    """`-X theirs` takes the other side where both changed a line (the note's digest and mod)
    and keeps both sides' other lines: `bravo` and `echo` both on number 4, no conflict marker."""
    bravo_package = branches / "bravo.apkg"
    (branches / PACKAGE).rename(bravo_package)
    git(branches, "merge", "-q", "-X", "theirs", "echo", "-m", "Merge echo")
    lock = (branches / "cards_source" / "quotedeck.lock").read_text(encoding="utf-8")
    assert '"bravo": 4' in lock and '"echo": 4' in lock and "<<<<<<<" not in lock
    code, _out, err = build()
    assert code == 0
    assert err.splitlines() == [
        "cards_source/words.yaml:5:5: warning: card `words`: quotedeck.lock gave `echo` cloze number 4, "
        "which `bravo` has too; `echo` gets number 5",
        "    hint: a merge of two branches that each added a phrase does this: commit the lock this build writes",
    ]
    assert_one_card_per_phrase(branches / PACKAGE, branches / "anki", bravo_package)
    code, out, err = build()  # the lock it wrote gives each phrase its own number: nothing more to say
    assert (code, err) == (0, "")
    assert out.startswith(f"{PACKAGE} is up to date: 1 notes, 5 cards")


def test_a_lock_with_conflict_markers_says_how_to_go_on_during_the_merge(branches: Path) -> None:
    bravo_package = branches / "bravo.apkg"
    (branches / PACKAGE).rename(bravo_package)
    assert "CONFLICT (content): Merge conflict in cards_source/quotedeck.lock" in git(branches, "merge", "echo")
    code, out, err = build()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "cards_source/quotedeck.lock:13:1: error: the lock file has git's conflict markers: "
        "a merge changed it on both sides",
        "    hint: take either side (git checkout --theirs cards_source/quotedeck.lock, or --ours), then build: "
        "the build gives each new phrase a number of its own",
        "1 error(s); nothing was written",
    ]
    git(branches, "checkout", "--theirs", "cards_source/quotedeck.lock")
    code, _out, err = build()
    assert (code, err) == (0, "")
    assert_one_card_per_phrase(branches / PACKAGE, branches / "anki", bravo_package)
