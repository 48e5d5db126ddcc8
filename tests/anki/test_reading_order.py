"""New cards come in reading order, through Anki's own importer and v3 scheduler."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from anki.collection import Collection

from quotedeck.pipeline import build
from tests.support.anki_collection import card_history, fresh_collection, import_apkg, review
from tests.support.sources import write_source

SHIPPED = Path(__file__).resolve().parents[2] / "cards_source"
ORDER_GATHERED = 1  # DeckConfig.Config.NewCardSortOrder.NEW_CARD_SORT_ORDER_NO_SORT


def study_deck(col: Collection, deck: str, *, sort_order: int | None = ORDER_GATHERED) -> None:
    """Make `deck` the one studied, with room for every new card today."""
    deck_id = col.decks.id_for_name(deck)
    assert deck_id
    col.decks.select(deck_id)
    config = col.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = 9999
    if sort_order is not None:
        config["newSortOrder"] = sort_order
    col.decks.update_config(config)


def next_new_cards(col: Collection, count: int | None = None) -> list[tuple[str, int, int]]:
    """Ask the scheduler for the next card `count` times (all, when None), answering each Easy
    (so it leaves today's queue): each card's source citation, cloze number and note id."""
    seen = []
    while count is None or len(seen) < count:
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            break
        card = col.get_card(queued.cards[0].card.id)
        assert card.type == 0, "only new cards are asked for here"
        note = card.note()
        seen.append((note["Source"], card.ord + 1, note.id))
        review(col, card.id, 4)
    return seen


def cited(source: str) -> tuple[str, int]:
    """“Title”, paragraph N -> (title, N)."""
    found = re.search(r"“(.*)”, paragraph (\d+)", source)
    assert found, source
    return found.group(1), int(found.group(2))


def test_the_shipped_deck_is_studied_in_its_declared_order(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "cards_source")
    report = build(tmp_path / "cards_source")
    with fresh_collection() as col:
        import_apkg(col, report.output)
        study_deck(col, "Laitman::Awakening from Below")
        seen = next_new_cards(col)
    assert len(seen) == report.cards
    places = [cited(source) for source, _, _ in seen]
    titles = list(dict.fromkeys(title for title, _ in places))
    assert titles == ["Going Towards Each Other", "From the Bottom of the Heart"]
    order = [(titles.index(title), paragraph) for title, paragraph in places]
    assert order == sorted(order)
    # Each note's cards come by cloze number; those of notes quoting the same place may mix.
    notes = [note_id for _, _, note_id in seen]
    for note_id in set(notes):
        ordinals = [ordinal for _, ordinal, nid in seen if nid == note_id]
        assert ordinals == sorted(ordinals)
    assert any(ordinal == 2 for _, ordinal, _ in seen)


def test_anki_default_order_introduces_each_text_in_turn(tmp_path: Path) -> None:
    """With Anki's default sort ("card type, then order gathered") the first clozes of the
    day come before the second ones, and still in reading order."""
    shutil.copytree(SHIPPED, tmp_path / "cards_source")
    report = build(tmp_path / "cards_source")
    with fresh_collection() as col:
        import_apkg(col, report.output)
        study_deck(col, "Laitman::Awakening from Below", sort_order=None)
        seen = next_new_cards(col)
    firsts = [cited(source) for source, ordinal, _ in seen if ordinal == 1]
    titles = list(dict.fromkeys(title for title, _ in firsts))
    assert titles == ["Going Towards Each Other", "From the Bottom of the Heart"]
    assert [(titles.index(t), p) for t, p in firsts] == sorted((titles.index(t), p) for t, p in firsts)


def paragraphs(name: str, count: int) -> str:
    return "\n\n".join(f"{name} paragraph {n} says something of its own, number {n}." for n in range(1, count + 1))


def card(name: str, n: int, *, clozes: int = 1) -> str:
    cloze = ["says something", "of its own"][:clozes]
    return f"""\
  - question: What does paragraph {n} of {name} say?
    answer: Something of its own.
    quote: "{name} paragraph {n} says something of its own, number {n}."
    cloze: [{", ".join(cloze)}]
    id: {name.lower()}-{n}
"""


def card_file(name: str, numbers: list[int]) -> str:
    head = f"source:\n  text: texts/{name.lower()}.txt\n  title: {name}\ncards:\n"
    return head + "".join(card(name, n, clozes=2 if n == 4 else 1) for n in numbers)


THREE_TEXTS = {
    "alpha.txt": paragraphs("Alpha", 6),
    "beta.txt": paragraphs("Beta", 6),
    "gamma.txt": paragraphs("Gamma", 6),
}
# Card files in path order cite Gamma, then Alpha, then Beta, each with its cards shuffled;
# deck.yaml reads Beta (by title), then Gamma and Alpha (by path).
ORDERED_DECK = "name: Three Texts\norder: [Beta, texts/gamma.txt, texts/alpha.txt]\n"


def test_three_texts_come_in_order_and_a_card_added_later_comes_at_its_place(tmp_path: Path) -> None:
    cards = {
        "1-gamma.yaml": card_file("Gamma", [5, 1, 3]),
        "2-alpha.yaml": card_file("Alpha", [2, 6, 4]),
        "3-beta.yaml": card_file("Beta", [6, 2, 4]),
    }
    source = write_source(tmp_path, cards=cards, texts=THREE_TEXTS, deck=ORDERED_DECK)
    first = build(source)
    with fresh_collection(tmp_path) as col:
        import_apkg(col, first.output)
        study_deck(col, "Three Texts")
        studied = next_new_cards(col, 4)  # Beta 2, Beta 4 (two clozes), Beta 6
        assert [(cited(s), o) for s, o, _ in studied] == [
            (("Beta", 2), 1),
            (("Beta", 4), 1),
            (("Beta", 4), 2),
            (("Beta", 6), 1),
        ]
        history = {cid: h for cid, h in card_history(col).items() if h.reps}
        assert len(history) == 4 and all(h.ivl > 0 for h in history.values())

        # Gamma 2 is written later, between Gamma 1 and Gamma 3, in another card file.
        (source / "4-later.yaml").write_text(card_file("Gamma", [2]), encoding="utf-8")
        second = build(source)
        assert second.changes.added == ("gamma-2",)
        summary = import_apkg(col, second.output)
        assert summary.counts() == {"new": 1, "duplicate": 9}
        after = card_history(col)
        for card_id, before in history.items():  # every studied card keeps its history
            assert (after[card_id].reps, after[card_id].ivl, after[card_id].due) == (
                before.reps,
                before.ivl,
                before.due,
            )
        rest = [cited(s) for s, _, _ in next_new_cards(col)]
    assert rest == [
        ("Gamma", 1),
        ("Gamma", 2),
        ("Gamma", 3),
        ("Gamma", 5),
        ("Alpha", 2),
        ("Alpha", 4),
        ("Alpha", 4),
        ("Alpha", 6),
    ]


def test_without_an_order_the_texts_come_as_the_card_files_cite_them(tmp_path: Path) -> None:
    cards = {"1-gamma.yaml": card_file("Gamma", [3, 1]), "2-alpha.yaml": card_file("Alpha", [2, 1])}
    source = write_source(tmp_path, cards=cards, texts=THREE_TEXTS, deck="name: Unordered\n")
    with fresh_collection(tmp_path) as col:
        import_apkg(col, build(source).output)
        study_deck(col, "Unordered")
        seen = [cited(s) for s, _, _ in next_new_cards(col)]
    assert seen == [("Gamma", 1), ("Gamma", 3), ("Alpha", 1), ("Alpha", 2)]
