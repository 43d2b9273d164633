"""What only the PostgreSQL backend has: migrations under an advisory lock, the UTF-8 ctype
check, its connection errors, the change counter, writers taking turns; and the CLI on it."""
from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from jikenbo import pipeline
from jikenbo.errors import JikenboError
from jikenbo.sources import ReadOptions, load
from jikenbo.store import open_store
from jikenbo.store.postgres import PostgresStore
from jikenbo.store import search
from jikenbo.store.search import Query
from jikenbo.store.watch import WatchEntry
from tests.conftest import _pg_admin, _pg_database, pg_database, run_cli, sample_pages

MIGRATIONS = sorted(path.name for path in (
    Path(__file__).parents[1] / "src/jikenbo/store/migrations/postgres").glob("*.sql"))


def test_workers_starting_together_migrate_once(pg_server: str) -> None:
    with pg_database(pg_server) as url:  # an empty database: nothing migrated yet
        opened, failures = [], []

        def start() -> None:
            try:
                opened.append(PostgresStore(url))
            except Exception as error:  # noqa: BLE001  (the test reports any)
                failures.append(error)

        workers = [threading.Thread(target=start) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert failures == [] and len(opened) == 4
        assert opened[0].migrations() == MIGRATIONS
        for store in opened:
            store.close()


def test_a_database_whose_ctype_cannot_index_japanese_is_refused(pg_server: str) -> None:
    name = "jikenbo_c_ctype"
    _pg_admin(pg_server, f"DROP DATABASE IF EXISTS {name}",
              f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
              "LC_CTYPE 'C'")
    try:
        with pytest.raises(JikenboError, match="LC_CTYPE is 'C'.*C.UTF-8"):
            open_store(_pg_database(pg_server, name))
    finally:
        from jikenbo.store.postgres import close_pool
        close_pool(_pg_database(pg_server, name))
        _pg_admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_pg_trgm_indexes_japanese_in_the_databases_we_make(pg_url: str) -> None:
    with psycopg.connect(pg_url) as connection:
        assert connection.execute("SELECT show_trgm('個人情報')").fetchone()[0]
        plan = "\n".join(row[0] for row in connection.execute(
            "EXPLAIN SELECT rowid FROM release_search WHERE folded LIKE '%個人情報%'"))
    assert "release_search_folded" in plan or "Seq Scan" in plan  # the index exists to be chosen


def test_every_write_transaction_moves_the_change_counter(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        counter = lambda: store.db.execute("SELECT n FROM store_changes").fetchone()[0]  # noqa: E731
        before = counter()
        pipeline.ingest(store, [str(sample_pages()[0])], ReadOptions())
        after_ingest = counter()
        store.watch.add(WatchEntry("https://example.jp/feed.xml", kind="feed"))
        assert before < after_ingest < counter()
    finally:
        store.close()


def test_a_second_writer_waits_for_the_first(pg_url: str) -> None:
    first, second = open_store(pg_url), open_store(pg_url)
    extracted = pipeline.extract_source(load(str(sample_pages()[2])))
    order: list[str] = []

    def write() -> None:
        pipeline.store_extracted(second, extracted)
        order.append("second")

    try:
        with first.writing():
            waiting = threading.Thread(target=write)
            waiting.start()
            waiting.join(0.5)
            order.append("first")  # the second writer is still waiting for the lock
        waiting.join(30)
        assert order == ["first", "second"] and second.counts()["sources"] == 1
    finally:
        first.close()
        second.close()


# -- the CLI on PostgreSQL -------------------------------------------------------------------
def test_the_cli_ingests_links_shows_and_curates_on_postgresql(pg_url: str) -> None:
    env = {"JIKENBO_DB": pg_url}
    stored = run_cli("ingest", str(sample_pages()[0]), str(sample_pages()[1]), env=env)
    assert stored.returncode == 0, stored.stderr
    again = run_cli("ingest", str(sample_pages()[0]), env=env).stderr
    assert b", 0 new, 30 unchanged," in again
    listed = run_cli("cases", env=env).stdout.decode().splitlines()
    first, second = listed[0].split()[0], listed[1].split()[0]
    merged = run_cli("case", "merge", first, second, env=env)
    assert merged.returncode == 0 and f"merged {second} into {first}" in merged.stdout.decode()
    shown = run_cli("case", "show", first, env=env).stdout.decode()
    assert second in shown
    assert run_cli("case", "undo", env=env).returncode == 0
    assert len(run_cli("cases", env=env).stdout.decode().splitlines()) == len(listed)


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql://jikenbo@/casebook?host={tmp_path}"  # no server listens there
    done = run_cli("ingest", "--db", url, str(sample_pages()[0]))
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and b"Traceback" not in done.stderr
    assert lines[0].startswith(f"error: cannot connect to PostgreSQL at {url}: ")
    assert lines[0].endswith("is the server running?")


def test_a_password_is_never_shown(tmp_path: Path) -> None:
    done = run_cli("cases", "--db", f"postgresql://me:s3cret@/casebook?host={tmp_path}")
    assert b"s3cret" not in done.stderr and b"me:***@" in done.stderr


def test_search_columns_are_folded_again_when_the_rules_change(pg_url: str) -> None:
    store = open_store(pg_url)
    pipeline.ingest(store, [str(sample_pages()[0])], ReadOptions())
    found = store.search(Query(q="漏洩")).ids
    store.db.execute("UPDATE store_state SET value = 'older rules' WHERE name = 'fold_signature'")
    store.db.execute("UPDATE release_search SET folded = '', grams = '{}'")
    store.close()
    search._INDEXES.clear()  # this process's cached term masks would answer without the columns
    reopened = open_store(pg_url)
    try:
        assert found and reopened.search(Query(q="漏えい")).ids == found
    finally:
        reopened.close()


def test_the_web_casebook_serves_from_postgresql(pg_url: str) -> None:
    import httpx

    from tests.helpers import casebook_server
    assert run_cli("ingest", "--db", pg_url, *map(str, sample_pages())).returncode == 0
    with casebook_server(pg_url) as base:
        for path in ("/", "/search?q=紛失", "/search?q=漏洩&category=unauthorized_access",
                     "/cases", "/stats", "/api/stats", "/api/search?q=個人情報", "/sources"):
            response = httpx.get(base + path, timeout=30)
            assert response.status_code == 200, (path, response.text[:300])
        found = httpx.get(base + "/api/search", params={"q": "紛失"}, timeout=30).json()
    store = open_store(pg_url)
    try:
        expected = store.search(Query(q="紛失"))
    finally:
        store.close()
    assert found["total"] == expected.total == 3
