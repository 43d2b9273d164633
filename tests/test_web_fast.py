"""Reads whose cost does not grow with the casebook (issue #13, the web at 100,000 releases):
the facet index read on from the releases an ingest added, the case list shared by every
connection of a server, a page of case figures read in one statement; on both backends."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jikenbo import pipeline
from jikenbo.cases import curate
from jikenbo.cases.affected import case_figure, case_figures
from jikenbo.sources import ReadOptions
from jikenbo.store import open_store
from jikenbo.store import search as search_index
from jikenbo.store.search import FacetIndex, Query
from jikenbo.web import case_lists
from tests.conftest import sample_pages
from tests.test_store_contract import (BACKENDS, casebook, pg_casebook,  # noqa: F401
                                       sqlite_casebook)


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return (str(tmp_path / "c.db") if request.param == "sqlite"
            else request.getfixturevalue("pg_url"))


def _ingest(store, pages: list[Path]) -> None:
    pipeline.ingest(store, [str(page) for page in pages], ReadOptions())
    curate.relink(store)


def _index(store) -> FacetIndex:
    return search_index._INDEXES[getattr(store, "path", None) or store.url]


def _same(grown: FacetIndex, fresh: FacetIndex) -> None:
    assert grown.ids == fresh.ids and grown.size == fresh.size
    assert grown.masks == fresh.masks
    assert list(grown.dates) == list(fresh.dates)
    assert grown.by_affected.tolist() == fresh.by_affected.tolist()
    assert grown.by_added.tolist() == fresh.by_added.tolist()
    assert grown.vendors.keys() == fresh.vendors.keys()
    assert all(np.array_equal(grown.vendors[name], fresh.vendors[name]) for name in fresh.vendors)


def test_an_ingest_grows_the_facet_index_from_the_new_releases(location: str) -> None:
    """After an ingest the index reads the releases it added, not all of them again, and
    answers as one built from scratch: newest first, every facet value, vendor and date."""
    pages = sample_pages()
    store = open_store(location)
    _ingest(store, pages[:2])
    before = store.search(Query(q="個人情報"))
    first = _index(store)
    _ingest(store, pages[2:])
    after = store.search(Query(q="個人情報"))
    grown = _index(store)
    assert grown is not first and grown.columns is first.columns  # read on, not again
    assert grown.columns.version == grown.version > first.version
    assert grown.size > first.size and after.total > before.total
    _same(grown, FacetIndex(store.db, grown.version, grown.dialect))
    fresh = open_store(location)  # the same search on an index of the whole casebook
    search_index._INDEXES.clear()
    assert fresh.search(Query(q="個人情報")) == after
    store.close()
    fresh.close()


def test_a_correction_reads_the_index_again(location: str) -> None:
    """A curator's correction changes stored values in place: the index starts again."""
    store = open_store(location)
    _ingest(store, sample_pages()[:2])
    store.search(Query())
    first = _index(store)
    release = store.releases_by_id(first.ids[:1])[0]
    store.correct_release(release.id, {"categories": ["ransomware"]}, "test")
    found = store.search(Query(category=("ransomware",)))
    assert _index(store).columns is not first.columns and release.id in found.ids
    store.close()


def test_a_page_of_case_figures_is_what_each_case_summary_says(casebook) -> None:  # noqa: F811
    numbers = sorted(set(casebook.case_numbers().values()))
    figures = case_figures(casebook, numbers)
    assert figures == {n: case_figure(curate.summary(casebook, n)) for n in numbers}
    assert any(figure.total for figure in figures.values())
    read = casebook.releases_of_cases(numbers[:5])
    assert {n: [r.id for r in rs] for n, rs in read.items()} == {
        n: [r.id for r in casebook.case_releases(n)] for n in numbers[:5]}


def test_both_backends_read_the_same_case_releases(sqlite_casebook, pg_casebook) -> None:  # noqa: F811
    numbers = sorted(set(sqlite_casebook.case_numbers().values()))
    mine, theirs = sqlite_casebook.releases_of_cases(numbers), pg_casebook.releases_of_cases(numbers)
    assert {n: [r.record for r in rs] for n, rs in mine.items()} == {
        n: [r.record for r in rs] for n, rs in theirs.items()}


def test_the_case_list_is_read_once_for_every_connection(location: str) -> None:
    """A server holds a connection per thread: the whole case list is read by one of them,
    and again only when the casebook changes (an ingest, a correction)."""
    store, other = open_store(location), open_store(location)
    _ingest(store, sample_pages()[:2])
    reads = []

    def every() -> list:
        reads.append(1)
        return [dict(row) for row in store.case_list()]

    listed = store.shared("case_list", every)
    assert other.shared("case_list", every) is listed and len(reads) == 1
    shown = case_lists.page(other, case_lists.listing({}))
    assert shown["result"].total == len(listed) == other.case_total()
    _ingest(store, sample_pages()[2:3])
    assert len(other.shared("case_list", every)) > len(listed) and len(reads) == 2
    release = store.case_releases(listed[0]["number"])[0]
    store.correct_release(release.id, {"organization": "訂正後の組織"}, "test")
    other.shared("case_list", every)
    assert len(reads) == 3
    store.close()
    other.close()


def test_an_index_read_in_pieces_is_the_index_read_at_once(
        location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facet columns are read a range of rowids at a time (a million rows at once peaked at
    2.2 GB): ranges of 7 rowids, most holding no incident release or ending inside a source,
    give the same index as one range holding them all."""
    from jikenbo.store import facet_columns
    store = open_store(location)
    try:
        _ingest(store, sample_pages())
        store.search(Query(per_page=1))
        version = _index(store).version
        whole = FacetIndex(store.db, version, _index(store).dialect)
        monkeypatch.setattr(facet_columns, "READ_ROWIDS", 7)
        pieces = FacetIndex(store.db, version, _index(store).dialect)
        assert pieces.columns.version == version and pieces.size > 60
        _same(pieces, whole)
        assert set(pieces.columns.tags) == set(whole.columns.tags)  # numbered in another order
    finally:
        store.close()
