"""Decks citing one text of any kind: check them, and read what each card cites."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quotedeck import pipeline
from quotedeck.errors import SourceProblems
from tests.support.checking import run


def deck_citing(root: Path, text: Path, quotes: list[str], url: str = "") -> Path:
    """`root/cards_source` with `text` copied into texts/ and a question card for each quote."""
    source = root / "cards_source"
    (source / "texts").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(text, source / "texts" / text.name)
    (source / "deck.yaml").write_text("name: Texts\n", encoding="utf-8")
    cards = [
        f"  - question: Question {n}?\n    answer: An answer.\n    quote: {_scalar(q)}\n"
        f"    cloze: {_scalar(q.split()[-1].strip('.,'))}\n"
        for n, q in enumerate(quotes)
    ]
    link = f"  url: {url}\n" if url else ""
    body = f"source:\n  text: texts/{text.name}\n  title: The Text\n{link}cards:\n" + "".join(cards)
    (source / "cards.yaml").write_text(body, encoding="utf-8")
    return source


def _scalar(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def citations(source: Path) -> list[str]:
    """Each card's Source field (question cards: the fifth), in order; fails on any problem."""
    try:
        checked = pipeline.check(source)
    except SourceProblems as exc:
        raise AssertionError("\n".join(p.message + " / " + p.hint for p in exc.problems)) from None
    return [stamped.note.fields[4] for stamped in checked.plan.notes]


def failure(source: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What `quotedeck build` says on stderr: it must exit 1 and write nothing."""
    monkeypatch.chdir(source.parent)
    before = sorted(source.parent.rglob("*"))
    code, out, err = run("build", source.name)
    assert code == 1, (code, out, err)
    assert sorted(source.parent.rglob("*")) == before
    return err.splitlines()
