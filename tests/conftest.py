"""Shared fixtures: the shipped deck and the stress deck, built and rendered by Anki once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.decks import AnkiCard, anki_cards, build_apkg, copy_shipped_deck, write_stress_deck
from tests.support.sources import write_source


@pytest.fixture(autouse=True)
def own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own user cache folder (where speed/ keeps entries and stamps)."""
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small card source in a temporary folder, which is also the working directory."""
    monkeypatch.chdir(tmp_path)
    write_source(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def deck_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Card source folders by deck name: "shipped" (a copy of cards_source/) and "stress"."""
    root = tmp_path_factory.mktemp("decks")
    return {
        "shipped": copy_shipped_deck(root / "shipped"),
        "stress": write_stress_deck(root / "stress"),
    }


@pytest.fixture(scope="session")
def rendered_by_anki(
    deck_sources: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[AnkiCard]]:
    """Every card of both decks as the real Anki renders it after importing the package."""
    root = tmp_path_factory.mktemp("anki")
    return {
        name: anki_cards(build_apkg(source, root / f"{name}.apkg"), name, root / f"{name}-collection")
        for name, source in deck_sources.items()
    }
