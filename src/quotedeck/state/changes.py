"""Compare a build with the lock: stamp each note's `mod`, and say what changed.

Anki applies an edit only when the package's `mod` is newer than its own, so
an unchanged note keeps the `mod` it was last exported with and a changed one
gets a newer one. That is also what makes an unchanged build byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz

from quotedeck.model import Kind, NoteSpec
from quotedeck.notes.notetypes import NOTETYPES, Notetype
from quotedeck.problems import Location, Problem, warning
from quotedeck.state.lock import NO_RETIRED, Lock, LockedNote, LockedNotetype, write_lock

# How alike two cards' prompts must be (0-100) for a vanished one to count as renamed;
# the same quote is enough too.
RENAME_SIMILARITY = 80


class StampedNote(NamedTuple):  # a named tuple, as NoteSpec: one a note
    """A note with the modification time Anki will see, and its retired phrases."""

    note: NoteSpec
    mod: int
    retired: dict[str, int] = NO_RETIRED  # phrase key -> its old cloze number
    due: int = (
        0  # its cards' new-card position in Anki (notes/order.py); not in the note's digest: Anki never updates a card
    )
    kept: LockedNote | None = None  # the lock's record of the note, when it is the one to write again

    def locked(self) -> LockedNote:
        """What the lock keeps of the note."""
        if self.kept is not None:
            return self.kept
        note = self.note
        return LockedNote(
            note.guid,
            note.kind.value,
            note.digest,
            self.mod,
            dict(note.clozes),
            self.retired,
            note.prompt,
            note.quote_digest,
            note.deck,
        )


@dataclass(frozen=True)
class StampedNotetype:
    """A notetype with the modification time Anki will see."""

    notetype: Notetype
    mod: int


@dataclass(frozen=True)
class RemovedCloze:
    """A phrase gone from a card: its Anki card is left empty."""

    card_id: str
    guid: str
    phrase: str
    ordinal: int


@dataclass(frozen=True)
class ChangeReport:
    """What changed since the lock, card by card."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[tuple[str, str], ...] = ()  # (card id, guid)
    notetypes_changed: tuple[str, ...] = ()
    removed_clozes: tuple[RemovedCloze, ...] = ()

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.notetypes_changed or self.removed_clozes)


@dataclass(frozen=True)
class Plan:
    """The notes and notetypes to write, stamped, and what changed."""

    notes: tuple[StampedNote, ...]
    notetypes: tuple[StampedNotetype, ...]
    deck: str
    report: ChangeReport
    warnings: tuple[Problem, ...]

    def write_lock(self, out: Callable[[bytes], object]) -> None:
        """Give `out` the lock file of this build, a piece at a time: the lock's
        records are made as they are written, never all at once."""
        write_lock(out, self.deck, self._locked_notes(), self._locked_notetypes())

    def _locked_notes(self) -> Iterator[tuple[str, LockedNote]]:
        for stamped in sorted(self.notes, key=lambda stamped: stamped.note.card_id):
            yield stamped.note.card_id, stamped.locked()

    def _locked_notetypes(self) -> dict[str, LockedNotetype]:
        return {t.notetype.name: LockedNotetype(t.notetype.id, t.notetype.digest, t.mod) for t in self.notetypes}

    @property
    def timestamp(self) -> int:
        """The package's own time: the newest stamp, so identical inputs give identical bytes."""
        return max([n.mod for n in self.notes] + [t.mod for t in self.notetypes])


