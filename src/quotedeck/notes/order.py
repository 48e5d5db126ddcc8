"""The reading order: each note's new-card position in Anki, from its text's place in the
deck and where its quote sits in the text. A note's cards share its position: Anki
introduces cards of one position in the order of their cloze numbers (tested in
tests/anki/test_reading_order.py).

A position depends on nothing but those three, so it is the same at every build, and a
card added later between two others gets a position between theirs: Anki keeps the
positions of the cards it has (an import never touches an existing card) and introduces
the new one at its place among those not yet studied.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from quotedeck.model import DeckInfo
from quotedeck.problems import Location, Problem, error, warning

# Each text has a range of TEXT_ROOM positions; a quote's place is its start as a share of
# the text, in that many steps (stable when the text is fixed here and there).
TEXT_ROOM = 1_000_000
# A new card's position is an i32 in Anki (and read back as a u32 when an import resets
# scheduling): 2147 texts of a million positions each stay below 2**31.
MAX_TEXTS = (2**31 - 1) // TEXT_ROOM

T = TypeVar("T")


def position(text_index: int, offset: int, text_length: int) -> int:
    """The new-card position of a quote starting at `offset` of its text, the `text_index`th
    in the reading order. Texts past the last range share it, in the order of their quotes."""
    return positions({None: text_index}, [(None, offset, text_length)])[0]


def positions(order: dict[T, int], placed: Iterable[tuple[T, int, int]]) -> list[int]:
    """position() of each quote, given as (its text, its offset, the text's length), with each
    text's index in the reading order: in one pass, as a build has one for every note."""
    last_place, last_text = TEXT_ROOM - 1, MAX_TEXTS - 1
    return [
        min(order[text], last_text) * TEXT_ROOM + min(last_place, max(0, offset) * TEXT_ROOM // max(1, length))
        for text, offset, length in placed
    ]


def text_order(
    deck: DeckInfo, root: Path, cited: Iterable[tuple[Path, str, Location]]
) -> tuple[dict[Path, int], list[Problem]]:
    """Each cited text's index in the reading order: those `order:` names first, in its order,
    then the others as the card files cite them (path order). `cited` gives each card's
    text, title and where its card file names the text, in card file order."""
    first_cited: dict[Path, tuple[str, Location]] = {}
    for path, title, location in cited:
        first_cited.setdefault(path, (title, location))
    problems: list[Problem] = []
    ordered: list[Path] = []
    for entry, location in deck.order:
        matches = _named(entry, root, first_cited)
        if len(matches) != 1:
            problems.append(_no_single_text(entry, location, matches, root, first_cited))
        elif matches[0] in ordered:
            problems.append(error(location, f"`{entry}` is in `order:` twice", "keep only one of them"))
        else:
            ordered.append(matches[0])
    if deck.order and not problems:
        for path, (title, location) in first_cited.items():
            if path not in ordered:
                problems.append(
                    warning(
                        location,
                        f"the text “{title}” is not in deck.yaml's `order:`; its new cards come after those listed",
                        f"add `- {_relative(path, root)}` to `order:` where it belongs",
                    )
                )
    order = ordered + [path for path in first_cited if path not in ordered]
    return {path: index for index, path in enumerate(order)}, problems


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _named(entry: str, root: Path, cited: dict[Path, tuple[str, Location]]) -> list[Path]:
    """The texts an `order:` entry names: by path inside the card source folder, else by title."""
    wanted = posixpath.normpath(entry.strip())
    by_path = [path for path in cited if posixpath.normpath(_relative(path, root)) == wanted]
    if by_path:
        return by_path
    return [path for path, (title, _) in cited.items() if title.strip() == entry.strip()]


def _no_single_text(
    entry: str, location: Location, matches: list[Path], root: Path, cited: dict[Path, tuple[str, Location]]
) -> Problem:
    if matches:
        paths = ", ".join(_relative(path, root) for path in matches)
        return error(location, f"`{entry}` is the title of several texts ({paths})", "name the text by its path")
    known = "; ".join(f"{_relative(path, root)} (“{title}”)" for path, (title, _) in cited.items())
    return error(
        location,
        f"`{entry}` in `order:` is neither a cited text's path nor its title",
        f"the card files cite: {known}" if known else "write a text's path, such as texts/name.txt",
    )
