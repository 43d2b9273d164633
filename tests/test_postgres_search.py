"""PostgreSQL's term lookups (migrations 0004 and 0006): the releases whose grams hold a
character or pair, read through the GIN index whatever share of the table they are; the
releases whose folded text holds a longer term; and the table release_search they read, filled
by every way a release is stored and by upgrading a casebook stored before it."""
from __future__ import annotations

from contextlib import closing
from importlib import resources

import psycopg

from jikenbo import pipeline
from jikenbo.pipeline import extract_source
from jikenbo.sources import ReadOptions, load
from jikenbo.store import open_store
from jikenbo.store.fold import searchable
from jikenbo.store.postgres.search import _like, folded, gram_list
from jikenbo.store.search import Query
from tests.conftest import pg_database, sample_pages
from tests.test_versions import SHIRAI


def test_gram_rowids_are_the_releases_holding_the_term(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        pipeline.ingest(store, [str(page) for page in sample_pages()], ReadOptions())
        rows = store.db.execute("SELECT rowid, text FROM releases").fetchall()
        held = {rowid: set(gram_list(text)) for rowid, text in rows}
        # 情 stands in nearly every release (a whole-table read would be the planner's choice),
        # 紛失 in a few, and 鰻 in none
        for term in ("情", "報", "紛失", "漏え", "鰻"):
            listed = store.db.execute("SELECT jikenbo_gram_rowids(?)", (term,)).fetchone()[0]
            found = sorted(int(rowid) for rowid in listed.split(",")) if listed else []
            assert found == sorted(rowid for rowid, grams in held.items() if term in grams)
        assert len(found) == 0 and len(rows) > 20
        common = store.db.execute("SELECT jikenbo_gram_rowids('情')").fetchone()[0]
        assert len(common.split(",")) > len(rows) // 2
    finally:
        store.close()


def _listed(store, sql: str, argument: str) -> list[int]:
    listed = store.db.execute(sql, (argument,)).fetchone()[0]
    return sorted(int(rowid) for rowid in listed.split(",")) if listed else []


def test_text_rowids_are_the_releases_whose_folded_text_holds_the_term(pg_url: str) -> None:
    """Terms of 3+ characters (migration 0006): LIKE on the folded heading and text."""
    with closing(open_store(pg_url)) as store:
        pipeline.ingest(store, [str(page) for page in sample_pages()], ReadOptions())
        texts = {rowid: folded(heading, text) for rowid, heading, text in
                 store.db.execute("SELECT rowid, heading, text FROM releases")}
        # common, rarer, spanning a folded variant (ｱｸｾｽ is アクセス), with LIKE's own
        # wildcards in it, and absent
        for term in ("個人情報", "委託先", "不正アクセス", "100%", "a_b", "鰻重を"):
            wanted = sorted(rowid for rowid, text in texts.items() if searchable(term) in text)
            assert _listed(store, "SELECT jikenbo_text_rowids(?)", _like(searchable(term))) \
                == wanted, term
        assert _listed(store, "SELECT jikenbo_text_rowids(?)", _like("個人情報"))


def test_every_way_of_storing_a_release_fills_its_search_row(pg_url: str, tmp_path) -> None:
    """release_search holds one row per release, of its current text: a batch (COPY), one
    source at a time, a new version of a release, and a copy from SQLite."""
    page = tmp_path / "notice.txt"
    page.write_text(SHIRAI.read_text(encoding="utf-8"), encoding="utf-8")
    with closing(open_store(pg_url)) as store:
        batch = [extract_source(load(str(path))) for path in sample_pages()[:2]]
        store.add_sources([(pipeline.stored_source(extracted), pipeline.release_rows(extracted))
                           for extracted in batch])  # a batch: written by COPY
        pipeline.store_source(store, extract_source(load(str(page))))  # one source
        page.write_text(SHIRAI.read_text(encoding="utf-8")
                        + "\n【追記】調査の結果、鰻重店の顧客情報も含まれていました。\n", encoding="utf-8")
        outcome = pipeline.store_source(store, extract_source(load(str(page))))
        assert outcome.versions  # the notice's new version, not a new release
        _assert_search_rows(store)
        assert store.search(Query(q="鰻重店")).total == 1


def test_a_copy_from_sqlite_fills_the_search_rows(casebook: str, pg_url: str) -> None:
    from jikenbo.store.copy import copy
    with closing(open_store(casebook)) as source, closing(open_store(pg_url)) as destination:
        copy(source, destination)
        _assert_search_rows(destination)


def _assert_search_rows(store) -> None:
    rows = store.db.execute(
        "SELECT r.rowid, r.heading, r.text, s.folded, s.grams FROM releases r "
        "LEFT JOIN release_search s ON s.rowid = r.rowid").fetchall()
    assert rows and store.db.execute("SELECT COUNT(*) FROM release_search").fetchone()[0] \
        == len(rows)
    for _, heading, text, folded_text, grams in rows:
        assert folded_text == folded(heading, text) and grams == gram_list(text)


def test_upgrading_moves_the_stored_search_columns(pg_server: str) -> None:
    """A casebook stored before migration 0006 (folded and grams on releases) is searched
    alike after it: the columns move to release_search, with their indexes."""
    folder = resources.files("jikenbo.store").joinpath("migrations", "postgres")
    earlier = sorted(entry for entry in folder.iterdir()
                     if entry.name.endswith(".sql") and entry.name < "0006")
    heading, text = "委託先への不正アクセスについて", "委託先のサーバに不正アクセスがあり、個人情報が漏えいした可能性があります。"
    with pg_database(pg_server) as url:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, "
                               "name text NOT NULL, applied_at timestamptz NOT NULL)")
            for entry in earlier:
                connection.execute(entry.read_text(encoding="utf-8"))
                connection.execute("INSERT INTO schema_migrations VALUES (%s, %s, now())",
                                   (int(entry.name[:4]), entry.name))
            connection.execute(
                "INSERT INTO sources (locator, version, sha256, kind, fetched_at, data, text) "
                "VALUES ('notice.txt', 1, 'x', 'text', '2024-08-01', '', %s)", (text,))
            connection.execute(
                "INSERT INTO releases (id, source_id, start_offset, end_offset, heading, text, "
                "title, earlier_releases, is_incident, supply_chain, vendors, categories, "
                "data_types, leak_status, evidence, ingested_at, folded, grams) VALUES "
                "('r1', 1, 0, 10, %s, %s, %s, '[]', true, true, '[]', '[]', '[]', 'possible', "
                "'[]', now(), %s, %s)", (heading, text, heading, folded(heading, text),
                                          gram_list(text)))
        with closing(open_store(url)) as store:
            columns = {row[0] for row in store.db.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'releases'")}
            assert not {"folded", "grams"} & columns
            for term in ("委託先", "漏え", "市", "サーバ"):
                expected = 0 if term == "市" else 1
                assert store.search(Query(q=term)).total == expected, term


def test_a_search_row_holds_pointers_not_texts(pg_url: str) -> None:
    """release_search keeps folded texts and grams in its TOAST table, its rows small: a common
    character's lookup reads the rows of most releases, and reads them a hundred to a page."""
    with closing(open_store(pg_url)) as store:
        pipeline.ingest(store, [str(page) for page in sample_pages()], ReadOptions())
        rows, size = store.db.execute("SELECT COUNT(*), pg_relation_size('release_search') "
                                      "FROM release_search").fetchone()
    assert rows > 70 and size / rows < 250  # bytes a row, pages included
