"""SQLite bulk-ingest settings (migration 0010): what an existing casebook becomes and that its
search answers the same; the batch connection's page cache."""
from __future__ import annotations

import sqlite3

from jikenbo import pipeline
from jikenbo.ingest_parallel import ingest_parallel
from jikenbo.sources import ReadOptions
from jikenbo.store import open_store
from jikenbo.store.query import Query
from jikenbo.store.sqlite import INGEST_CACHE_KIB
from tests.conftest import sample_pages

DROPPED = {  # name → how 0001–0009 created it
    "releases_affected": "CREATE INDEX releases_affected ON releases(affected_count)",
    "release_categories_category":
        "CREATE INDEX release_categories_category ON release_categories(category, release_id)",
    "release_data_types_type":
        "CREATE INDEX release_data_types_type ON release_data_types(data_type, release_id)",
    "release_versions_content":
        "CREATE INDEX release_versions_content ON release_versions(content_id)",
}
# Trigram phrases, a two-character word (the grams table), a heading word and a facet.
QUERIES = [Query(q="個人情報", per_page=100), Query(q="不正アクセス", per_page=100),
           Query(q="流出", per_page=100), Query(q="メール 誤送信", per_page=100),
           Query(q="ランサムウェア", category=("malware",), per_page=100)]


def _answers(db: str) -> list[tuple[int, list[str]]]:
    store = open_store(db)
    try:
        return [(result.total, result.ids) for result in map(store.search, QUERIES)]
    finally:
        store.close()


def _as_before_0010(db: str) -> None:
    """Give a casebook stored now the schema it had before 0010 (its indexes back, FTS5's
    default hash size, 0010 not recorded)."""
    connection = sqlite3.connect(db, isolation_level=None)
    for statement in DROPPED.values():
        connection.execute(statement)
    for table in ("release_fts", "release_grams"):
        connection.execute(f"DELETE FROM {table}_config WHERE k = 'hashsize'")
    connection.execute("DELETE FROM schema_migrations WHERE version = 10")
    connection.close()


def _state(db: str) -> tuple[set[str], list[int]]:
    connection = sqlite3.connect(db)
    indexes = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index'")}
    sizes = [connection.execute(f"SELECT v FROM {table}_config WHERE k = 'hashsize'").fetchone()
             for table in ("release_fts", "release_grams")]
    connection.close()
    return indexes, [row[0] if row else None for row in sizes]


def test_0010_migrates_an_existing_casebook_and_search_answers_the_same(db: str) -> None:
    pages = [str(page) for page in sample_pages()]
    store = open_store(db)
    pipeline.ingest(store, pages[:3], ReadOptions())
    store.close()
    _as_before_0010(db)
    indexes, sizes = _state(db)
    assert set(DROPPED) <= indexes and sizes == [None, None]
    before = _answers(db)
    assert all(total for total, _ in before[:4]), before  # the queries find something
    assert _answers(db) == before  # opening migrated it; the answers did not change
    indexes, sizes = _state(db)
    assert not set(DROPPED) & indexes
    assert sizes == [8388608, 8388608]
    # releases stored after the migration are found like the ones before it
    store = open_store(db)
    summary = pipeline.ingest(store, pages[3:], ReadOptions())
    store.close()
    assert summary.new > 0
    after = _answers(db)
    assert all(total >= earlier for (total, _), (earlier, _) in zip(after, before))
    assert sum(total for total, _ in after) > sum(total for total, _ in before)


def test_a_batch_ingest_finds_what_one_by_one_finds(tmp_path) -> None:
    """The same pages stored in batches (bigger FTS5 hash, one segment per batch) and one
    transaction at a time: the same answers, in the same order."""
    pages = [str(page) for page in sample_pages()]
    one, batched = str(tmp_path / "one.db"), str(tmp_path / "batched.db")
    store = open_store(one)
    pipeline.ingest(store, pages, ReadOptions())
    store.close()
    store = open_store(batched)
    summary = ingest_parallel(store, pages, ReadOptions(), jobs=2)
    store.close()
    assert summary.failed == 0 and summary.new == 74
    assert _answers(batched) == _answers(one)


def test_the_storing_connection_keeps_a_larger_page_cache(db: str) -> None:
    store = open_store(db)
    try:
        assert store.execute("PRAGMA cache_size")[0][0] == -2000  # SQLite's default for reads
        store.add_sources([])
        assert store.execute("PRAGMA cache_size")[0][0] == -INGEST_CACHE_KIB
    finally:
        store.close()
