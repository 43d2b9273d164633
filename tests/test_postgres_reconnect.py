"""A store whose connection the server ended (a restart, an administrator's
pg_terminate_backend, an idle timeout) answers its next read and write on another connection
of the pool, instead of failing on every request of the web worker's thread that holds it."""
from __future__ import annotations

import psycopg

from jikenbo import pipeline
from jikenbo.sources import ReadOptions
from jikenbo.store import open_store
from jikenbo.store.search import Query
from tests.conftest import sample_pages


def _end_connection(url: str, store) -> int:
    """End the server process behind the store's connection, as an administrator would."""
    backend = store.db.connection.info.backend_pid
    with psycopg.connect(url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (backend,)).fetchone()[0]
        for _ in range(200):  # until the server has removed it
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                 (backend,)).fetchone():
                break
    return backend


def test_reads_searches_and_writes_go_on_after_the_server_ended_the_connection(
        pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        pages = [str(page) for page in sample_pages()]
        pipeline.ingest(store, pages[:4], ReadOptions())
        releases = store.db.execute("SELECT COUNT(*) FROM releases").fetchone()[0]
        found = store.search(Query(q="個人情報")).total

        ended = _end_connection(pg_url, store)
        assert store.db.execute("SELECT COUNT(*) FROM releases").fetchone()[0] == releases
        assert store.db.connection.info.backend_pid != ended

        _end_connection(pg_url, store)
        assert store.search(Query(q="個人情報", page=1)).total == found  # a snapshot: BEGIN first

        _end_connection(pg_url, store)
        summary = pipeline.ingest(store, pages[4:6], ReadOptions())  # write transactions
        assert summary.new > 0
        assert store.counts()["releases"] == releases + summary.new
    finally:
        store.close()
