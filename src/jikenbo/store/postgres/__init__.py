"""PostgreSQL backend: the same casebook as SQLite on a server several processes share.

psycopg 3 with a pool per database; numbered migrations (migrations/postgres) applied under an
advisory lock; writers take turns per transaction; caches key on a change counter."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from importlib import resources
from typing import Any, TypeVar

import psycopg
from psycopg import errors

from jikenbo.cases import link_item
from jikenbo.errors import JikenboError, StoreBusy
from jikenbo.sources import SourceDocument
from jikenbo.store import search as search_index
from jikenbo.store import versions
from jikenbo.store.base import ReleaseRow, SourceOutcome, StoredRelease
from jikenbo.store.cases import CaseTables
from jikenbo.store.curation import CurationTables
from jikenbo.store.fold import SIGNATURE
from jikenbo.store.postgres.batch import folded_forms, store_batch
from jikenbo.store.postgres.connection import Database, close_pool, display
from jikenbo.store.postgres.search import GRAMS, POSTGRES, folded, gram_text
from jikenbo.store.reads import RELEASE_COLUMNS, ReleaseReads, stored
from jikenbo.store.rows import columns_of, with_columns
from jikenbo.store.stats import StatisticsQueries
from jikenbo.store.watch import WatchTables

__all__ = ["PostgresStore", "close_pool"]
T = TypeVar("T")
_MIGRATE_LOCK = 0x6A696B656D  # pg_advisory_xact_lock key: one process migrates at a time
_RELEASE_INSERT = ", ".join(("id", "source_id", "start_offset", "end_offset", "heading", "text",
                             *RELEASE_COLUMNS, "evidence", "link_item", "ingested_at"))
# a release's search columns (migration 0006), from its folded forms: (folded, grams, id)
SEARCH_INSERT = ("INSERT INTO release_search (rowid, folded, grams) "
                 f"SELECT rowid, ?, {GRAMS} FROM releases WHERE id = ?")
_SEARCH_UPDATE = (f"UPDATE release_search SET folded = ?, grams = {GRAMS} "
                  "WHERE rowid = (SELECT rowid FROM releases WHERE id = ?)")
_CHUNK = 500  # releases read per statement when walking all of them
# While a batch is stored, the GIN indexes of search (release_search_folded, _grams) collect
# new entries in a pending list this large before merging them into the index: merging many
# releases' trigrams at once costs the server a fraction of merging every 4 MB (the default).
# Merged when the store is closed (`_after_ingest`).
_INGEST_PENDING_LIST = "64MB"
_ANALYZE_AFTER = 0.1  # share of the releases an ingest added that makes it ANALYZE
# The columns plans depend on: not the texts, folded texts, grams and evidence, whose sampling
# (every value detoasted) cost more than the rest of the statistics together.
_ANALYZED = ("releases (rowid, id, source_id, organization, published, case_id, is_incident, "
             "supply_chain, leak_status, affected_count), release_categories, release_data_types,"
             " occurrences, release_versions (release_id, version, content_id, source_id), "
             "sources (id, locator, version, sha256), release_search (rowid)")


# Curation comes before cases: its undo extends the cases' undo (as in SQLiteStore).
class PostgresStore(CurationTables, CaseTables, StatisticsQueries, ReleaseReads):
    _NO_LIMIT = None
    _SEARCH = POSTGRES
    _ERRORS = (psycopg.Error,)

    def __init__(self, url: str) -> None:
        self.url = self.path = url
        self._cache: dict[str, tuple[int, Any]] = {}
        self.db = Database(url)
        self._ingested = 0  # releases add_sources stored since the last `_after_ingest`
        try:
            _migrate(self.db.connection)
            _check_trigrams(self.db.connection, url)
            self._refold()
        except BaseException:
            self.db.close()
            raise

    def writing(self):
        return self.db.writing()

    def _refold(self) -> None:
        """Fold the search columns again when the folding rules (data/variants.json) changed
        since they were written; store_state keeps the rules' signature, as SQLite's
        user_version does."""
        def current() -> bool:
            row = self.db.execute("SELECT value FROM store_state "
                                  "WHERE name = 'fold_signature'").fetchone()
            return row is not None and row[0] == str(SIGNATURE)

        if current():
            return
        with self.writing():
            if current():  # another process did it while we waited
                return
            rows = self.db.execute("SELECT rowid, heading, text FROM releases").fetchall()
            self.db.executemany(f"UPDATE release_search SET folded = ?, grams = {GRAMS} "
                                "WHERE rowid = ?", [(folded(heading, text), gram_text(text), rowid)
                                                    for rowid, heading, text in rows])
            self._set_state("fold_signature", str(SIGNATURE))

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM schema_migrations "
                                                  "ORDER BY version")]

    # -- writing ----------------------------------------------------------------------------
    def add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow]) -> SourceOutcome:
        with self.writing():
            outcome = self._add_source(source, releases, _SourcesSeen(self.db, [source]))
            if _changes_links(outcome):
                self._set_state("links_stale", "1")
        self._keep_answers_current([outcome])
        return outcome

    def add_sources(self, batch: Sequence[tuple[SourceDocument, Sequence[ReleaseRow]]]
                    ) -> list[SourceOutcome | Exception]:
        """Store several sources in one transaction, each as `add_source` would: one writer's
        turn, one change-counter bump and one commit for the batch. The batch goes in whole
        (store/postgres/batch.py: its lookups read once, its rows written by COPY); when any of
        it fails, it is rolled back and stored again source by source, each in a savepoint of
        its own, so that a source whose rows fail is rolled back alone and its error takes its
        place in the answer."""
        with self.writing():
            self.db.execute(f"SET LOCAL gin_pending_list_limit = '{_INGEST_PENDING_LIST}'")
            outcomes = self._all_at_once(batch)
            if outcomes is None:
                outcomes = self._one_by_one(batch)
            if any(isinstance(item, SourceOutcome) and _changes_links(item) for item in outcomes):
                self._set_state("links_stale", "1")
        self._ingested += sum(item.new for item in outcomes if isinstance(item, SourceOutcome))
        self._keep_answers_current(outcomes)
        return outcomes

    def _all_at_once(self, batch: Sequence[tuple[SourceDocument, Sequence[ReleaseRow]]]
                     ) -> list[SourceOutcome | Exception] | None:
        """The batch stored whole under one savepoint, or nothing (None) if any of it fails."""
        try:
            with self.db.connection.transaction():  # SAVEPOINT … ROLLBACK TO on error
                seen = _SourcesSeen(self.db, [source for source, _ in batch])
                return list(store_batch(self, seen, batch))
        except (StoreBusy, errors.LockNotAvailable):
            raise
        except Exception:  # noqa: BLE001 — found again, and reported, source by source
            if self.db.connection.broken:
                raise
            return None

    def _one_by_one(self, batch: Sequence[tuple[SourceDocument, Sequence[ReleaseRow]]]
                    ) -> list[SourceOutcome | Exception]:
        outcomes: list[SourceOutcome | Exception] = []
        seen = _SourcesSeen(self.db, [source for source, _ in batch])
        for source, releases in batch:
            try:
                with self.db.connection.transaction():  # SAVEPOINT … ROLLBACK TO on error
                    outcome = self._add_source(source, releases, seen)
            except (StoreBusy, errors.LockNotAvailable):
                raise
            except Exception as error:  # noqa: BLE001 — one source's bad value
                if self.db.connection.broken:
                    raise
                outcomes.append(error)
                continue
            seen.stored(source, outcome)
            outcomes.append(outcome)
        return outcomes

    def _add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow],
                    seen: "_SourcesSeen") -> SourceOutcome:
        """As SQLiteStore's: store/versions.py decides what each row is; the new releases go in
        as one pipelined batch."""
        row = seen.found(source)
        source_new = row is None
        if source_new:
            version = 1 + seen.latest(source.locator)
            source_id = self.db.execute(
                "INSERT INTO sources (locator, version, sha256, kind, encoding, title, fetched_at, "
                "data, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source.locator, version, source.sha256, source.kind, source.encoding,
                 source.title, source.fetched_at, source.data, source.text)).lastrowid
        else:
            source_id, version = row
        return self._place(source_id, version, source_new, source, releases)

    def _add_releases(self, source_id: int, releases: Sequence[ReleaseRow]) -> None:
        if not releases:
            return
        marks = ", ".join(["?"] * (9 + len(RELEASE_COLUMNS)))
        releases = [with_columns(release) for release in releases]  # made once for both tables
        self.db.executemany(f"INSERT INTO releases ({_RELEASE_INSERT}) VALUES ({marks})",
                            [_release_values(source_id, release) for release in releases])
        self.db.executemany(SEARCH_INSERT, [_search_values(release) for release in releases])
        self._add_facets(releases)

    def _add_facets(self, releases: Sequence[ReleaseRow]) -> None:
        self.db.executemany("INSERT INTO release_categories VALUES (?, ?)",
                            [(r.id, item) for r in releases for item in r.record.categories])
        self.db.executemany("INSERT INTO release_data_types VALUES (?, ?)",
                            [(r.id, item) for r in releases for item in r.record.data_types])

    def _replace_release(self, release_id: str, source_id: int, release: ReleaseRow) -> None:
        """The release's record, text and place become its newest version's; its id and when
        it was first added stay (the search columns are computed from the new text)."""
        reference = self.db.execute("SELECT case_id FROM releases WHERE id = ?",
                                    (release_id,)).fetchone()[0]
        if reference and not release.record.case_id:  # a source's number is never lost
            release = replace(release, record=replace(release.record, case_id=reference))
        release = with_columns(replace(release, id=release_id))
        names = [name.strip() for name in _RELEASE_INSERT.split(",")]
        values = dict(zip(names, _release_values(source_id, release)))
        del values["id"], values["ingested_at"]
        assigned = ", ".join(f"{name} = ?" for name in values)
        self.db.execute(f"UPDATE releases SET {assigned} "
                        "WHERE id = ?", (*values.values(), release_id))
        self.db.execute(_SEARCH_UPDATE, _search_values(release))
        self.db.execute("DELETE FROM release_categories WHERE release_id = ?", (release_id,))
        self.db.execute("DELETE FROM release_data_types WHERE release_id = ?", (release_id,))
        self._add_facets([release])
        self.overlay_corrections(release_id, release.record.to_dict())  # a curator's value stays

    def _adopt_reference(self, release_id: str, reference: str) -> None:
        """A near-duplicate stating the source's case number gives it to a release without."""
        found = self.release(release_id)
        if found is None or found.record.case_id:
            return
        record = replace(found.record, case_id=reference)
        features = json.dumps(link_item(found.id, record, found.text).to_json(),
                              ensure_ascii=False)
        self.db.execute("UPDATE releases SET case_id = ?, link_item = ? WHERE id = ?",
                        (reference, features, release_id))

    def _set_state(self, name: str, value: str) -> None:
        self.db.execute("INSERT INTO store_state VALUES (?, ?) ON CONFLICT (name) "
                        "DO UPDATE SET value = excluded.value", (name, value))

    # -- reading ----------------------------------------------------------------------------
    def releases(self) -> Iterator[StoredRelease]:
        """Every release, oldest first, read in chunks (a million never sit in memory at once)."""
        order = [row[0] for row in self.db.execute(
            "SELECT rowid FROM releases ORDER BY published IS NULL, published, rowid")]
        for start in range(0, len(order), _CHUNK):
            chunk = order[start:start + _CHUNK]
            rows = {row["rowid"]: row for row in self.db.execute(
                f"{self._SELECT} WHERE r.rowid = ANY(?)", (chunk,))}
            for rowid in chunk:
                if rowid in rows:
                    yield stored(rows[rowid])

    def cached(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, kept until a write transaction (of any process) bumps the counter."""
        if self.db.in_transaction:  # this transaction's own writes are not counted yet
            return compute()
        state = self.db.execute("SELECT n FROM store_changes").fetchone()[0]
        kept = self._cache.get(name)
        if kept is None or kept[0] != state:
            kept = self._cache[name] = (state, compute())
        return kept[1]

    def change_mark(self) -> tuple[str, str | None]:
        """As SQLiteStore's: a token that moves whenever what lists show changes (the newest
        release, the last linking run that moved one, curator actions and their undoing), and
        the newest time among them (ETag and Last-Modified of feeds and exports)."""
        newest = self.db.execute("SELECT rowid, ingested_at FROM releases ORDER BY rowid DESC "
                                 "LIMIT 1").fetchone()
        links = self.db.execute("SELECT value FROM store_state "
                                "WHERE name = 'links_changed'").fetchone()
        undone, last, created, undone_at = self.db.execute(
            "SELECT COUNT(undone_at), COALESCE(MAX(id), 0), MAX(created_at), MAX(undone_at) "
            "FROM case_actions").fetchone()
        parts = (newest and f"{newest[0]} {newest[1]}", links and links[0],
                 f"{undone} {last} {max(created, undone_at or '') if created else ''}")
        times = [part.rsplit(" ", 1)[-1] for part in parts if part]
        return "|".join(str(part) for part in parts), max((t for t in times if t), default=None)

    def _count(self) -> dict[str, int]:
        row = self.db.execute(
            "SELECT (SELECT COUNT(*) FROM sources), COUNT(*), COUNT(*) FILTER (WHERE is_incident),"
            " (SELECT COUNT(DISTINCT number) FROM case_members) FROM releases").fetchone()
        return dict(zip(("sources", "releases", "incidents", "cases"), row))

    # -- cases ------------------------------------------------------------------------------
    def search(self, query: search_index.Query,
               facets=search_index.FACETS) -> search_index.Result:
        return search_index.search(self.db, query, facets, key=self.url, dialect=POSTGRES)

    def releases_by_id(self, ids: Sequence[str], full: bool = False) -> list[StoredRelease]:
        """The releases with these ids, in the order given; without their text and evidence
        unless `full`."""
        if not ids:
            return []
        select = self._SELECT if full else (
            "SELECT r.id, r.source_id, r.start_offset, r.end_offset, r.heading, "
            f"{', '.join('r.' + name for name in RELEASE_COLUMNS)}, '' AS text, '[]' AS evidence, "
            "s.locator AS source_locator FROM releases r JOIN sources s ON s.id = r.source_id")
        found = {row["id"]: stored(row) for row in
                 self.db.execute(f"{select} WHERE r.id = ANY(?)", (list(ids),))}
        return [found[i] for i in ids if i in found]

    def release_texts(self, ids: Sequence[str]) -> dict[str, str]:
        return self._by_id("text", ids)

    def added_times(self, ids: Sequence[str]) -> dict[str, str]:
        return self._by_id("ingested_at", ids)

    def _by_id(self, column: str, ids: Sequence[str]) -> dict[str, Any]:
        return dict(self.db.execute(f"SELECT id, {column} FROM releases WHERE id = ANY(?)",
                                    (list(ids),)).fetchall()) if ids else {}

    def stored_times(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, ingested_at FROM releases").fetchall())

    @property
    def watch(self) -> WatchTables:
        return WatchTables(self.db)

    def close(self) -> None:
        try:
            if self._ingested:
                self._after_ingest()
        except (psycopg.Error, JikenboError):
            pass  # the server gone, or a role that may not: autovacuum does it later
        finally:
            self.db.close()

    def _after_ingest(self) -> None:
        """After batches were stored: the search indexes' pending lists (the batches let them
        grow to _INGEST_PENDING_LIST) merged into the indexes, so that searches do not read
        them row by row; and the planner's statistics made again when the ingest added a good
        share of the releases (its plans for the facet and search statements depend on them)."""
        for index in ("release_search_folded", "release_search_grams"):
            self.db.execute("SELECT gin_clean_pending_list(?::regclass)", (index,))
        total = self.db.execute("SELECT COUNT(*) FROM releases").fetchone()[0]
        if self._ingested >= _ANALYZE_AFTER * total:
            self.db.connection.execute(f"ANALYZE {_ANALYZED}")
        self._ingested = 0


class _SourcesSeen:
    """The stored sources a batch names, read in two statements rather than two per source:
    (id, version) by locator and digest, and each locator's newest version. Sources the batch
    itself stores are added as they commit to their savepoint."""

    def __init__(self, db: Database, sources: Sequence[SourceDocument]) -> None:
        locators = sorted({source.locator for source in sources})
        # the pairs, joined to the (locator, sha256) key: `locator = ANY(…) AND sha256 = ANY(…)`
        # was planned as a scan of every source (30 ms a batch at 10k sources, growing)
        self.rows: dict[tuple[str, str], tuple[int, int]] = {
            (row[0], row[1]): (row[2], row[3]) for row in db.execute(
                "SELECT s.locator, s.sha256, s.id, s.version FROM unnest(?::text[], ?::text[]) "
                "AS wanted (locator, sha256) JOIN sources s ON s.locator = wanted.locator "
                "AND s.sha256 = wanted.sha256",
                ([source.locator for source in sources], [source.sha256 for source in sources]))}
        self.versions: dict[str, int] = dict(db.execute(
            "SELECT locator, MAX(version) FROM sources WHERE locator = ANY(?) GROUP BY locator",
            (locators,)).fetchall())

    def found(self, source: SourceDocument) -> tuple[int, int] | None:
        return self.rows.get((source.locator, source.sha256))

    def latest(self, locator: str) -> int:
        return self.versions.get(locator, 0)

    def stored(self, source: SourceDocument, outcome: SourceOutcome) -> None:
        self.rows[(source.locator, source.sha256)] = (outcome.source_id, outcome.version)
        self.versions[source.locator] = max(outcome.version, self.latest(source.locator))


def _changes_links(outcome: SourceOutcome) -> bool:
    """A new release, a new version or a new place of one: the cases may need relinking."""
    return bool(outcome.new or outcome.versions or versions.OCCURRENCE in outcome.kinds)


def _release_values(source_id: int, release: ReleaseRow) -> tuple:
    """The releases row of `_RELEASE_INSERT`: the stored forms the row carries when they are
    its own (computed by the ingest's workers), else computed now (store/rows.py)."""
    form = columns_of(release)
    return (release.id, source_id, release.start, release.end, *form.values, _now())


def _search_values(release: ReleaseRow) -> tuple[str, str, str]:
    """(folded, grams, id) of `SEARCH_INSERT` and `_SEARCH_UPDATE`."""
    form = columns_of(release)
    return folded_forms(form.folded_heading, form.folded_text), form.grams, release.id


def _migrate(connection: psycopg.Connection) -> None:
    """Apply the migrations not yet applied, all in one transaction under an advisory lock:
    workers starting together wait for the first, then find nothing left to do."""
    folder = resources.files("jikenbo.store").joinpath("migrations", "postgres")
    scripts = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
                     key=lambda entry: entry.name)
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer "
                           "PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)")
        applied = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
        for entry in scripts:
            version = int(entry.name.split("_", 1)[0])
            if version not in applied:
                connection.execute(entry.read_text(encoding="utf-8"))
                connection.execute("INSERT INTO schema_migrations VALUES (%s, %s, now())",
                                   (version, entry.name))


def _check_trigrams(connection: psycopg.Connection, url: str) -> None:
    """pg_trgm finds no trigrams in Japanese text when the database's LC_CTYPE is C."""
    if not connection.execute("SELECT show_trgm('個人情報')").fetchone()[0]:
        ctype = connection.execute("SHOW lc_ctype").fetchone()[0]
        raise JikenboError(
            f"{display(url)}: the database's LC_CTYPE is {ctype!r}, where pg_trgm cannot index "
            "Japanese; create it with ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' TEMPLATE template0")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
