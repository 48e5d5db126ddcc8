"""A build keeps only so many characters of texts read at once: memory stays bounded however many texts."""

from pathlib import Path

from quotedeck.verify.texts import TextShelf, parse_text


def test_the_oldest_texts_go_when_the_budget_is_reached() -> None:
    shelf = TextShelf(budget=100)
    one, two, three = (parse_text(Path(f"{n}.txt"), f"{n} " * 15) for n in ("one", "two", "six"))
    shelf[one.path] = one  # 59 characters
    shelf[two.path] = two  # 59 more: over the budget, so `one` goes
    assert list(shelf) == [two.path] and shelf.size == len(two.normalized)
    shelf[three.path] = three
    assert list(shelf) == [three.path]
    small = parse_text(Path("small.txt"), "a few words")
    shelf[small.path] = small  # fits beside the last one
    assert list(shelf) == [three.path, small.path]
    assert shelf.size == len(three.normalized) + len(small.normalized) <= 100


def test_a_text_bigger_than_the_budget_is_still_kept_alone() -> None:
    shelf = TextShelf(budget=10)
    big = parse_text(Path("big.txt"), "many words in a text longer than the budget")
    shelf[big.path] = big
    assert list(shelf) == [big.path]
