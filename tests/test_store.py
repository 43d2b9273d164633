"""SQLite store: migrations, content identity, versions of a changed source, atomicity."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from jikenbo import pipeline
from jikenbo.errors import JikenboError
from jikenbo.sources import ReadOptions, load
from jikenbo.store import open_store
from tests.conftest import sample_pages


def _ingest(db: str, *paths: str) -> pipeline.Summary:
    store = open_store(db)
    try:
        return pipeline.ingest(store, list(paths), ReadOptions())
    finally:
        store.close()


MIGRATIONS = sorted(path.name for path in
                    (Path(__file__).parents[1] / "src/jikenbo/store/migrations/sqlite").glob("*.sql"))


def test_migrations_are_numbered_and_recorded(db: str) -> None:
    store = open_store(db)
    assert store.migrations() == MIGRATIONS
    assert store.execute("PRAGMA journal_mode")[0][0] == "wal"
    store.close()
    assert open_store(db).migrations() == MIGRATIONS


def test_ingesting_twice_changes_nothing(db: str) -> None:
    pages = [str(page) for page in sample_pages()]
    first = _ingest(db, *pages)
    second = _ingest(db, *pages)
    assert first.new == 74 and first.unchanged == 0
    assert second.new == 0 and second.unchanged == 74
    store = open_store(db)
    assert store.counts()["releases"] == 74
    assert store.counts()["sources"] == 5


def test_changed_text_at_same_locator_is_a_new_version(db: str, tmp_path: Path) -> None:
    page = tmp_path / "notice.txt"
    original = sample_pages()[0].read_text(encoding="utf-8").split("リリース文アーカイブ")[0]
    page.write_text(original, encoding="utf-8")
    _ingest(db, str(page))
    page.write_text(original.replace("約8千6百件", "約8千7百件"), encoding="utf-8")
    _ingest(db, str(page))
    store = open_store(db)
    # a file is stored by its name only, never by a path of the ingesting machine
    versions = store.execute("SELECT version, text FROM sources WHERE locator = ? ORDER BY version",
                             ("notice.txt",))
    assert [row[0] for row in versions] == [1, 2]
    assert "約8千6百件" in versions[0][1] and "約8千7百件" in versions[1][1]
    # Issue #12 item 3: the changed text is a new VERSION of the one release (it was a second
    # release before), its record taken from the newest text.
    [release] = store.releases()
    assert [v.version for v in store.release_versions(release.id)] == [1, 2]
    assert "約8千7百件" in release.text and release.record.affected_count == 8700


def test_archived_original_bytes_are_kept(db: str) -> None:
    page = sample_pages()[2]
    _ingest(db, str(page))
    store = open_store(db)
    release = next(store.releases())
    locator, data, text = store.source_data(release.source_id)
    assert data == page.read_bytes()
    assert text[release.start:release.end] == release.text


def test_a_failing_source_leaves_nothing_half_written(db: str) -> None:
    store = open_store(db)
    extracted = pipeline.extract_source(load(str(sample_pages()[4])))
    altered = replace(extracted.posts[0], text=extracted.posts[0].text + "追記")
    broken = pipeline.Extracted(extracted.source, extracted.posts + (altered,),
                                extracted.records + (None,))
    with pytest.raises(AttributeError):
        pipeline.store_extracted(store, broken)
    assert store.counts() == {"sources": 0, "releases": 0, "incidents": 0, "cases": 0}


def test_counts_follow_writes_from_this_and_other_connections(db: str) -> None:
    reader = open_store(db)
    assert reader.counts()["releases"] == 0
    _ingest(db, str(sample_pages()[0]))  # another connection
    after_other = reader.counts()["releases"]
    pipeline.ingest(reader, [str(sample_pages()[1])], ReadOptions())  # this connection
    assert 0 < after_other < reader.counts()["releases"]


def test_a_release_is_found_by_any_unambiguous_id_prefix(db: str) -> None:
    _ingest(db, str(sample_pages()[0]))
    store = open_store(db)
    ids = sorted(row[0] for row in store.execute("SELECT id FROM releases"))
    assert store.release(ids[0][:12]).id == ids[0]
    assert store.release(ids[-1].upper()).id == ids[-1]
    assert store.release("f" * 64) is None
    shared = next(a[:1] for a, b in zip(ids, ids[1:]) if a[0] == b[0])
    with pytest.raises(JikenboError, match="ambiguous"):
        store.release(shared)


def test_the_search_index_is_built_from_one_snapshot(db: str) -> None:
    # A writer commits between the index's first statement (MAX(rowid)) and the next ones; the
    # index must still be built from the state its version names (before: IndexError, HTTP 500).
    from jikenbo.store import search

    _ingest(db, str(sample_pages()[0]))
    reader, writer = open_store(db), open_store(db)

    class Interleaved:
        """The reader's connection, letting the writer commit after the version is read."""

        def __init__(self, connection) -> None:
            self.connection, self.done = connection, False

        @property
        def in_transaction(self) -> bool:
            return self.connection.in_transaction

        def execute(self, sql: str, *parameters):
            cursor = self.connection.execute(sql, *parameters)
            if "MAX(rowid)" in sql and not self.done:
                self.done = True
                pipeline.ingest(writer, [str(page) for page in sample_pages()[1:]], ReadOptions())
            return cursor

    index = search.facet_index(Interleaved(reader.db), key="snapshot-test")
    version = reader.execute("SELECT COALESCE(MAX(rowid), 0) FROM releases")[0][0]
    assert index.size < writer.counts()["incidents"] and index.version < version
    assert search.facet_index(reader.db, key="snapshot-test").size == writer.counts()["incidents"]
