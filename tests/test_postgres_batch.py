"""PostgresStore.add_sources, the batch a parallel ingest stores: one transaction for the batch,
a savepoint per source, the stored sources looked up once per batch — on a real server."""
from __future__ import annotations

from dataclasses import replace

from jikenbo import ingest_parallel
from jikenbo.ingest_parallel import prepare
from jikenbo.sources import ReadOptions
from jikenbo.store import SourceOutcome, open_store
from tests.conftest import sample_pages


def _prepared(count: int):
    return [prepare(str(page), ReadOptions()) for page in sample_pages()[:count]]


def test_one_bad_source_in_a_batch_is_rolled_back_alone(pg_url: str) -> None:
    good_a, bad, good_b = _prepared(3)
    # a count a bigint cannot hold, as a buggy extractor might produce: the insert fails
    # after the source row and some releases went in
    huge = replace(bad.rows[-1], record=replace(bad.rows[-1].record, affected_count=10 ** 20))
    bad = replace(bad, rows=(*bad.rows[:-1], huge))
    store = open_store(pg_url)
    try:
        outcomes = store.add_sources([(item.source, item.rows) for item in (good_a, bad, good_b)])
        assert [type(outcome).__name__ for outcome in outcomes] == [
            "SourceOutcome", "NumericValueOutOfRange", "SourceOutcome"]
        stored = store.db.execute("SELECT locator FROM sources ORDER BY id").fetchall()
        assert [row[0] for row in stored] == [good_a.source.locator, good_b.source.locator]
        assert store.counts()["releases"] == len(good_a.rows) + len(good_b.rows)
        assert store.links_stale()
        failed = ingest_parallel.store_batch(store, [bad])
        assert str(failed[0]).startswith(f"{bad.locator}: could not be processed")
    finally:
        store.close()


def test_a_batch_numbers_versions_of_one_locator_and_again_adds_nothing(pg_url: str) -> None:
    first, second, third = _prepared(3)
    # the same address fetched twice with different contents, then an address seen before
    moved = replace(second.source, locator=first.source.locator)
    batch = [(first.source, first.rows), (moved, second.rows), (third.source, third.rows)]
    store = open_store(pg_url)
    try:
        outcomes = store.add_sources(batch)
        assert all(isinstance(outcome, SourceOutcome) for outcome in outcomes)
        assert [(o.version, o.source_new) for o in outcomes] == [(1, True), (2, True), (1, True)]
        counts = store.counts()
        again = store.add_sources([*batch, (first.source, first.rows)])
        assert [(o.source_id, o.source_new, o.new) for o in again] == [
            (outcomes[0].source_id, False, 0), (outcomes[1].source_id, False, 0),
            (outcomes[2].source_id, False, 0), (outcomes[0].source_id, False, 0)]
        assert store.counts() == counts
        duplicates = "SELECT COUNT(*) - COUNT(DISTINCT id) FROM releases"
        assert store.db.execute(duplicates).fetchone()[0] == 0
    finally:
        store.close()


def test_a_batch_reads_as_the_same_sources_stored_one_by_one(pg_url: str, tmp_path) -> None:
    prepared = _prepared(6)
    batched = open_store(pg_url)
    single = open_store(str(tmp_path / "one.db"))
    try:
        batched.add_sources([(item.source, item.rows) for item in prepared])
        for item in prepared:
            single.add_source(item.source, item.rows)
        assert batched.counts() == single.counts()
        assert ([(r.id, r.record) for r in batched.releases()]
                == [(r.id, r.record) for r in single.releases()])
    finally:
        batched.close()
        single.close()
