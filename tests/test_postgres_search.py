"""PostgreSQL's short-term search (migration 0004): the releases whose grams hold a character
or pair, read through the GIN index whatever share of the table they are."""
from __future__ import annotations

from jikenbo import pipeline
from jikenbo.sources import ReadOptions
from jikenbo.store import open_store
from jikenbo.store.postgres.search import gram_list
from tests.conftest import sample_pages


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
