"""SQLite backend: WAL mode, numbered migrations, one transaction per source."""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from jikenbo.cases import link_item
from jikenbo.errors import JikenboError, StoreBusy
from jikenbo.sources import SourceDocument
from jikenbo.store import search as search_index
from jikenbo.store import versions
from jikenbo.store.base import ReleaseRow, SourceOutcome, StoredRelease
from jikenbo.store.cases import CaseTables
from jikenbo.store.curation import CurationTables
from jikenbo.store.reads import RELEASE_COLUMNS, ReleaseReads, stored
from jikenbo.store.rows import STORED_COLUMNS, columns_of, stored_columns
from jikenbo.store.stats import StatisticsQueries
from jikenbo.store.watch import WatchTables

T = TypeVar("T")
# How long a writer waits for another one before giving up with StoreBusy ($JIKENBO_BUSY_TIMEOUT).
BUSY_TIMEOUT_S = float(os.environ.get("JIKENBO_BUSY_TIMEOUT") or 30)
# Page cache of a connection that stores batches, in KiB (SQLite's default is 2 MB). Each new
# release writes into a dozen B-trees at places its random id picks and FTS5 merges read back
# what it wrote: past a few thousand releases those pages no longer fit in 2 MB, and each
# batch read them again from the file — CPU that grew with the casebook.
INGEST_CACHE_KIB = 128 * 1024


