"""`build --into`: the fresh package imported with Anki's own importer, as File > Import would."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quotedeck.delivery.collection import backup, open_collection


@dataclass(frozen=True)
class ImportLog:
    """Anki's own log of the import, counted by what it did to each note."""

    collection: Path
    backup: Path
    found: int
    new: int
    updated: int
    unchanged: int  # Anki's "duplicate": the collection's note is as new as the package's
    conflicting: int  # a changed notetype schema: Anki made a `name+` copy and updated none of these


def import_package(collection: Path, package: Path, merge_notetypes: bool = False) -> ImportLog:
    """Back the collection up, then import `package` with the options File > Import preselects
    on a fresh profile: update notes and notetypes if newer, no merging, no scheduling.
    `merge_notetypes` ticks File > Import's `Merge note types`: a notetype whose fields were
    changed in Anki takes quotedeck's back (keeping fields added in Anki), and its `name+`
    copy is merged in: their notes update again like any other."""
    from anki.import_export_pb2 import (
        IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    options = ImportAnkiPackageOptions(
        update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        merge_notetypes=merge_notetypes,
        with_scheduling=False,
        with_deck_configs=False,
    )
    with open_collection(collection) as col:
        saved = backup(col, collection)
        request = ImportAnkiPackageRequest(package_path=str(package.resolve()), options=options)
        log = col.import_anki_package(request).log
    return ImportLog(
        collection=collection,
        backup=saved,
        found=log.found_notes,
        new=len(log.new),
        updated=len(log.updated),
        unchanged=len(log.duplicate),
        conflicting=len(log.conflicting),
    )
