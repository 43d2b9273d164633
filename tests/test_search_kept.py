"""Answers to costly search terms kept in the casebook (store/kept.py), on both backends: a
kept answer is what the next reader uses, it is brought up to date from the releases added
since, a changed text makes it void, and keeping it never waits for a writer nor moves the
counters other caches key on. KEEP_AT is lowered so that the sample's terms count as costly."""
from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from jikenbo import pipeline
from jikenbo.ingest_parallel import ingest_parallel
from jikenbo.sources import ReadOptions
from jikenbo.store import kept, open_store
from jikenbo.store.copy import copy
from jikenbo.store.postgres import search as pg_search
from jikenbo.store import search as search_index
from jikenbo.store.search import Query
from tests.conftest import SHARED, sample_pages
from tests.test_store_contract import BACKENDS

NOTICE = SHARED / "corpus" / "unnumbered" / "000-00.txt"  # 白井市: a contractor's leak
# an invented addendum: words the notice itself never uses
ADDENDUM = "【追記】調査の結果、閲覧された記録は約3,100件と判明しました。"
INVENTED = ("当社サーバへの不正アクセスに関するお知らせ\n\n2026年11月2日\n株式会社架空物流\n\n"
            "当社が管理するサーバが第三者による不正アクセスを受け、お客様の氏名が流出した"
            "可能性があることを確認しました。\n")


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return (str(tmp_path / "c.db") if request.param == "sqlite"
            else request.getfixturevalue("pg_url"))


@pytest.fixture(autouse=True)
def costly_from_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "KEEP_AT", 1)
    search_index._INDEXES.clear()  # each test starts as a new process would
    yield
    search_index._INDEXES.clear()


def _ingest(store, pages: list[Path]) -> None:
    pipeline.ingest(store, [str(page) for page in pages], ReadOptions())


def _kept_rows(store) -> dict[str, tuple[str, int, int]]:
    return {row[0]: (row[1], int(row[2]), int(row[3])) for row in store.db.execute(
        "SELECT term, stamp, upto, matches FROM kept_terms")}


def _looked_up(store, term: str) -> list[int]:
    """The term's rowids as the backend's full lookup gives them (no kept answer read)."""
    every, _, argument = store_dialect(store).term(term)
    return kept.listed(store.db.execute(every, (argument,)).fetchone()[0]).tolist()


def store_dialect(store) -> search_index.Dialect:
    return search_index._INDEXES[getattr(store, "path", None) or store.url].dialect


def _fresh_search(location: str, query: Query) -> search_index.Result:
    """The search as another process would answer it: a new store and a new index."""
    search_index._INDEXES.clear()
    store = open_store(location)
    try:
        return store.search(query)
    finally:
        store.close()


def test_a_costly_answer_is_kept_and_read_by_the_next_process(location: str) -> None:
    store = open_store(location)
    _ingest(store, sample_pages()[:3])
    asked = store.search(Query(q="個人情報"))
    rows = _kept_rows(store)
    stamp, upto, matches = rows["個人情報"]
    version = store.db.execute("SELECT MAX(rowid) FROM releases").fetchone()[0]
    assert upto == version and matches == len(_looked_up(store, "個人情報")) > asked.total / 2
    [bits] = store.db.execute("SELECT bits FROM kept_terms WHERE term = ?",
                              ("個人情報",)).fetchone()
    assert kept.decode(bits, upto).tolist() == sorted(_looked_up(store, "個人情報"))
    # the next process answers from the kept rowids: made to say "none", it says none
    store.db.execute("UPDATE kept_terms SET bits = ? WHERE term = ?",
                     (kept.encode(np.empty(0, np.int64), upto), "個人情報"))
    assert _fresh_search(location, Query(q="個人情報")).total == 0
    # under another stamp (texts changed since) the same entry is not used
    store.db.execute("UPDATE kept_terms SET stamp = 'older' WHERE term = ?", ("個人情報",))
    assert _fresh_search(location, Query(q="個人情報")) == asked
    assert _kept_rows(store)["個人情報"][0] == stamp  # and the answer was kept again
    store.close()


@pytest.mark.parametrize("term, first, rewrite_at", [
    ("不正アクセス", 2, 1),           # a trigram word; stored again once one release was added
    ("流出", 4, kept.REWRITE_AT)])  # a pair; the sample adds far fewer than REWRITE_AT