# Curation comes before cases: its undo extends the cases' undo.
class SQLiteStore(CurationTables, CaseTables, StatisticsQueries, ReleaseReads):
    _SEARCH = search_index.SQLITE
    _ERRORS = (sqlite3.Error,)

    def __init__(self, path: str) -> None:
        self.path = path
        self._cache: dict[str, tuple[tuple[int, int], str, Any]] = {}
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            self._migrate()
            search_index.refold(self.db)  # an index folded by older rules is built again
            self._index_unsearchable()
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise _busy(path) from None
            raise JikenboError(f"{path}: not a usable SQLite database ({error}); "
                               "give another --db path") from None
        except sqlite3.DatabaseError as error:
            raise JikenboError(f"{path}: not a usable SQLite database ({error}); "
                               "give another --db path") from None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE: one writer at a time, so what is read inside
        is the current state until COMMIT), or the one already open on this connection. A
        database held by another writer for longer than BUSY_TIMEOUT_S raises StoreBusy."""
        if self.db.in_transaction:
            yield
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _busy(self.path) if _is_busy(error) else error from None
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException as error:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
                raise _busy(self.path) from None
            raise

    # -- migrations -------------------------------------------------------------------------
    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        applied = {row[0] for row in self.db.execute("SELECT version FROM schema_migrations")}
        folder = resources.files("jikenbo.store").joinpath("migrations", "sqlite")
        for entry in sorted(folder.iterdir(), key=lambda item: item.name):
            if not entry.name.endswith(".sql"):
                continue
            version = int(entry.name.split("_", 1)[0])
            if version in applied:
                continue
            script = entry.read_text(encoding="utf-8")
            with self.writing():
                if self.db.execute("SELECT 1 FROM schema_migrations WHERE version = ?",
                                   (version,)).fetchone():
                    continue  # another process applied it while we waited for the lock
                for statement in _statements(script):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                                (version, entry.name, _now()))

    def _index_unsearchable(self) -> None:
        """Index releases stored before search existed (one transaction)."""
        rows = self.db.execute("SELECT rowid, heading, text FROM releases "
                               "WHERE searchable = 0").fetchall()
        if not rows:
            return
        with self.writing():
            for row in rows:
                if self.db.execute("SELECT searchable FROM releases WHERE rowid = ?",
                                   (row[0],)).fetchone()[0] == 0:  # not indexed meanwhile
                    search_index.index_release(self.db, row[0], row[1], row[2])

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM schema_migrations ORDER BY version")]

    # -- writing ----------------------------------------------------------------------------
    def add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow]) -> SourceOutcome:
        with self.writing():
            outcome = self._add_source(source, releases)
            if _changes_links(outcome):
                self._set_state("links_stale", "1")
        self._keep_answers_current([outcome])
        return outcome

    def add_sources(self, batch: Sequence[tuple[SourceDocument, Sequence[ReleaseRow]]]
                    ) -> list[SourceOutcome | Exception]:
        """Store several sources in one transaction, each as `add_source` would. A source whose
        rows fail is rolled back alone and its error takes its place in the answer; one commit
        for the batch spares a parallel ingest a disk sync per source."""
        self.db.execute(f"PRAGMA cache_size = -{INGEST_CACHE_KIB}")
        with self.writing():
            outcomes = self._all_or_none(batch)
            if outcomes is None:  # a source failed: again, each in a savepoint of its own
                outcomes = [self._one_alone(source, releases) for source, releases in batch]
            if any(isinstance(item, SourceOutcome) and _changes_links(item) for item in outcomes):
                self._set_state("links_stale", "1")
        self._keep_answers_current(outcomes)
        return outcomes

    def _all_or_none(self, batch: Sequence[tuple[SourceDocument, Sequence[ReleaseRow]]]
                     ) -> list[SourceOutcome | Exception] | None:
        """Every source of the batch stored under one savepoint, or none (None) if one fails.
        Not a savepoint per source: releasing one makes FTS5 write its pending terms out as a
        segment of their own, which cost more than all the inserts (1.3 ms per source)."""
        self.db.execute("SAVEPOINT sources")
        try:
            outcomes: list[SourceOutcome | Exception] = [
                self._add_source(source, releases) for source, releases in batch]
        except sqlite3.OperationalError as error:
            self.db.execute("ROLLBACK TO sources")
            self.db.execute("RELEASE sources")
            if _is_busy(error):
                raise
            return None
        except Exception:  # noqa: BLE001 — one source's bad value: found by _one_alone
            self.db.execute("ROLLBACK TO sources")
            self.db.execute("RELEASE sources")
            return None
        self.db.execute("RELEASE sources")
        return outcomes

    def _one_alone(self, source: SourceDocument,
                   releases: Sequence[ReleaseRow]) -> SourceOutcome | Exception:
        """One source of a batch in a savepoint of its own: its outcome, or its error."""
        self.db.execute("SAVEPOINT one_source")
        try:
            outcome: SourceOutcome | Exception = self._add_source(source, releases)
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise
            self.db.execute("ROLLBACK TO one_source")
            outcome = error
        except Exception as error:  # noqa: BLE001 — one source's bad value, not the batch's
            self.db.execute("ROLLBACK TO one_source")
            outcome = error
        self.db.execute("RELEASE one_source")
        return outcome

    def _add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow]) -> SourceOutcome:
        row = self.db.execute("SELECT id, version FROM sources WHERE locator = ? AND sha256 = ?",
                              (source.locator, source.sha256)).fetchone()
        source_new = row is None
        if source_new:
            version = 1 + self.db.execute("SELECT COALESCE(MAX(version), 0) FROM sources "
                                          "WHERE locator = ?", (source.locator,)).fetchone()[0]
            cursor = self.db.execute(
                "INSERT INTO sources (locator, version, sha256, kind, encoding, title, fetched_at, "
                "data, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source.locator, version, source.sha256, source.kind, source.encoding,
                 source.title, source.fetched_at, source.data, source.text))
            source_id = cursor.lastrowid
        else:
            source_id, version = row
        return self._place(source_id, version, source_new, source, releases)

    def _add_releases(self, source_id: int, releases: Sequence[ReleaseRow]) -> None:
        """Insert new releases, already marked searchable, and index them: one statement per
        table for all of them, with the forms the rows carry (store/rows.py). Rowids are given
        as SQLite would pick them (one past the highest; this is the only writer)."""
        if not releases:
            return
        first = 1 + self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM releases").fetchone()[0]
        forms = [columns_of(release) for release in releases]
        now = _now()
        self.db.executemany(_INSERT_RELEASE, [
            (rowid, release.id, source_id, release.start, release.end, *form.values, now)
            for rowid, release, form in zip(range(first, first + len(releases)), releases, forms)])
        search_index.index_releases(self.db, [
            (rowid, form.folded_heading, form.folded_text, form.grams)
            for rowid, form in zip(range(first, first + len(releases)), forms)], mark=False)
        self._add_facets(releases)

    def _add_facets(self, releases: Sequence[ReleaseRow]) -> None:
        self.db.executemany("INSERT INTO release_categories VALUES (?, ?)",
                            [(release.id, item) for release in releases
                             for item in release.record.categories])
        self.db.executemany("INSERT INTO release_data_types VALUES (?, ?)",
                            [(release.id, item) for release in releases
                             for item in release.record.data_types])

    def _replace_release(self, release_id: str, source_id: int, release: ReleaseRow) -> None:
        """The release's record, text and place become its newest version's; its id and when
        it was first added stay."""
        rowid, heading, text, reference = self.db.execute(
            "SELECT rowid, heading, text, case_id FROM releases WHERE id = ?",
            (release_id,)).fetchone()
        versions.unindex(self.db, rowid, heading, text)
        record = release.record
        if reference and not record.case_id:  # a source's number is never lost
            record = replace(record, case_id=reference)
        # stored under the release's id: its link features name that id, not the row's
        form = stored_columns(release_id, record, release.text)
        assignments = ", ".join(f"{name} = ?" for name in
                                ("source_id", "start_offset", "end_offset", *STORED_COLUMNS))
        self.db.execute(f"UPDATE releases SET {assignments} WHERE id = ?",
                        (source_id, release.start, release.end, *form.values, release_id))
        self.db.execute("DELETE FROM release_categories WHERE release_id = ?", (release_id,))
        self.db.execute("DELETE FROM release_data_types WHERE release_id = ?", (release_id,))
        search_index.index_releases(
            self.db, [(rowid, form.folded_heading, form.folded_text, form.grams)])
        self._add_facets([replace(release, id=release_id, record=record, columns=None)])
        self.overlay_corrections(release_id, record.to_dict())  # a curator's value stays

    def _adopt_reference(self, release_id: str, reference: str) -> None:
        """A near-duplicate that states the source's case number (the casebook blog's print of
        an issuer's page) gives it to a release that had none, for linking and search."""
        found = self.release(release_id)
        if found is None or found.record.case_id:
            return
        record = replace(found.record, case_id=reference)
        features = json.dumps(link_item(found.id, record, found.text).to_json(),
                              ensure_ascii=False)
        self.db.execute("UPDATE releases SET case_id = ?, link_item = ? WHERE id = ?",
                        (reference, features, release_id))

    # -- reading ----------------------------------------------------------------------------

    def releases(self) -> Iterator[StoredRelease]:
        query = f"{self._SELECT} ORDER BY r.published IS NULL, r.published, r.rowid"
        for row in self.db.execute(query):
            yield stored(row)

    def cached(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, kept until the casebook changes. A commit by another connection moves
        data_version, one by this connection total_changes; either is then told from a write
        that changes nothing a page shows (a search answer kept, store/kept.py; a watched
        source's check) by the casebook's own stamp, which only the former moves."""
        state = (self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes)
        kept = self._cache.get(name)
        if kept is not None and kept[0] == state:
            return kept[2]
        stamp = self._content_stamp()
        value = kept[2] if kept is not None and kept[1] == stamp else compute()
        self._cache[name] = (state, stamp, value)
        return value

    def _content_stamp(self) -> str:
        """What moves when anything a cached page figure reads changes: the newest release,
        links, curator actions and corrections (`case_list_stamp`), and the newest source (a
        source may bring only occurrences of releases stored before)."""
        newest = self.db.execute("SELECT MAX(id) FROM sources").fetchone()[0]
        return f"{self.case_list_stamp()}|{newest}"

    def change_mark(self) -> tuple[str, str | None]:
        """A token that moves whenever what lists show changes, and the newest time among those
        changes: releases are only ever added (the newest rowid holds the newest added time),
        a linking run that moves a release stamps `links_changed`, curator actions and their
        undoing carry their own times. Feeds and exports make ETag and Last-Modified of it."""
        newest, links, actions = self.db.execute(
            "SELECT (SELECT rowid || ' ' || ingested_at FROM releases ORDER BY rowid DESC LIMIT 1), "
            "(SELECT value FROM store_state WHERE name = 'links_changed'), "
            "(SELECT COUNT(undone_at) || ' ' || COALESCE(MAX(id), 0) || ' ' || "
            "COALESCE(MAX(MAX(created_at), COALESCE(MAX(undone_at), '')), '') FROM case_actions)"
        ).fetchone()
        times = [part.rsplit(" ", 1)[-1] for part in (newest, links, actions) if part]
        return f"{newest}|{links}|{actions}", max((t for t in times if t), default=None)

    def _count(self) -> dict[str, int]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "sources": one("SELECT COUNT(*) FROM sources"),
            "releases": one("SELECT COUNT(*) FROM releases"),
            "incidents": one("SELECT COUNT(*) FROM releases WHERE is_incident"),
            "cases": one("SELECT COUNT(DISTINCT number) FROM case_members"),
        }

    # -- cases ------------------------------------------------------------------------------
    def _set_state(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO store_state VALUES (?, ?)", (name, value))

    def search(self, query: search_index.Query,
               facets=search_index.FACETS) -> search_index.Result:
        return search_index.search(self.db, query, facets, key=self.path)

    def releases_by_id(self, ids: Sequence[str], full: bool = False) -> list[StoredRelease]:
        """The releases with these ids, in the order given; without their text and evidence
        unless `full` (a list page shows neither)."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        select = self._SELECT if full else (
            "SELECT r.id, r.source_id, r.start_offset, r.end_offset, r.heading, "
            f"{', '.join('r.' + name for name in RELEASE_COLUMNS)}, '' AS text, '[]' AS evidence, "
            "s.locator AS source_locator FROM releases r JOIN sources s ON s.id = r.source_id")
        found = {row["id"]: stored(row) for row in
                 self.db.execute(f"{select} WHERE r.id IN ({marks})", list(ids))}
        return [found[i] for i in ids if i in found]

    def release_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """The text of each release with one of these ids (for search snippets)."""
        marks = ", ".join("?" * len(ids))
        return dict(self.db.execute(f"SELECT id, text FROM releases WHERE id IN ({marks})",
                                    list(ids)).fetchall()) if ids else {}

    def added_times(self, ids: Sequence[str]) -> dict[str, str]:
        """Release id → when it was first stored, for these releases."""
        marks = ", ".join("?" * len(ids))
        return dict(self.db.execute(f"SELECT id, ingested_at FROM releases WHERE id IN ({marks})",
                                    list(ids)).fetchall()) if ids else {}

    def stored_times(self) -> dict[str, str]:
        """Release id → when it was stored (ISO time, UTC): exports date their objects by it."""
        return dict(self.db.execute("SELECT id, ingested_at FROM releases").fetchall())

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        """A read-only query, for statistics and tests."""
        return self.db.execute(sql, parameters).fetchall()

    @property
    def watch(self) -> WatchTables:
        """The collector's watch list, seen links and collected releases (store/watch.py)."""
        return WatchTables(self.db)

    def close(self) -> None:
        self.db.close()


_INSERT_RELEASE = (
    f"INSERT INTO releases (rowid, id, source_id, start_offset, end_offset, "
    f"{', '.join(STORED_COLUMNS)}, ingested_at, searchable) "
    f"VALUES ({', '.join('?' * (6 + len(STORED_COLUMNS)))}, 1)")


def _changes_links(outcome: SourceOutcome) -> bool:
    """Whether a stored source leaves the cases to be linked again."""
    return bool(outcome.new or outcome.versions or versions.OCCURRENCE in outcome.kinds)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _busy(path: str) -> StoreBusy:
    return StoreBusy(f"{path}: the database is busy — another writer held it for more than "
                     f"{BUSY_TIMEOUT_S:g} s; nothing was changed, try again when it has finished")


def _statements(script: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
