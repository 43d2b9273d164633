"""A parallel ingest's batch of sources stored in a few statements, not a dozen per source.

Storing one source asks the server what was read before (its content ids, the releases last
read at its locator, its issuer's releases) and writes its source row, releases, facets, first
versions and occurrences: on a Unix socket those round trips, and the per-row INSERTs behind
them, cost more than everything else (7 ms of the parent's CPU and 4 ms of the server's per
release). Here the lookups are read once for the whole batch and kept up to date in memory as
its sources are placed (`BatchLookups`), and new sources and releases are written with COPY
(`Pending`), flushed at the end of the batch or before any statement that must see them.

Anything the batch cannot answer exactly from memory (a locator read twice in one batch, a
source read before, a release replaced by a new version) is asked of the database after a
flush, as `versions.StoredLookups` would: the answers are always the ones storing the sources
one by one gives.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from jikenbo.same_release import Candidate, key
from jikenbo.sources import SourceDocument
from jikenbo.store import versions
from jikenbo.store.base import ReleaseRow, SourceOutcome
from jikenbo.store.postgres.connection import Database
from jikenbo.store.postgres.search import _SEPARATOR
from jikenbo.store.reads import RELEASE_COLUMNS
from jikenbo.store.rows import columns_of

_COPY = {  # table → its columns, in the order `Pending` holds its rows; tables in FK order
    "sources": ("id", "locator", "version", "sha256", "kind", "encoding", "title", "fetched_at",
                "data", "text"),
    "releases": ("rowid", "id", "source_id", "start_offset", "end_offset", "heading", "text",
                 *RELEASE_COLUMNS, "evidence", "link_item", "ingested_at"),
    "release_search": ("rowid", "folded", "grams"),
    "release_categories": ("release_id", "category"),
    "release_data_types": ("release_id", "data_type"),
    "release_versions": ("release_id", "version", "content_id", "source_id", "start_offset",
                         "end_offset", "text", "fetched_at", "added_at"),
    "occurrences": ("release_id", "source_id", "start_offset", "end_offset", "content_id"),
}


@dataclass
class Pending:
    """Rows written at the next flush, one COPY per table."""

    rows: dict[str, list[tuple]] = field(default_factory=lambda: {name: [] for name in _COPY})

    def add_source(self, source_id: int, version: int, source: SourceDocument) -> None:
        self.rows["sources"].append((source_id, source.locator, version, source.sha256,
                                     source.kind, source.encoding, source.title,
                                     source.fetched_at, source.data, source.text))

    def add_releases(self, source_id: int, fetched_at: str, rows: Sequence[ReleaseRow]) -> None:
        """New releases with their facets, first versions and first occurrences."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for row in rows:
            form = columns_of(row)
            self.rows["releases"].append((
                row.id, source_id, row.start, row.end, *form.values, now))
            self.rows["release_search"].append((
                folded_forms(form.folded_heading, form.folded_text), array_literal(form.grams)))
            self.rows["release_categories"].extend((row.id, item)
                                                   for item in row.record.categories)
            self.rows["release_data_types"].extend((row.id, item)
                                                   for item in row.record.data_types)
            self.rows["release_versions"].append((row.id, 1, row.id, source_id, row.start,
                                                  row.end, row.text, fetched_at, now))
            self.rows["occurrences"].append((row.id, source_id, row.start, row.end, row.id))

    def flush(self, db: Database) -> None:
        if not any(self.rows.values()):
            return
        added = self.rows["releases"]
        if added:  # their rowids, taken as the column's default would, for release_search's rows
            rowids = [row[0] for row in db.execute(
                "SELECT nextval(pg_get_serial_sequence('releases', 'rowid')) "
                "FROM generate_series(1, ?)", (len(added),))]
            self.rows["releases"] = [(rowid, *row) for rowid, row in zip(rowids, added)]
            self.rows["release_search"] = [(rowid, *row) for rowid, row
                                           in zip(rowids, self.rows["release_search"])]
        with db.connection.cursor() as cursor:
            for table, columns in _COPY.items():
                rows, self.rows[table] = self.rows[table], []
                if rows:
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)


def folded_forms(heading: str, text: str) -> str:
    """search.py's `folded` of a heading and text already made `searchable`."""
    return heading + _SEPARATOR + text


def array_literal(grams: str) -> str:
    """Space-separated grams as a text[] literal. Grams are letters and digits only (never a
    quote, comma, brace, backslash or space), so none needs quoting."""
    return "{" + grams.replace(" ", ",") + "}"