def test_a_kept_answer_is_brought_up_to_date_from_the_releases_added(
        location: str, monkeypatch: pytest.MonkeyPatch, term: str, first: int,
        rewrite_at: int) -> None:
    pages = sample_pages()
    store = open_store(location)
    _ingest(store, pages[:first])
    store.search(Query(q=term))
    _, upto, before = kept_before = _kept_rows(store)[term]
    _ingest(store, pages[first:])
    monkeypatch.setattr(kept, "REWRITE_AT", rewrite_at)
    found = store.search(Query(q=term))
    if rewrite_at == 1:
        _, newer, after = _kept_rows(store)[term]
        assert newer > upto and after == len(_looked_up(store, term)) > before
    else:
        assert _kept_rows(store)[term] == kept_before
    # either way the answer equals one worked out with nothing kept
    store.db.execute("DELETE FROM kept_terms")
    monkeypatch.setattr(kept, "KEEP_AT", 10**9)
    assert _fresh_search(location, Query(q=term)) == found
    store.close()


def _ingest_parallel(store, pages: list[Path]) -> None:
    ingest_parallel(store, [str(page) for page in pages], ReadOptions(), jobs=2)


def _version(store) -> int:
    return store.db.execute("SELECT MAX(rowid) FROM releases").fetchone()[0]


@pytest.mark.parametrize("ingest", [_ingest, _ingest_parallel])
def test_an_ingest_brings_kept_answers_up_to_date(location: str, monkeypatch: pytest.MonkeyPatch,
                                                  ingest) -> None:
    """Without a search in between: source by source (add_source) and in batches (add_sources),
    the kept answers come out as a lookup with nothing kept finds, up to the newest release;
    an answer kept for other texts is left alone."""
    monkeypatch.setattr(kept, "REWRITE_AT", 1)
    pages = sample_pages()
    store = open_store(location)
    _ingest(store, pages[:2])
    for term in ("不正アクセス", "流出", "個人情報"):
        store.search(Query(q=term))
    store.db.execute("UPDATE kept_terms SET stamp = 'older' WHERE term = '個人情報'")
    before = _kept_rows(store)
    ingest(store, pages[2:])
    after = _kept_rows(store)
    assert _version(store) > before["流出"][1]
    for term in ("不正アクセス", "流出"):
        stamp, upto, matches = after[term]
        [bits] = store.db.execute("SELECT bits FROM kept_terms WHERE term = ?",
                                  (term,)).fetchone()
        assert upto == _version(store) and stamp == before[term][0]
        assert kept.decode(bits, upto).tolist() == sorted(_looked_up(store, term))
        assert matches > before[term][2]
    assert after["個人情報"] == before["個人情報"]
    store.close()


