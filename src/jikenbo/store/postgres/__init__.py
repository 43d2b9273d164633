"""PostgreSQL backend: the same casebook as SQLite on a server several processes share.

psycopg 3 with a pool per database; numbered migrations (migrations/postgres) applied under an
advisory lock; writers take turns per transaction; caches key on a change counter."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from importlib import resources
from typing import Any, TypeVar

import psycopg

from jikenbo.cases import LinkItem, link_item
from jikenbo.errors import JikenboError
from jikenbo.record import Record
from jikenbo.sources import SourceDocument
from jikenbo.store import search as search_index
from jikenbo.store.base import ReleaseRow, SourceOutcome, StoredRelease
from jikenbo.store.cases import CaseTables
from jikenbo.store.fold import SIGNATURE
from jikenbo.store.postgres.connection import Database, close_pool, display
from jikenbo.store.postgres.search import POSTGRES, folded, gram_list
from jikenbo.store.sqlite import _JSON_COLUMNS, _RELEASE_COLUMNS, _stored
from jikenbo.store.watch import WatchTables

__all__ = ["PostgresStore", "close_pool"]
T = TypeVar("T")
_MIGRATE_LOCK = 0x6A696B656D  # pg_advisory_xact_lock key: one process migrates at a time
_RELEASE_INSERT = ", ".join(("id", "source_id", "start_offset", "end_offset", "heading", "text",
                             *_RELEASE_COLUMNS, "evidence", "link_item", "ingested_at",
                             "folded", "grams"))
_CHUNK = 500  # releases read per statement when walking all of them


class PostgresStore(CaseTables):
    _NO_LIMIT = None
    _SELECT = ("SELECT r.*, s.locator AS source_locator FROM releases r "
               "JOIN sources s ON s.id = r.source_id")
    _stored = staticmethod(lambda row: _stored(row))

    def __init__(self, url: str) -> None:
        self.url = self.path = url
        self._cache: dict[str, tuple[int, Any]] = {}
        self.db = Database(url)
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
            self.db.executemany("UPDATE releases SET folded = ?, grams = ? WHERE rowid = ?",
                                [(folded(heading, text), gram_list(text), rowid)
                                 for rowid, heading, text in rows])
            self._set_state("fold_signature", str(SIGNATURE))

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM schema_migrations "
                                                  "ORDER BY version")]

    # -- writing ----------------------------------------------------------------------------
    def add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow]) -> SourceOutcome:
        with self.writing():
            outcome = self._add_source(source, releases)
            if outcome.new:
                self._set_state("links_stale", "1")
            return outcome

    def _add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow]) -> SourceOutcome:
        row = self.db.execute("SELECT id, version FROM sources WHERE locator = ? AND sha256 = ?",
                              (source.locator, source.sha256)).fetchone()
        source_new = row is None
        if source_new:
            version = 1 + self.db.execute("SELECT COALESCE(MAX(version), 0) FROM sources "
                                          "WHERE locator = ?", (source.locator,)).fetchone()[0]
            source_id = self.db.execute(
                "INSERT INTO sources (locator, version, sha256, kind, encoding, title, fetched_at, "
                "data, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source.locator, version, source.sha256, source.kind, source.encoding,
                 source.title, source.fetched_at, source.data, source.text)).lastrowid
        else:
            source_id, version = row
        new = self._add_releases(source_id, releases)
        self.db.executemany("INSERT INTO occurrences VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            [(r.id, source_id, r.start, r.end) for r in releases])
        return SourceOutcome(source_id, version, source_new, len(new), len(releases) - len(new))

    def _add_releases(self, source_id: int, releases: Sequence[ReleaseRow]) -> set[str]:
        """Insert the releases not stored yet (one pipelined batch); returns their ids."""
        if not releases:
            return set()
        marks = ", ".join("?" * (11 + len(_RELEASE_COLUMNS)))
        new = set(self.db.returning(
            f"INSERT INTO releases ({_RELEASE_INSERT}) VALUES ({marks}) "
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            [_release_values(source_id, release) for release in releases]))
        records: dict[str, Record] = {}
        for release in releases:  # the first of a text a page holds twice is the one stored
            if release.id in new:
                records.setdefault(release.id, release.record)
        self.db.executemany("INSERT INTO release_categories VALUES (?, ?)",
                            [(rid, item) for rid, r in records.items() for item in r.categories])
        self.db.executemany("INSERT INTO release_data_types VALUES (?, ?)",
                            [(rid, item) for rid, r in records.items() for item in r.data_types])
        return new

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
                    yield _stored(rows[rowid])

    def release(self, id_prefix: str) -> StoredRelease | None:
        prefix = id_prefix.lower()
        rows = self.db.execute(f"{self._SELECT} WHERE r.id >= ? AND r.id < ? LIMIT 2",
                               (prefix, prefix + "~")).fetchall()
        if len(rows) > 1:
            raise JikenboError(f"release id {id_prefix!r} is ambiguous; give more characters")
        return _stored(rows[0]) if rows else None

    def source_data(self, source_id: int) -> tuple[str, bytes, str]:
        row = self.db.execute("SELECT locator, data, text FROM sources WHERE id = ?",
                              (source_id,)).fetchone()
        return row["locator"], bytes(row["data"]), row["text"]

    def counts(self) -> dict[str, int]:
        return dict(self.cached("counts", self._count))

    def cached(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, kept until a write transaction (of any process) bumps the counter."""
        if self.db.in_transaction:  # this transaction's own writes are not counted yet
            return compute()
        state = self.db.execute("SELECT n FROM store_changes").fetchone()[0]
        kept = self._cache.get(name)
        if kept is None or kept[0] != state:
            kept = self._cache[name] = (state, compute())
        return kept[1]

    def _count(self) -> dict[str, int]:
        row = self.db.execute(
            "SELECT (SELECT COUNT(*) FROM sources), COUNT(*), COUNT(*) FILTER (WHERE is_incident),"
            " (SELECT COUNT(DISTINCT number) FROM case_members) FROM releases").fetchone()
        return dict(zip(("sources", "releases", "incidents", "cases"), row))

    # -- cases ------------------------------------------------------------------------------
    def link_items(self) -> list[LinkItem]:
        items = []
        for row in self.db.execute("SELECT id, link_item FROM releases ORDER BY rowid"):
            if row["link_item"]:
                items.append(LinkItem.from_json(json.loads(row["link_item"])))
                continue
            found = self.release(row["id"])  # a release copied from an older casebook
            item = link_item(found.id, found.record, found.text)
            self.db.execute("UPDATE releases SET link_item = ? WHERE id = ?",
                            (json.dumps(item.to_json(), ensure_ascii=False), found.id))
            items.append(item)
        return items

    def links_stale(self) -> bool:
        row = self.db.execute("SELECT value FROM store_state WHERE name = 'links_stale'").fetchone()
        return row is not None and row[0] == "1"

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
            f"{', '.join('r.' + name for name in _RELEASE_COLUMNS)}, '' AS text, '[]' AS evidence, "
            "s.locator AS source_locator FROM releases r JOIN sources s ON s.id = r.source_id")
        found = {row["id"]: _stored(row) for row in
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
        self.db.close()


def _release_values(source_id: int, release: ReleaseRow) -> tuple:
    record = release.record.to_dict()
    values = [json.dumps(record[name], ensure_ascii=False) if name in _JSON_COLUMNS
              else record[name] for name in _RELEASE_COLUMNS]
    evidence = json.dumps(release.record.to_dict(with_evidence=True)["evidence"],
                          ensure_ascii=False)
    features = json.dumps(link_item(release.id, release.record, release.text).to_json(),
                          ensure_ascii=False)
    return (release.id, source_id, release.start, release.end, record["heading"], release.text,
            *values, evidence, features, _now(), folded(record["heading"], release.text),
            gram_list(release.text))


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
