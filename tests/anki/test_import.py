"""End to end: build a package and import it with Anki's own importer."""

import re
import shutil
from pathlib import Path

import pytest

from quotedeck.pipeline import build
from tests.support.anki_collection import cards, fresh_collection, import_apkg, notes_by_guid, notetype_names, render
from tests.support.sources import write_source

SHIPPED = Path(__file__).resolve().parents[2] / "cards_source"


def visible_text(html: str) -> str:
    """What a reader sees: no tags, no attributes (Anki keeps the hidden text in one)."""
    return re.sub(r"<[^>]*>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))


@pytest.fixture(scope="module")
def shipped_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(SHIPPED, root / "cards_source")
    report = build(root / "cards_source")
    return report.output, report.notes, report.cards


def test_shipped_deck_imports_cleanly(shipped_package: tuple[Path, int, int]) -> None:
    path, note_count, card_count = shipped_package
    assert note_count >= 25
    with fresh_collection() as col:
        summary = import_apkg(col, path)
        assert summary.counts() == {"new": note_count}
        assert col.note_count() == note_count
        assert col.card_count() == card_count
        assert {"quotedeck term", "quotedeck question"} <= set(notetype_names(col))
        assert "Laitman::Awakening from Below" in [d.name for d in col.decks.all_names_and_ids()]
        # Parents arrive expanded: a collapsed `Laitman` hides the deck below it.
        for name in ("Laitman", "Laitman::Awakening from Below"):
            deck = col.decks.by_name(name)
            assert deck is not None
            assert (deck["collapsed"], deck["browserCollapsed"]) == (False, False), name


def test_every_shipped_card_hides_a_phrase_and_reveals_it(shipped_package: tuple[Path, int, int]) -> None:
    path, _, card_count = shipped_package
    with fresh_collection() as col:
        import_apkg(col, path)
        checked = 0
        for card in cards(col):
            question, answer = render(card, with_css=False)
            hidden = re.findall(
                r'<span class="cloze" data-cloze="([^"]*)" data-ordinal="\d+">\[[^\]]*\]</span>', question
            )
            assert hidden, f"card {card.id} hides nothing: {question}"
            revealed = re.findall(r'<span class="cloze" data-ordinal="\d+">(.*?)</span>', answer)
            assert revealed, f"card {card.id} reveals nothing: {answer}"
            for phrase in revealed:
                assert phrase not in visible_text(question).replace("[...]", "")
            assert 'id="answer"' in answer and "paragraph" in visible_text(answer)
            assert "paragraph" not in visible_text(question)
            checked += 1
        assert checked == card_count


def test_shipped_deck_covers_the_required_terms_and_questions(shipped_package: tuple[Path, int, int]) -> None:
    path, _, _ = shipped_package
    terms = {
        "the light",
        "the creator",
        "for the sake of bestowal",
        "egoism",
        "awakening from below",
        "spiritual vessel",
        "screen",
        "intention",
        "man",
        "mad",
        "the bottom of the heart",
        "the innermost point",
    }
    questions = {
        "What is a prayer from the bottom of the heart?",
        "Where is the innermost point located?",
        "What must a person ask the Light for?",
        "Why is a person led through various states?",
        "What is the condition for an awakening from below?",
    }
    with fresh_collection() as col:
        import_apkg(col, path)
        notes = notes_by_guid(col).values()
        shown_terms = {n.fields["Term"].lower() for n in notes if n.notetype == "quotedeck term"}
        shown_questions = {n.fields["Question"] for n in notes if n.notetype == "quotedeck question"}
    assert terms <= shown_terms
    assert questions <= shown_questions


def test_small_deck_fields_tags_and_cards(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        cards="""\
        source:
          text: texts/sample.txt
          title: A Sample Text
        deck: Part One
        tags: [sample file]
        cards:
          - term: the innermost point
            also: [נקודה פנימית, Nekuda Pnimit]
            definition: |-
              The place in the heart
              where the Creator is found.
            quote: "That point is the innermost point, where the Creator is found."
            tags: [heart]
            extra: Compare "the bottom of the heart".
          - question: What does a person ask the Light?
            answer: To change him.
            quote: A person asks the Light to change him
            cloze: [{phrase: to change him, hint: what for}, the Light]
        """,
    )
    report = build(source)
    assert (report.notes, report.cards) == (2, 3)
    with fresh_collection() as col:
        summary = import_apkg(col, report.output)
        assert summary.counts() == {"new": 2}
        notes = {n.fields["Id"]: n for n in notes_by_guid(col).values()}
        term = notes["the-innermost-point"]
        assert term.fields["Quote"] == "That point is {{c1::the innermost point}}, where the Creator is found."
        # Each other name in its own <bdi>, so it reads in its own direction.
        assert term.fields["Also"] == "<bdi>נקודה פנימית</bdi> · <bdi>Nekuda Pnimit</bdi>"
        assert term.fields["Definition"] == "The place in the heart<br>where the Creator is found."
        assert term.fields["Source"] == "“A Sample Text”, paragraph 2"
        assert term.fields["Extra"] == 'Compare "the bottom of the heart".'
        assert set(term.tags) == {"test-deck", "sample_file", "heart", "quotedeck::term", "source::a-sample-text"}
        question = notes["what-does-a-person-ask-the-light"]
        assert question.card_ords == (0, 1)
        assert question.fields["Quote"] == "A person asks {{c2::the Light}} {{c1::to change him::what for}}"
        assert [d.name for d in col.decks.all_names_and_ids() if "Part One" in d.name] == ["Test Deck::Part One"]
        first = next(c for c in cards(col) if c.nid == question.note_id and c.ord == 0)
        front, back = render(first, with_css=False)
        assert "[what for]" in front and "to change him" not in visible_text(front)
        assert "the Light" in visible_text(front)  # the other deletion stays readable
        assert ">to change him</span>" in back


def test_the_committed_lock_matches_the_shipped_cards(tmp_path: Path) -> None:
    """`build --locked` passes on the shipped deck: whoever changes the cards or the
    notetypes commits the lock that goes with them."""
    shutil.copytree(SHIPPED, tmp_path / "cards_source")
    report = build(tmp_path / "cards_source", locked=True)
    assert report.changes.updated == report.changes.added == report.changes.removed == ()
