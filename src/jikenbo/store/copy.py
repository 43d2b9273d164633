"""Copy a whole casebook between backends (SQLite ⇄ PostgreSQL), table by table, losing
nothing: archived originals, releases and their versions, case numbers and registry, curator
history (case and field corrections, reviews), watch tables.

Rows keep their ids (the order releases were stored in too); the destination's own search index
is built from the copied text (SQLite's FTS tables when it is next opened, PostgreSQL's folded
text and grams as the rows go in)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from jikenbo.errors import UsageError
from jikenbo.store.base import Store

_PROGRESS_EVERY = 10_000


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    order: str                           # the order rows are read (and so stored) in
    booleans: tuple[str, ...] = ()       # INTEGER 0/1 in SQLite, boolean in PostgreSQL
    key: str | None = None               # an id column whose sequence follows the copy
    where: str = "TRUE"                  # the rows that belong to the casebook


# In dependency order: each table after the ones it refers to.
TABLES = (
    Table("sources", ("id", "locator", "version", "sha256", "kind", "encoding", "title",
                      "fetched_at", "data", "text"), "id", key="id"),
    Table("releases", ("id", "source_id", "start_offset", "end_offset", "heading", "text",
                       "case_id", "organization", "title", "published", "earlier_releases",
                       "is_incident", "supply_chain", "vendors", "categories", "data_types",
                       "affected_count", "leak_status", "discovered", "evidence", "link_item",
                       "ingested_at"), "rowid", booleans=("is_incident", "supply_chain")),
    Table("release_categories", ("release_id", "category"), "release_id, category"),
    Table("release_data_types", ("release_id", "data_type"), "release_id, data_type"),
    Table("occurrences", ("release_id", "source_id", "start_offset", "end_offset",
                          "content_id"), "source_id, start_offset, release_id"),
    Table("release_versions", ("release_id", "version", "content_id", "source_id",
                               "start_offset", "end_offset", "text", "fetched_at", "added_at"),
          "release_id, version"),
    Table("case_members", ("release_id", "number"), "release_id"),
    Table("case_registry", ("seq", "number", "anchor", "own", "preferred", "issued_at"), "seq",
          booleans=("own",), key="seq"),
    Table("case_aliases", ("old_number", "number"), "old_number"),
    Table("case_actions", ("id", "kind", "summary", "note", "created_at", "revert", "undone_at"),
          "id", key="id"),
    Table("case_corrections", ("id", "kind", "a", "b", "note", "created_at", "action_id"), "id",
          key="id"),
    Table("release_corrections", ("id", "release_id", "field", "value", "extracted", "note",
                                  "created_at", "action_id"), "id", key="id"),
    Table("release_reviews", ("id", "release_id", "note", "created_at", "action_id"), "id",
          key="id"),
    # the folding rules' signature belongs to the database (its search columns), not the casebook
    Table("store_state", ("name", "value"), "name", where="name <> 'fold_signature'"),
    Table("watch_sources", ("id", "url", "kind", "every_seconds", "organization", "include",
                            "exclude", "added_at", "etag", "last_modified", "last_checked",
                            "last_status", "last_message", "failures", "next_check"), "id",
          key="id"),
    Table("watch_links", ("source_id", "url", "link_text", "decision", "reason", "signature",
                          "etag", "last_modified", "first_seen", "last_seen"), "source_id, url"),
    Table("watch_releases", ("source_id", "release_id", "url", "collected_at"),
          "source_id, release_id"),
)


def is_empty(store: Store) -> bool:
    return not any(store.db.execute(f"SELECT 1 FROM {table.name} WHERE {table.where} "
                                    "LIMIT 1").fetchone() for table in TABLES)


def copy(source: Store, destination: Store, replace: bool = False,
         progress: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Copy every table of `source` into `destination` in one transaction; returns the rows
    copied per table. A destination holding anything is refused unless `replace`."""
    copied: dict[str, int] = {}
    postgres = _is_postgres(destination)
    with destination.writing():
        if not is_empty(destination):
            if not replace:
                raise UsageError("the destination casebook is not empty; give --replace to "
                                 "overwrite it")
            _clear(destination, postgres)
        # answers kept by the destination name its rowids, which the copy gives anew
        destination.db.execute("DELETE FROM kept_terms")
        for table in TABLES:
            copied[table.name] = _copy_table(source, destination, table, postgres, progress)
            progress(f"{table.name}: {copied[table.name]:,} rows")
        if postgres:  # ids given explicitly do not move an identity column's sequence
            for table in TABLES:
                if table.key:
                    destination.db.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{table.key}'), "
                        f"COALESCE((SELECT MAX({table.key}) FROM {table.name}), 0) + 1, false)")
    if not postgres:
        destination._index_unsearchable()  # SQLite's FTS tables, from the copied text
    return copied


def _copy_table(source: Store, destination: Store, table: Table, postgres: bool,
                progress: Callable[[str], None]) -> int:
    select = (f"SELECT {', '.join(table.columns)} FROM {table.name} WHERE {table.where} "
              f"ORDER BY {table.order}")
    rows = source.db.stream(select) if _is_postgres(source) else source.db.execute(select)
    columns = table.columns
    booleans = [columns.index(name) for name in table.booleans]
    insert = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
              f"VALUES ({', '.join('?' * len(columns))})")
    count = 0
    for batch in _batches(rows, 500):
        batch = [_converted(row, booleans) for row in batch]
        destination.db.executemany(insert, batch)
        if postgres and table.name == "releases":
            _index_releases(destination, batch)
        count += len(batch)
        if count % _PROGRESS_EVERY == 0:
            progress(f"{table.name}: {count:,} rows…")
    return count


def _converted(row: tuple, booleans: list[int]) -> tuple:
    values = list(row)
    for index in booleans:
        values[index] = bool(values[index])
    return tuple(values)


def _index_releases(destination: Store, rows: list[tuple]) -> None:
    """PostgreSQL's search columns of copied releases rows (id, …, heading, text, …)."""
    from jikenbo.store.postgres import SEARCH_INSERT
    from jikenbo.store.postgres.search import folded, gram_text
    destination.db.executemany(SEARCH_INSERT, [(folded(row[4], row[5]), gram_text(row[5]),
                                                row[0]) for row in rows])


def _clear(destination: Store, postgres: bool) -> None:
    for table in reversed(TABLES):
        destination.db.execute(f"DELETE FROM {table.name} WHERE {table.where}")
    if not postgres:
        destination.db.execute("INSERT INTO release_fts(release_fts) VALUES ('delete-all')")
        destination.db.execute("INSERT INTO release_grams(release_grams) VALUES ('delete-all')")


def _is_postgres(store: Store) -> bool:
    return hasattr(store.db, "stream")


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(tuple(row))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
