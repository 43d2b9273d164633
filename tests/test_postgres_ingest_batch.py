"""A batch stored whole on PostgreSQL (store/postgres/batch.py: lookups read once for the batch,
rows written by COPY) places every release as SQLite does storing the same sources: versions,
occurrences and near-duplicates inside one batch, a locator read twice in a batch, re-ingesting
that adds nothing — on real notices and a real server."""
from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from jikenbo.ingest_parallel import prepare
from jikenbo.sources import ReadOptions, stored_locator
from jikenbo.store import SourceOutcome, open_store
from jikenbo.store.postgres import PostgresStore
from jikenbo.store.postgres.batch import array_literal
from tests.conftest import SAMPLE
from tests.test_versions import ADDENDUM, SHIRAI, TOKYO_2023, TOKYO_2024, second_report, text_of

CASEBOOK_PRINT = sorted(SAMPLE.glob("*.txt"))[0]  # prints 白井市's notice among others


def _read(path: Path, locator: str | None = None, text: str | None = None, folder=None):
    """A source as a worker hands it over, read from `path` (or from `text` written to a file
    of `folder`), stored under `locator`."""
    if text is not None:
        path = folder / f"{len(list(folder.iterdir()))}-{path.name}"
        path.write_text(text, encoding="utf-8")
    prepared = prepare(str(path), ReadOptions())
    source = replace(prepared.source, locator=locator) if locator else prepared.source
    return source, prepared.rows


def _batches(folder: Path) -> list[list]:
    """Batches in which sources depend on sources of the same batch."""
    changed = text_of(SHIRAI) + "\n" + ADDENDUM + "\n"
    return [
        [_read(TOKYO_2024, "news.txt"), _read(TOKYO_2023, "news.txt"),   # same locator, twice
         _read(SHIRAI), _read(CASEBOOK_PRINT),                            # a near-duplicate
         _read(SHIRAI, "mirror.txt"),                                     # the same text elsewhere
         _read(SHIRAI, "notice.txt"), _read(SHIRAI, "notice.txt", changed, folder)],  # a version
        [_read(SHIRAI, "news.txt", second_report(SHIRAI), folder),        # a 第2報
         _read(CASEBOOK_PRINT),                                           # read again
         _read(SHIRAI, "mirror.txt", changed, folder),                    # the version, elsewhere
         _read(TOKYO_2024, "tokyo.txt")],
    ]


def _casebook(store, outcomes: list) -> dict:
    """What the stored casebook says, in terms both backends share (not their source ids)."""
    releases = sorted(store.releases(), key=lambda release: release.id)
    return {
        "outcomes": [(o.version, o.source_new, o.new, o.unchanged, o.versions, o.kinds,
                      o.release_ids) for o in outcomes],
        "releases": [(r.id, r.record, r.text) for r in releases],
        "versions": [[(v.version, v.content_id, stored_locator(v.locator), v.source_version,
                       v.text) for v in store.release_versions(r.id)] for r in releases],
        "occurrences": [[(stored_locator(o.locator), o.source_version, o.start, o.content_id,
                          o.near_duplicate) for o in store.occurrences(r.id)] for r in releases],
        "counts": store.counts(),
    }


def test_batches_place_releases_as_sqlite_does(pg_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def one_by_one(*_):
        raise AssertionError("the batch was stored source by source, not whole")

    monkeypatch.setattr(PostgresStore, "_one_by_one", one_by_one)
    folder = tmp_path / "pages"
    folder.mkdir()
    batches = _batches(folder)
    found = {}
    for name, location in (("postgresql", pg_url), ("sqlite", str(tmp_path / "one.db"))):
        with closing(open_store(location)) as store:
            outcomes = [o for batch in batches for o in store.add_sources(batch)]
            assert all(isinstance(o, SourceOutcome) for o in outcomes), outcomes
            found[name] = _casebook(store, outcomes)
    assert found["postgresql"] == found["sqlite"]
    kinds = {kind for outcome in found["postgresql"]["outcomes"] for kind in outcome[5]}
    assert kinds == {"new", "same", "version", "occurrence"}  # every way a row can be placed


def test_reingesting_a_batch_adds_nothing(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    batch = [item for group in _batches(folder) for item in group]
    with closing(open_store(pg_url)) as store:
        store.add_sources(batch)
        counts = store.counts()
        tables = {name: store.db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
                  for name in ("releases", "release_versions", "occurrences",
                               "release_categories", "release_data_types", "sources")}
        again = store.add_sources(batch)
        assert [o.new + o.versions for o in again] == [0] * len(batch)
        assert not any(o.source_new for o in again)
        assert store.counts() == counts
        assert tables == {name: store.db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
                          for name in tables}


def test_a_batch_is_searchable_as_releases_stored_one_by_one(pg_url: str) -> None:
    """The search columns COPY writes (folded text, grams as an array literal) are the ones an
    INSERT of the same release writes."""
    from jikenbo.store.search import Query
    source, rows = _read(SHIRAI)
    with closing(open_store(pg_url)) as store:
        store.add_sources([(source, rows)])
        batched = store.db.execute("SELECT folded, grams FROM release_search").fetchone()
        store.db.execute("DELETE FROM releases")
        store.db.execute("DELETE FROM sources")
        store.add_source(source, rows)
        assert store.db.execute("SELECT folded, grams FROM release_search").fetchone() == batched
        for term in ("委託事業者", "流出", "市"):  # pg_trgm, then the grams index
            assert store.search(Query(q=term)).ids == [rows[0].id]


@pytest.mark.parametrize("grams, literal", [("a b ab", "{a,b,ab}"), ("", "{}"),
                                            ("個 人 個人", "{個,人,個人}")])
def test_grams_as_an_array_literal(grams: str, literal: str) -> None:
    assert array_literal(grams) == literal


def test_closing_after_an_ingest_merges_the_pending_index_entries(pg_url: str) -> None:
    """Batches leave new search entries in the GIN indexes' pending lists (read row by row by
    every search); closing the store merges them and makes the planner's statistics."""
    pending = ("SELECT (pgstatginindex('release_search_folded')).pending_tuples "
               "+ (pgstatginindex('release_search_grams')).pending_tuples")
    store = open_store(pg_url)
    try:
        store.db.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        store.add_sources([_read(path) for path in (SHIRAI, TOKYO_2023, TOKYO_2024)])
        assert store.db.execute(pending).fetchone()[0] > 0
    finally:
        store.close()
    with closing(open_store(pg_url)) as store:
        assert store.db.execute(pending).fetchone()[0] == 0
        analyzed = {row[0] for row in store.db.execute(
            "SELECT attname FROM pg_stats WHERE tablename = 'releases'")}
        assert {"organization", "published", "is_incident"} <= analyzed
        assert "text" not in analyzed  # the long columns are not sampled
