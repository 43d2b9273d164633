"""A release row's stored forms, computed once from its record and text: the column values
(list columns and evidence as JSON text, the linker's features), the folded heading and text the
search index holds and the character grams. Pure work on one release, so a parallel ingest
computes it in the worker processes and the one process that writes only inserts; both
backends store these same values (PostgreSQL's `folded` is the two folded forms joined)."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from jikenbo.cases import link_item
from jikenbo.record import Record
from jikenbo.store.base import ReleaseRow
from jikenbo.store.fold import searchable
from jikenbo.store.reads import JSON_COLUMNS, RELEASE_COLUMNS
from jikenbo.store.search import folded_grams

# The columns of `StoredColumns.values`, in order.
STORED_COLUMNS = ("heading", "text", *RELEASE_COLUMNS, "evidence", "link_item")


@dataclass(frozen=True)
class StoredColumns:
    """What a backend writes for a release besides its id, source and place."""

    values: tuple[Any, ...]  # one per STORED_COLUMNS
    folded_heading: str      # `searchable(heading)`
    folded_text: str         # `searchable(text)`
    grams: str               # `search.grams(text)`
    # what they were computed from: a row whose id, record or text was replaced since (a test
    # raising a count, a version stored under its release's id) must not be stored by them
    of: tuple[str, Record, str]

    def fits(self, release: ReleaseRow) -> bool:
        release_id, record, text = self.of
        return (release_id == release.id and text == release.text
                and (record is release.record or record == release.record))


def stored_columns(release_id: str, record: Record, text: str) -> StoredColumns:
    """The stored forms of one release (see the module docstring)."""
    fields = record.to_dict(with_evidence=True)
    columns = {name: json.dumps(fields[name], ensure_ascii=False) if name in JSON_COLUMNS
               else fields[name] for name in RELEASE_COLUMNS}
    evidence = json.dumps(fields["evidence"], ensure_ascii=False)
    features = json.dumps(link_item(release_id, record, text).to_json(), ensure_ascii=False)
    folded_text = searchable(text)
    values = (fields["heading"], text, *columns.values(), evidence, features)
    return StoredColumns(values, searchable(record.heading), folded_text,
                         folded_grams(folded_text), (release_id, record, text))


def columns_of(release: ReleaseRow) -> StoredColumns:
    """The row's stored forms: those it carries when they are of its id, record and text,
    else computed now."""
    if release.columns is not None and release.columns.fits(release):
        return release.columns
    return stored_columns(release.id, release.record, release.text)


def with_columns(release: ReleaseRow) -> ReleaseRow:
    """The row carrying its stored forms."""
    return replace(release, columns=columns_of(release))