def test_the_costliest_answers_are_brought_up_to_date_first(
        location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = sample_pages()
    store = open_store(location)
    _ingest(store, pages[:2])
    for term in ("個人情報", "ランサムウェア"):  # in most of the sample's releases; in a few
        store.search(Query(q=term))
    before = _kept_rows(store)
    assert before["個人情報"][2] > before["ランサムウェア"][2]
    _ingest(store, pages[2:])  # fewer than REWRITE_AT: none brought up to date
    assert _kept_rows(store) == before
    monkeypatch.setattr(kept, "REWRITE_AT", 1)
    monkeypatch.setattr(kept, "REFRESHED_MOST", 1)
    assert search_index.refresh_kept(store.db, store._SEARCH) == 1
    assert _kept_rows(store)["個人情報"][1] == _version(store)
    assert _kept_rows(store)["ランサムウェア"] == before["ランサムウェア"]
    store.close()


def test_the_end_of_an_ingest_brings_answers_rewrite_at_behind_up_to_date(
        location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """During an ingest an answer is brought up to date once 1% of the casebook was added
    after it (here: once the casebook doubled); at its end, once REWRITE_AT releases were, all
    of them however many REFRESHED_MOST allows at a time."""
    monkeypatch.setattr(kept, "REWRITE_AT", 1)
    monkeypatch.setattr(kept, "REWRITE_SHARE", 1)
    monkeypatch.setattr(kept, "REFRESHED_MOST", 1)
    pages = sample_pages()
    store = open_store(location)
    _ingest(store, pages[:4])
    for term in ("流出", "個人情報"):
        store.search(Query(q=term))
    upto = {term: _kept_rows(store)[term][1] for term in ("流出", "個人情報")}
    for source in map(str, pages[4:]):  # written as an ingest's batches are, no end
        store.add_sources([_prepared(source)])
    assert all(value < _version(store) < 2 * value for value in upto.values())
    assert {term: _kept_rows(store)[term][1] for term in upto} == upto
    assert store.refresh_kept() == 2
    assert all(_kept_rows(store)[term][1] == _version(store) for term in upto)
    assert store.refresh_kept() == 0  # and nothing when none is behind
    store.close()


@pytest.mark.parametrize("ingest", [_ingest, _ingest_parallel])
def test_an_ingest_ends_by_bringing_kept_answers_up_to_date(
        location: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ingest) -> None:
    monkeypatch.setattr(kept, "REWRITE_AT", 1)
    monkeypatch.setattr(kept, "REWRITE_SHARE", 1)
    store = open_store(location)
    _ingest(store, sample_pages())
    store.search(Query(q="流出"))
    upto = _kept_rows(store)["流出"][1]
    notices = [tmp_path / "a.txt", tmp_path / "b.txt"]  # far fewer than the casebook holds
    notices[0].write_text(INVENTED, encoding="utf-8")
    notices[1].write_text(INVENTED.replace("物流", "商事").replace("氏名", "住所"),
                          encoding="utf-8")
    ingest(store, notices)
    assert _kept_rows(store)["流出"][1] == _version(store) == upto + 2
    store.close()


def _prepared(locator: str):
    from jikenbo.ingest_parallel import prepare
    prepared = prepare(locator, ReadOptions())
    return prepared.source, prepared.rows


def test_the_kept_answers_are_read_once_rewrite_at_releases_were_added(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking them costs a query: a write of a few releases into a large casebook does not
    make it after each source, only once REWRITE_AT releases were added since the last (and
    the end of an ingest, Store.refresh_kept)."""
    pages = sample_pages()
    store = open_store(str(tmp_path / "c.db"))
    _ingest(store, pages[:1])
    store.search(Query(q="流出"))
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    monkeypatch.setattr(kept, "REWRITE_AT", 10**6)
    added = sum(store.add_source(*_prepared(str(page))).new for page in pages[1:3])
    assert added > 1 and not [sql for sql in statements if "kept_terms" in sql]
    # the releases added before count: one more is enough
    monkeypatch.setattr(kept, "REWRITE_AT", added + 1)
    one = tmp_path / "one.txt"
    one.write_text(INVENTED, encoding="utf-8")
    assert store.add_source(*_prepared(str(one))).new == 1
    assert [sql for sql in statements if "kept_terms" in sql]
    store.close()


def test_postgres_answers_several_grams_in_one_statement_as_one_by_one(
        request: pytest.FixtureRequest) -> None:
    store = open_store(request.getfixturevalue("pg_url"))
    _ingest(store, sample_pages()[:2])
    dialect = pg_search.POSTGRES
    low, high = 5, _version(store) - 3
    terms = ["流出", "委", "個人情報", "鑿", "-"]  # two grams, a trigram word, a gram in none, a sign
    many = dialect.many_since(store.db, terms, low, high)
    assert set(many) == {"流出", "委", "鑿"}
    for term, rowids in many.items():
        _, since, argument = dialect.term(term)
        alone = kept.listed(store.db.execute(since, (argument, low, high)).fetchone()[0])
        assert sorted(rowids.tolist()) == sorted(alone.tolist())
    assert len(many["流出"]) > 0 and len(many["鑿"]) == 0
    store.close()


def test_an_ingest_goes_on_when_kept_answers_cannot_be_read(
        location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "REWRITE_AT", 1)
    pages = sample_pages()
    store = open_store(location)
    _ingest(store, pages[:2])
    first = store.counts()["releases"]
    store.db.execute("DROP TABLE kept_terms")
    added = pipeline.ingest(store, [str(page) for page in pages[2:]], ReadOptions())
    assert added.failed == 0 and added.errors == []
    assert store.counts()["releases"] == first + added.new > first
    store.close()


def test_a_new_version_voids_the_answers_kept_before(location: str, tmp_path: Path) -> None:
    page = tmp_path / "notice.txt"
    page.write_text(NOTICE.read_text(encoding="utf-8") + "\n" + ADDENDUM + "\n",
                    encoding="utf-8")
    store = open_store(location)
    _ingest(store, [page])
    assert store.search(Query(q="約3,100件と判明")).total == 1
    assert "約3,100件と判明" in _kept_rows(store)
    shutil.copy(NOTICE, page)  # the issuer takes the addendum back: a new version
    _ingest(store, [page])
    assert _fresh_search(location, Query(q="約3,100件と判明")).total == 0
    store.close()


def test_a_damaged_entry_is_looked_up_again_and_replaced(location: str) -> None:
    store = open_store(location)
    _ingest(store, sample_pages()[:2])
    asked = store.search(Query(q="委託"))
    store.db.execute("UPDATE kept_terms SET bits = ? WHERE term = ?", (b"\x00not zlib", "委託"))
    assert _fresh_search(location, Query(q="委託")) == asked
    [bits] = store.db.execute("SELECT bits FROM kept_terms WHERE term = ?", ("委託",)).fetchone()
    assert len(kept.decode(bits, _kept_rows(store)["委託"][1])) == _kept_rows(store)["委託"][2]
    store.close()


def test_a_casebook_copied_over_another_forgets_its_kept_answers(
        location: str, tmp_path: Path) -> None:
    """copy-db --replace gives the copied releases rowids anew: an answer kept before would
    name other releases."""
    pages = sample_pages()
    store = open_store(location)
    _ingest(store, pages[3:])
    store.search(Query(q="個人情報"))
    other = open_store(str(tmp_path / "other.db"))
    _ingest(other, pages[:3])
    expected = other.search(Query(q="個人情報"))
    copy(other, store, replace=True)
    assert _kept_rows(store) == {}
    assert _fresh_search(location, Query(q="個人情報")).ids == expected.ids
    other.close()
    store.close()


def test_keeping_waits_for_no_writer_on_sqlite(tmp_path: Path) -> None:
    location = str(tmp_path / "c.db")
    store = open_store(location)
    _ingest(store, sample_pages()[:2])
    timeout = store.db.execute("PRAGMA busy_timeout").fetchone()[0]
    writer = sqlite3.connect(location, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # an ingest's batch holds the database
    # and lets go a second later: a reader that waited for it would then keep its answer
    letting_go = threading.Timer(1.0, writer.execute, ("ROLLBACK",))
    letting_go.start()
    try:
        found = store.search(Query(q="個人情報"))
    finally:
        letting_go.join()
        writer.close()
    assert found.total > 0 and _kept_rows(store) == {}  # answered, not kept this time
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == timeout
    search_index._INDEXES.clear()
    store.search(Query(q="個人情報"))
    assert "個人情報" in _kept_rows(store)  # the next reader keeps it
    store.close()


def test_keeping_moves_no_change_counter_on_postgres(request: pytest.FixtureRequest) -> None:
    store = open_store(request.getfixturevalue("pg_url"))
    _ingest(store, sample_pages()[:2])
    changes, mark = store.db.execute("SELECT n FROM store_changes").fetchone()[0], \
        store.change_mark()
    store.search(Query(q="個人情報"))
    assert "個人情報" in _kept_rows(store)
    assert store.db.execute("SELECT n FROM store_changes").fetchone()[0] == changes
    assert store.change_mark() == mark
    store.close()


def test_at_most_kept_most_terms_are_kept(location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "KEPT_MOST", 3)
    store = open_store(location)
    _ingest(store, sample_pages()[:2])
    for term in ("個人情報", "不正", "委託", "流出", "お知らせ"):
        store.search(Query(q=term))
    assert len(_kept_rows(store)) == 3
    store.close()


@pytest.mark.parametrize("rowids, upto", [([], 0), ([0], 0), ([3, 9, 64], 64),
                                           (list(range(1, 2000, 7)), 5000)])
def test_rowids_survive_their_encoding(rowids: list[int], upto: int) -> None:
    encoded = kept.encode(np.array(rowids, dtype=np.int64), upto)
    assert kept.decode(encoded, upto).tolist() == rowids


def test_keeping_an_answer_leaves_the_figures_a_sqlite_process_cached(tmp_path: Path) -> None:
    """A kept answer is written to the casebook, which moves SQLite's data_version; the
    figures other connections worked out (counts on every page, reports) stay theirs until
    something they read changes: a release, or a source that only re-publishes stored ones."""
    location = str(tmp_path / "c.db")
    pages = sample_pages()
    store, reader = open_store(location), open_store(location)
    _ingest(store, pages[:2])
    worked_out: list[int] = []
    probe = lambda: worked_out.append(1) or len(worked_out)  # noqa: E731
    assert store.cached("probe", probe) == 1 and store.counts()["sources"] == 2
    reader.search(Query(q="個人情報"))  # another connection keeps an answer
    assert "個人情報" in _kept_rows(store)
    assert store.cached("probe", probe) == 1  # not worked out again
    again = tmp_path / "the-same-page.html"
    again.write_bytes(pages[0].read_bytes())
    _ingest(reader, [again])  # a new source, no new release
    assert store.cached("probe", probe) == 2 and store.counts()["sources"] == 3
    _ingest(reader, pages[2:3])
    assert store.cached("probe", probe) == 3
    store.close()
    reader.close()


def test_a_collector_run_ends_by_bringing_kept_answers_up_to_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jikenbo watch` stores source by source from threads of its own; the run's end brings
    the kept answers up to date, as an ingest's does."""
    from jikenbo.collect import http, watcher
    from tests.collect_site import fixture_site
    from tests.test_collect_watch import add_sources
    monkeypatch.setattr(kept, "REWRITE_AT", 1)
    monkeypatch.setattr(kept, "REWRITE_SHARE", 1)  # the sources' writes bring none up to date
    location = str(tmp_path / "c.db")
    store = open_store(location)
    _ingest(store, sample_pages())
    store.search(Query(q="流出"))
    upto = _kept_rows(store)["流出"][1]
    with fixture_site() as site:
        add_sources(location, site)
        ran = watcher.run_once(lambda: open_store(location),
                               watcher.Options(http.Limits(host_delay=0.01)))
    assert ran.incidents and _kept_rows(store)["流出"][1] == _version(store) > upto
    store.close()