class BatchLookups:
    """`versions.Lookups` for one batch: read once for all of its sources, then kept as the
    database would answer, in memory, as each source is placed (`placed`)."""

    def __init__(self, db: Database, flush: Callable[[], None],
                 batch: Sequence[tuple[SourceDocument, Sequence[ReleaseRow], bool]]) -> None:
        self.db, self.flush = db, flush
        self.exact = True  # False once a release was replaced: the database is asked from then on
        self.known = versions._seen(db, [row.id for _, rows, _ in batch for row in rows])
        fresh = sorted({source.locator for source, _, new in batch if new})
        self.last_read = _last_read(db, fresh)
        self.locators_read: set[str] = set()  # read earlier in this batch
        organizations = sorted({row.record.organization for _, rows, _ in batch for row in rows
                                if row.record.organization})
        # organization → (release id, title, its headline key), each title's key made once a
        # batch, not once per new row (an issuer can have thousands of releases)
        self.issuers: dict[str, list[tuple[str, str, str]]] = {}
        for release_id, organization, title in db.execute(
                "SELECT id, organization, title FROM releases WHERE organization = ANY(?) "
                "ORDER BY rowid", (organizations,)):
            self.issuers.setdefault(organization, []).append((release_id, title, key(title)))
        self.texts: dict[str, str] = {}  # of releases this batch added, and of those compared

    def seen(self, content_ids: Sequence[str]) -> dict[str, str]:
        return {content_id: self.known[content_id] for content_id in content_ids
                if content_id in self.known}

    def previous(self, locator: str, source_id: int) -> list[tuple[str, Candidate]]:
        if not self.exact or locator in self.locators_read or locator not in self.last_read:
            self.flush()
            return versions._previous(self.db, locator, source_id)
        return self.last_read[locator]

    def of_issuer(self, organization: str | None, title: str) -> list[tuple[str, Candidate]]:
        if not self.exact:
            self.flush()
            return versions._of_issuer(self.db, organization, title)
        if not organization:
            return []
        headline = key(title)
        same = [(release_id, stored) for release_id, stored, stored_key
                in self.issuers.get(organization, []) if stored_key == headline]
        missing = [release_id for release_id, _ in same if release_id not in self.texts]
        if missing:  # stored before this batch: texts are read only for the same headline
            self.texts.update(self.db.execute("SELECT id, text FROM releases WHERE id = ANY(?)",
                                              (missing,)).fetchall())
        return [(release_id, Candidate(organization, stored, self.texts[release_id]))
                for release_id, stored in same]

    def placed(self, locator: str, rows: Sequence[ReleaseRow],
               placements: Sequence[versions.Placement]) -> None:
        """What the database holds once a source's rows are stored as `placements` say."""
        self.locators_read.add(locator)
        for row, placed in zip(rows, placements):
            self.known.setdefault(row.id, placed.release_id)
            if placed.kind == versions.VERSION:
                self.exact = False
            elif placed.kind == versions.NEW and row.record.organization:
                self.issuers.setdefault(row.record.organization, []).append(
                    (row.id, row.record.title, key(row.record.title)))
                self.texts[row.id] = row.text


def _last_read(db: Database, locators: list[str]) -> dict[str, list[tuple[str, Candidate]]]:
    """For each locator, the releases read at its newest stored source (`versions._previous`
    for a source not stored yet), in one statement for all of them."""
    found: dict[str, list[tuple[str, Candidate]]] = {locator: [] for locator in locators}
    for locator, release_id, organization, title, text, _ in db.execute(
            "SELECT DISTINCT s.locator, r.id, r.organization, r.title, r.text, o.start_offset "
            "FROM sources s JOIN occurrences o ON o.source_id = s.id "
            "JOIN releases r ON r.id = o.release_id "
            "WHERE s.id IN (SELECT DISTINCT ON (locator) id FROM sources "
            "WHERE locator = ANY(?) ORDER BY locator, version DESC) "
            "ORDER BY s.locator, o.start_offset", (locators,)):
        found[locator].append((release_id, Candidate(organization, title, text)))
    return found


def store_batch(store: Any, seen: Any,
                batch: Sequence[tuple[SourceDocument, Sequence[ReleaseRow]]]) -> list[SourceOutcome]:
    """Every source of `batch` stored as `PostgresStore.add_source` would (inside the caller's
    transaction; any failure is the whole batch's, and the caller stores it again source by
    source). `seen` is the batch's `_SourcesSeen`; `store` gives `_replace_release` and
    `_adopt_reference` for the rare rows that change a stored release."""
    db = store.db
    pending = Pending()
    fresh = {(source.locator, source.sha256) for source, _ in batch if seen.found(source) is None}
    source_ids = iter([row[0] for row in db.execute(
        "SELECT nextval(pg_get_serial_sequence('sources', 'id')) FROM generate_series(1, ?)",
        (len(fresh),))])
    lookups = BatchLookups(db, lambda: pending.flush(db),
                           [(source, rows, seen.found(source) is None) for source, rows in batch])
    outcomes = []
    for source, rows in batch:
        found = seen.found(source)
        if found is None:
            source_id, version = next(source_ids), 1 + seen.latest(source.locator)
            pending.add_source(source_id, version, source)
        else:
            source_id, version = found
        placements = versions.place(db, source_id, source.locator, rows, lookups)
        lookups.placed(source.locator, rows, placements)
        pending.add_releases(source_id, source.fetched_at,
                             [row for row, placed in zip(rows, placements)
                              if placed.kind == versions.NEW])
        _store_others(store, pending, source, source_id, rows, placements)
        outcome = versions.outcome(source_id, version, found is None, placements)
        seen.stored(source, outcome)
        outcomes.append(outcome)
    pending.flush(db)
    return outcomes


def _store_others(store: Any, pending: Pending, source: SourceDocument, source_id: int,
                  rows: Sequence[ReleaseRow], placements: Sequence[versions.Placement]) -> None:
    """Rows that are not new releases, as `ReleaseReads._place` stores them (after a flush:
    their statements refer to rows the batch may hold)."""
    if all(placed.kind == versions.NEW for placed in placements):
        return
    pending.flush(store.db)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    store._place_others(source_id, source, rows, placements, now)