class Planner:
    """The plan: the notes are stamped against the lock (`add`), then what needs every note (what
    was removed, renamed, swapped) is found (`plan`)."""

    def __init__(self, lock: Lock, deck_name: str, now: int) -> None:
        self.lock = lock
        self.deck_name = deck_name
        self.now = now
        self.old = lock.notes if lock.deck in ("", deck_name) else {}
        self.notes: list[NoteSpec] = []
        self.stamped: list[StampedNote] = []
        self.seen: set[str] = set()
        self.added: list[str] = []
        self.updated: list[str] = []
        self.unchanged: list[str] = []
        self.removed_clozes: list[RemovedCloze] = []
        self.moves: list[Problem] = []
        self.renumbered: list[Problem] = []

    def add(self, notes: Sequence[NoteSpec], dues: Sequence[int] = ()) -> None:
        """Stamp each note with the modification time Anki will see and its new-card position
        (`dues`, in the order of `notes`; 0 for each when not given), and keep its retired phrases."""
        now, old = self.now, self.old
        stamp, seen = self.stamped.append, self.seen.add
        self.notes.extend(notes)
        for note, due in zip(notes, dues or [0] * len(notes), strict=True):
            card_id = note.card_id
            seen(card_id)
            before = old.get(card_id)
            if before is None:
                self.added.append(card_id)
                stamp(StampedNote(note, now, NO_RETIRED, due))
                continue
            if before.digest == note.digest and before.guid == note.guid:
                mod = before.mod
                self.unchanged.append(card_id)
            else:
                mod = max(now, before.mod + 1)
                self.updated.append(card_id)
            retired = NO_RETIRED
            clozes = dict(note.clozes)
            same = clozes == before.clozes  # the same numbers for the same phrases: nearly every note
            if not same:
                self.renumbered.extend(_renumbered(note, clozes, before))
            if before.retired or (not same and any(key not in clozes for key in before.clozes)):
                retired = self._retired(note, clozes, before)
            kept = before if same and _locks_as(note, mod, retired, before) else None
            stamp(StampedNote(note, mod, retired, due, kept))
            if before.deck and before.deck != note.deck:
                self.moves.append(_moved_warning(note, before.deck))

    def _retired(self, note: NoteSpec, clozes: dict[str, int], before: LockedNote) -> dict[str, int]:
        """The numbers of the note's phrases that are gone, which no phrase may take."""
        live = set(clozes.values())
        retired = dict(before.retired)
        for key, ordinal in before.clozes.items():
            if key not in clozes and ordinal not in live:  # else it was reworded: its card lives on
                retired[key] = ordinal
                self.removed_clozes.append(RemovedCloze(note.card_id, note.guid, key, ordinal))
        # A number a phrase shows now is that phrase's (a merged lock gave it to two).
        return {key: n for key, n in retired.items() if key not in clozes and n not in live} or NO_RETIRED

    def plan(self, deck_location: Location) -> Plan:
        """The plan of the notes added, and what changed since the lock."""
        lock, deck_name, old = self.lock, self.deck_name, self.old
        removed = [(card_id, lock.notes[card_id].guid) for card_id in sorted(lock.notes.keys() - self.seen)]
        types, changed_types = _stamp_notetypes(lock, self.now)
        warnings = [
            *self.renumbered,
            *self.moves,
            *_rename_warnings(self.notes, self.added, {card_id: lock.notes[card_id] for card_id, _ in removed}),
            *_swap_warnings(self.notes, self.updated, old),
        ]
        if lock.deck and lock.deck != deck_name:
            warnings.insert(
                0,
                warning(
                    deck_location,
                    f"the deck was renamed from `{lock.deck}`: note GUIDs come from the deck name, "
                    "so Anki will add every card again as a new note",
                    f"keep `name: {lock.deck}` to update the cards you already study",
                ),
            )
        report = ChangeReport(
            tuple(self.added),
            tuple(self.updated),
            tuple(self.unchanged),
            tuple(sorted(removed)),
            tuple(changed_types),
            tuple(self.removed_clozes),
        )
        return Plan(tuple(self.stamped), tuple(types), deck_name, report, tuple(warnings))


# Each kind as the lock writes it (Enum's `.value` is looked up in Python; the kinds hash by identity).
_KIND_NAMES = {kind: kind.value for kind in Kind}


def _locks_as(note: NoteSpec, mod: int, retired: dict[str, int], before: LockedNote) -> bool:
    """Whether the lock's record of a note with its numbers is the one this build writes: nearly
    every note of a build, whose records are then not made again."""
    return (
        not retired
        and not before.retired
        and mod == before.mod
        and before.digest == note.digest
        and before.guid == note.guid
        and before.kind == _KIND_NAMES[note.kind]
        and before.prompt == note.prompt
        and before.quote_digest == note.quote_digest
        and before.deck == note.deck
    )


def _stamp_notetypes(lock: Lock, now: int) -> tuple[list[StampedNotetype], list[str]]:
    stamped, changed = [], []
    for notetype in NOTETYPES.values():
        before = lock.notetypes.get(notetype.name)
        if before is not None and before.digest == notetype.digest:
            stamped.append(StampedNotetype(notetype, before.mod))
            continue
        stamped.append(StampedNotetype(notetype, max(now, before.mod + 1) if before else now))
        if before is not None:
            changed.append(notetype.name)
    return stamped, changed


