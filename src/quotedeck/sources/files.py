"""Which files are sources: deck.yaml, the card files below the folder and the texts they cite.

Nothing outside the card source folder is ever read: not through `../`, not
through an absolute path, and not through a link that leads out.
"""

from __future__ import annotations

import difflib
import errno
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from quotedeck.problems import Location, Problem, error

DECK_FILE = "deck.yaml"
LOCK_FILE = "quotedeck.lock"
CARD_SUFFIX = ".yaml"
_YAML_SUFFIXES = (".yaml", ".yml")
_DRIVE = re.compile(r"^[A-Za-z]:")


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every link followed, lies in `root`."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
        return False


@dataclass(frozen=True)
class SourceFolder:
    """A card source folder, listed once: its deck file, its card files in reading order, and
    the problems of the listing (files that look meant as card files but are not read)."""

    root: Path
    deck_file: Path
    lock_file: Path
    card_files: tuple[Path, ...]
    problems: tuple[Problem, ...]


def list_sources(root: Path) -> SourceFolder:
    """The folder's sources; a missing folder is a problem of its own."""
    missing = _missing_folder(root)
    if missing is not None:
        return SourceFolder(root, root / DECK_FILE, root / LOCK_FILE, (), (missing,))
    found, problems = _card_files(root, skip=root / DECK_FILE)
    return SourceFolder(root, root / DECK_FILE, root / LOCK_FILE, tuple(found), tuple(problems))


def _missing_folder(root: Path) -> Problem | None:
    """Why `root` is no card source folder, if it is not one."""
    try:
        if root.is_dir():
            return None
        message = "the card source folder does not exist"
    except OSError as exc:  # a name too long for the file system, say
        message = f"cannot open the card source folder: {exc.strerror or exc}"
    return error(Location(root), message, "pass the folder that holds deck.yaml")


def is_source(path: Path, root: Path) -> bool:
    """Whether a change to `path` can change what a build of `root` gives: any file below it
    but hidden ones and the lock (which the build writes), whatever its kind."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return False
    return relative != Path(LOCK_FILE) and not any(part.startswith(".") for part in relative.parts)


def _card_files(root: Path, skip: Path) -> tuple[list[Path], list[Problem]]:
    """The card files below `root` (every `*.yaml` but `skip`), and the files that look meant as ones."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or path == skip:
            continue  # hidden files: editors' backups, version control
        if path.is_symlink() and not is_inside(path, root):
            if path.is_dir() or path.suffix.lower() in _YAML_SUFFIXES:
                what = "folder" if path.is_dir() else "file"
                problems.append(
                    error(
                        Location(path),
                        f"`{relative}` is a link to a {what} outside {root.name}; it is not read",
                        f"copy the {what} into {root.name} instead of linking to it",
                    )
                )
            continue
        if not path.is_file():
            continue
        if path.suffix == CARD_SUFFIX:
            found.append(path)
        elif path.suffix.lower() in _YAML_SUFFIXES:
            problems.append(
                error(
                    Location(path),
                    f"`{relative}` is not read: quotedeck reads only files ending in `{CARD_SUFFIX}`",
                    f"rename it to `{path.stem}{CARD_SUFFIX}`",
                )
            )
    return found, problems


def cited_text(card_file: Path, root: Path, text: str, cited_at: Location) -> Path | Problem:
    """The file a card file's `text:` names, checked to be a file inside `root`."""
    return cited_file(card_file, root, text, cited_at, "text", "texts/name.txt")


def cited_file(card_file: Path, root: Path, text: str, cited_at: Location, what: str, example: str) -> Path | Problem:
    """The file a card file names (a `what`: text, image, audio), checked to be a file inside `root`."""
    fix = f"write a path relative to the card file, such as {example}"
    if "\0" in text:
        return error(cited_at, f"the {what} path contains a NUL character", fix)
    if Path(text).is_absolute() or _DRIVE.match(text):
        return error(cited_at, f"the {what} path must be relative to the card file", fix)
    if "\\" in text:
        shown = PureWindowsPath(text).as_posix()
        return error(cited_at, f"`{text}` uses `\\` between folders", f"write `{shown}`")
    path = card_file.parent / text
    try:
        if not is_inside(path, root):
            folder = PurePosixPath(example).parent
            return error(
                cited_at,
                f"`{text}` points outside {root.name}",
                f"copy the {what} into {root.name} (e.g. {folder}/) and cite it there",
            )
        if path.is_dir():
            return error(cited_at, f"`{text}` is a folder, not a file", fix)
        if not path.is_file():
            return error(cited_at, f"{what} file not found: {text}", _did_you_mean(card_file.parent, text))
    except OSError as exc:  # a name too long for the file system, a folder that cannot be read
        if exc.errno == errno.ENAMETOOLONG:
            return error(
                cited_at, f"the {what} path is too long for the file system", f"give the {what} a shorter name"
            )
        return error(cited_at, f"cannot open `{text}`: {exc.strerror or exc}", fix)
    return path


def _did_you_mean(folder: Path, text: str) -> str:
    """A file beside the one named whose name is close (another case, a typo), if any."""
    wanted = PurePosixPath(text)
    parent = folder / wanted.parent
    if not parent.is_dir():
        return f"there is no folder `{wanted.parent}` beside the card file"
    names = sorted(p.name for p in parent.iterdir() if p.is_file())
    lowered = {name.lower(): name for name in names}
    close = lowered.get(wanted.name.lower()) or next(iter(difflib.get_close_matches(wanted.name, names, 1, 0.6)), None)
    if close is None:
        return "the path is relative to the folder of the card file"
    return f"did you mean `{wanted.parent / close}`?"