def _moved_warning(note: NoteSpec, old_deck: str) -> Problem:
    """Anki never moves existing cards on import: only new cards go to the new deck."""
    return warning(
        note.location,
        f"card `{note.card_id}` moved from deck `{old_deck}` to `{note.deck}`; "
        "Anki keeps the cards you already have in the old deck",
        f"in Anki's browser, search Id:{note.card_id} and use Change Deck",
    )


def _rename_warnings(notes: list[NoteSpec], added: list[str], removed: dict[str, LockedNote]) -> list[Problem]:
    """A card that vanished while one of its kind with the same quote, or a similar prompt, appeared
    was most likely renamed. The lock keeps a digest of each quote, not the quote: a quote counts
    only when it is the same."""
    if not removed:
        return []
    warnings = []
    by_id = {note.card_id: note for note in notes}
    for card_id in added:
        note = by_id[card_id]
        digest = note.quote_digest
        best = max(
            (
                (100.0 if old.quote_digest == digest else fuzz.ratio(note.prompt, old.prompt), old_id)
                for old_id, old in removed.items()
                if old.kind == note.kind.value
            ),
            default=(0.0, ""),
        )
        if best[0] >= RENAME_SIMILARITY:
            warnings.append(
                warning(
                    note.location,
                    f"card `{card_id}` looks like the removed card `{best[1]}`; "
                    f"in Anki its reviews stay with `{best[1]}` and it starts anew",
                    f"to keep its history, add `id: {best[1]}` to this card "
                    "(`quotedeck fix` writes out every card's id, so that rewording never changes one)",
                )
            )
    return warnings


def _renumbered(note: NoteSpec, clozes: dict[str, int], before: LockedNote) -> list[Problem]:
    """A phrase whose number in the lock another phrase of the card has too (a lock
    merged from two branches that each added a phrase) got a new one: say which."""
    warnings = []
    for key, number in clozes.items():
        old = before.clozes.get(key, before.retired.get(key))
        if old is None or old == number:
            continue
        other = next((k for k, n in clozes.items() if n == old), "")
        warnings.append(
            warning(
                note.location,
                f"card `{note.card_id}`: quotedeck.lock gave `{key}` cloze number {old}, "
                f"which `{other}` has too; `{key}` gets number {number}",
                "a merge of two branches that each added a phrase does this: commit the lock this build writes",
            )
        )
    return warnings


def _swap_warnings(notes: list[NoteSpec], updated: list[str], old: dict[str, LockedNote]) -> list[Problem]:
    """Two cards whose quotes and prompts each moved to the other's id (their `id:` lines
    swapped, most likely): in Anki each card keeps its reviews under its id."""
    if len(updated) < 2:
        return []
    by_id = {note.card_id: note for note in notes}
    moved = {card_id: by_id[card_id] for card_id in updated if not _looks_like(by_id[card_id], old[card_id])}
    if len(moved) < 2:
        return []
    was: dict[str, list[str]] = {}  # a quote's digest, a prompt -> the moved cards that had it
    for card_id in moved:
        for value in (old[card_id].quote_digest, old[card_id].prompt):
            if value:
                was.setdefault(value, []).append(card_id)
    warnings: list[Problem] = []
    paired: set[str] = set()
    for card_id, note in moved.items():
        for other in [*was.get(note.quote_digest, []), *was.get(note.prompt, [])]:
            if {card_id, other} & paired or other == card_id or note.kind != moved[other].kind:
                continue
            if _looks_like(moved[other], old[card_id]):
                paired |= {card_id, other}
                warnings.append(
                    warning(
                        note.location,
                        f"cards `{card_id}` and `{other}` swapped quotes and prompts: Anki keeps a card's "
                        "reviews under its id, so each would take over the other's history",
                        f"swap their `id:` lines back: `id: {other}` on this card, `id: {card_id}` on the other",
                    )
                )
                break
    return warnings


def _looks_like(note: NoteSpec, before: LockedNote) -> bool:
    """Whether `note` has the quote or the prompt the lock kept for `before`."""
    return (bool(before.quote_digest) and before.quote_digest == note.quote_digest) or (
        bool(before.prompt) and before.prompt == note.prompt
    )
