"""The storage contract: the same tests on both backends (SQLite, and PostgreSQL on a real
server), and the two backends' answers compared with each other."""
from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from jikenbo import pipeline
from jikenbo.cases import curate
from jikenbo.errors import JikenboError, UsageError
from jikenbo.sources import ReadOptions, load
from jikenbo.store import copy as copying
from jikenbo.store import open_store
from jikenbo.store.fold import searchable
from jikenbo.store.search import Query
from jikenbo.store.watch import SeenLink, WatchEntry
from tests import test_review_store as review_tests
from tests import test_versions as version_tests
from tests.conftest import SAMPLE, pg_database, run_cli, sample_pages

BACKENDS = ("sqlite", "postgres")


def _ingested(store) -> None:
    pipeline.ingest(store, [str(page) for page in sample_pages()], ReadOptions())
    curate.relink(store)


@pytest.fixture(scope="module")
def sqlite_casebook(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    store = open_store(str(tmp_path_factory.mktemp("contract") / "casebook.db"))
    _ingested(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def pg_casebook(request: pytest.FixtureRequest, sqlite_casebook) -> Iterator:
    server, template = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template")
    with pg_database(server, template) as url:
        store = open_store(url)
        _ingested(store)
        yield store
        store.close()


@pytest.fixture(params=BACKENDS)
def casebook(request: pytest.FixtureRequest):
    """The sample casebook, ingested and linked, on each backend (shared by the module's
    read-only tests)."""
    return request.getfixturevalue(f"{request.param.replace('postgres', 'pg')}_casebook")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """An empty store of the test's own on each backend."""
    location = (str(tmp_path / "c.db") if request.param == "sqlite"
                else request.getfixturevalue("pg_url"))
    opened = open_store(location)
    yield opened
    opened.close()


# -- ingest and reading ------------------------------------------------------------------------
def test_ingest_stores_each_release_once_and_again_changes_nothing(store) -> None:
    paths = [str(page) for page in sample_pages()]
    first = pipeline.ingest(store, paths, ReadOptions())
    again = pipeline.ingest(store, paths, ReadOptions())
    assert (first.new, first.unchanged) == (74, 0)
    assert (again.new, again.unchanged) == (0, 74)
    assert store.counts() == {"sources": 5, "releases": 74, "incidents": 71, "cases": 0}
    assert store.links_stale()
    curate.relink(store)
    assert not store.links_stale() and store.counts()["cases"] == 55


def test_a_changed_source_is_a_new_version(store, tmp_path: Path) -> None:
    page = tmp_path / "notice.txt"
    text = sample_pages()[0].read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    pipeline.ingest(store, [str(page)], ReadOptions())
    page.write_text(text + "\n\n追記: 再発防止策を公表しました。\n", encoding="utf-8")
    pipeline.ingest(store, [str(page)], ReadOptions())
    assert store.counts()["sources"] == 2


def test_releases_come_oldest_first_and_by_any_unique_prefix(casebook) -> None:
    releases = list(casebook.releases())
    dates = [r.record.published for r in releases if r.record.published]
    assert len(releases) == 74 and dates == sorted(dates)
    assert [r.record.published for r in releases[len(dates):]] == [None] * (74 - len(dates))
    ids = sorted(r.id for r in releases)
    assert casebook.release(ids[0][:12]).id == ids[0]
    assert casebook.release(ids[-1][:10].upper()).id == ids[-1]
    assert casebook.release("f" * 64) is None
    shared = next(a[:6] for a, b in zip(ids, ids[1:]) if a[:6] == b[:6]) if any(
        a[:6] == b[:6] for a, b in zip(ids, ids[1:])) else ids[0][:1]
    with pytest.raises(JikenboError, match="ambiguous"):
        casebook.release(shared)


def test_the_archived_original_is_kept_byte_for_byte(casebook) -> None:
    release = next(casebook.releases())
    locator, data, text = casebook.source_data(release.source_id)
    assert data == next(page for page in sample_pages() if page.name == locator).read_bytes()
    assert release.text in text or release.text.strip() in text


def test_releases_by_id_keep_the_order_asked(casebook) -> None:
    ids = [r.id for r in casebook.releases()][:5][::-1]
    assert [r.id for r in casebook.releases_by_id(ids)] == ids
    assert casebook.releases_by_id(ids, full=True)[0].text
    assert set(casebook.release_texts(ids)) == set(ids) == set(casebook.added_times(ids))
    assert set(casebook.stored_times()) == {r.id for r in casebook.releases()}


# -- search --------------------------------------------------------------------------------------
def _texts(casebook, result) -> list[str]:
    return [searchable(r.record.heading + "\n" + r.text)
            for r in casebook.releases_by_id(result.ids, full=True)]


@pytest.mark.parametrize("term", ["紛", "紛失", "委託", "漏えい", "個人情報", "ランサムウェア"])
def test_every_hit_holds_the_term_and_no_miss_does(casebook, term: str) -> None:
    found = casebook.search(Query(q=term, per_page=100))
    assert found.total > 0 and len(found.ids) == found.total
    assert all(searchable(term) in text for text in _texts(casebook, found))
    missed = casebook.search(Query(q=f"-{term}", per_page=100))
    assert not any(searchable(term) in text for text in _texts(casebook, missed))
    assert found.total + missed.total == casebook.counts()["incidents"]


@pytest.mark.parametrize("variant, other", [("漏洩", "漏えい"), ("サーバ", "サーバー"),
                                            ("ＵＳＢ", "usb")])
def test_variants_find_the_same_releases(casebook, variant: str, other: str) -> None:
    assert casebook.search(Query(q=variant)).ids == casebook.search(Query(q=other)).ids


def test_phrase_or_and_multi_term_queries(casebook) -> None:
    total = lambda q: casebook.search(Query(q=q)).total  # noqa: E731
    assert total("紛失 OR 誤送") >= max(total("紛失"), total("誤送")) > 0
    assert 0 < total("個人情報 漏えい") <= min(total("個人情報"), total("漏えい"))
    assert 0 < total('"不正アクセス"') == total("不正アクセス")
    assert total("個人情報 -漏えい") == total("個人情報") - total("個人情報 漏えい")


def test_facets_count_what_a_filter_keeps(casebook) -> None:
    found = casebook.search(Query(q="個人情報"))
    assert sum(count for _, count in found.facets["leak"]) == found.total
    category, count = found.facets["category"][0]
    assert casebook.search(Query(q="個人情報", category=category)).total == count
    year, count = found.facets["year"][0]
    assert casebook.search(Query(q="個人情報", year=year, sort="affected")).total == count


QUERIES = [Query(), Query(q="紛"), Query(q="紛失"), Query(q="誤送"), Query(q="漏洩"),
           Query(q="サーバー 不正"), Query(q='"個人情報" OR ランサム'), Query(q="-個人情報"),
           Query(q="メール", sort="affected", per_page=7, page=2), Query(q="情報", sort="added"),
           Query(category="ransomware"), Query(leak="confirmed", supply_chain=True),
           Query(q="a&b"), Query(q="x%_\\"), Query(vendor="水道マッピングシステム株式会社"),
           Query(q="水道", vendor="東京ガスエンジニアリングソリューションズ株式会社"),
           Query(category=("ransomware", "malware")), Query(excluded=(("category", "ransomware"),)),
           Query(date_from="2024-01-01", date_to="2024-06-30"), Query(year="unknown"),
           Query(month="2024-07", leak=("confirmed", "possible"))]


@pytest.mark.parametrize("query", QUERIES, ids=[f"{index}-{q.q or '-'}{''.join(q.vendor)[:4]}"
                                                 for index, q in enumerate(QUERIES)])
def test_both_backends_answer_a_search_alike(sqlite_casebook, pg_casebook, query: Query) -> None:
    mine, theirs = sqlite_casebook.search(query), pg_casebook.search(query)
    assert (mine.total, mine.ids, mine.facets) == (theirs.total, theirs.ids, theirs.facets)


def test_the_change_mark_moves_with_what_lists_show(store) -> None:
    empty = store.change_mark()
    pipeline.ingest(store, [str(sample_pages()[0])], ReadOptions())
    ingested = store.change_mark()
    curate.relink(store)
    linked = store.change_mark()
    assert empty[1] is None and ingested[1] and len({empty[0], ingested[0], linked[0]}) == 3
    assert curate.relink(store).moved == 0 and store.change_mark() == linked


def test_both_backends_link_the_same_cases(sqlite_casebook, pg_casebook) -> None:
    assert sqlite_casebook.case_numbers() == pg_casebook.case_numbers()
    assert [(i.number, i.anchor) for i in sqlite_casebook.registry()] == [
        (i.number, i.anchor) for i in pg_casebook.registry()]
    assert sqlite_casebook.case_total() == pg_casebook.case_total() == 55
    mine, theirs = sqlite_casebook.case_list(limit=10), pg_casebook.case_list(limit=10)
    assert [tuple(row)[:4] for row in mine] == [tuple(row)[:4] for row in theirs]


# -- cases ---------------------------------------------------------------------------------------
def test_merge_split_aliases_and_undo(store) -> None:
    _ingested(store)
    numbers = store.case_numbers()
    first, second = sorted(set(numbers.values()))[:2]
    merged = curate.merge(store, first, [second], note="same incident")
    assert store.resolve_case(second) == first and second in store.case_aliases(first)
    members = [r.id for r in store.case_releases(first)]
    assert len(members) >= 2
    split = curate.split(store, first, [members[-1][:12]])
    new = store.case_numbers()[members[-1]]
    assert new != first and [a.kind for a in store.actions()] == ["merge", "split"]
    curate.undo(store)  # the split
    assert store.case_numbers()[members[-1]] == first
    curate.undo(store, merged.action)
    assert store.resolve_case(second) == second and store.case_aliases(first) == []
    assert split.action > merged.action and all(a.undone_at for a in store.actions())
    with pytest.raises(UsageError, match="already undone"):
        store.undo_action(merged.action)


def test_renumbered_case_keeps_its_old_number_as_alias(store) -> None:
    _ingested(store)
    number = next(n for n in sorted(set(store.case_numbers().values())) if n.startswith("J2024"))
    curate.renumber(store, number, "J2024-0999")
    assert store.resolve_case(number) == "J2024-0999"
    assert store.case_aliases("J2024-0999") == [number]
    with pytest.raises(UsageError, match="issued before"):
        curate.renumber(store, "J2024-0999", number)


# -- the collector's tables ------------------------------------------------------------------------
def test_watch_tables(store) -> None:
    watch = store.watch
    assert watch.add(WatchEntry("https://example.jp/news", include=("/info/",), every=3600))
    assert not watch.add(WatchEntry("https://example.jp/news", kind="feed"))
    entry, = watch.entries()
    assert (entry.kind, entry.include, entry.every) == ("feed", (), None)
    link = SeenLink("https://example.jp/info/1", "お知らせ", "skipped", "not an incident", "", None,
                    None)
    watch.remember(entry.id, link)
    watch.remember(entry.id, link)
    assert watch.seen(entry.id, link.url) == link
    assert watch.link_counts() == {entry.id: {"skipped": 1}}
    assert watch.collected_total(entry.id) == 0
    assert watch.remove(entry.url) and watch.entries() == []


# -- caches and writers ----------------------------------------------------------------------------
def test_counts_follow_writes_of_another_connection(store) -> None:
    location = store.path
    other = open_store(location)
    try:
        assert store.counts()["releases"] == 0
        pipeline.ingest(other, [str(sample_pages()[0])], ReadOptions())
        assert store.counts()["releases"] == other.counts()["releases"] > 0
    finally:
        other.close()


def test_a_failing_source_leaves_nothing_half_written(store) -> None:
    extracted = pipeline.extract_source(load(str(sample_pages()[4])))
    altered = replace(extracted.posts[0], text=extracted.posts[0].text + "追記")
    broken = pipeline.Extracted(extracted.source, extracted.posts + (altered,),
                                extracted.records + (None,))
    with pytest.raises(AttributeError):
        pipeline.store_extracted(store, broken)
    assert store.counts() == {"sources": 0, "releases": 0, "incidents": 0, "cases": 0}


# -- copying -------------------------------------------------------------------------------------
def test_copy_refuses_a_casebook_that_is_not_empty(sqlite_casebook, store) -> None:
    pipeline.ingest(store, [str(sample_pages()[0])], ReadOptions())
    with pytest.raises(UsageError, match="not empty"):
        copying.copy(sqlite_casebook, store)
    copying.copy(sqlite_casebook, store, replace=True)
    assert store.counts() == sqlite_casebook.counts()
    assert store.case_numbers() == sqlite_casebook.case_numbers()
    assert store.search(Query(q="紛失")).ids == sqlite_casebook.search(Query(q="紛失")).ids


# -- the store tests of other modules, run again on PostgreSQL ------------------------------------
def _store_checks(module, names: tuple[str, ...]) -> list:
    return [pytest.param(getattr(module, name), id=name) for name in names]


VERSION_CHECKS = _store_checks(version_tests, (
    "test_a_changed_page_becomes_a_version_and_reingesting_changes_nothing",
    "test_a_curators_correction_outlives_a_new_version",
    "test_the_same_text_at_another_locator_is_another_occurrence",
    "test_the_casebook_print_is_the_same_release_as_the_issuers_page"))
CURATION_CHECKS = _store_checks(review_tests, (
    "test_a_correction_is_in_force_and_keeps_the_extracted_value",
    "test_search_and_facets_read_the_corrected_values",
    "test_linking_uses_the_corrected_organisation",
    "test_undo_puts_back_what_was_in_force_before",
    "test_correcting_to_the_same_value_stores_nothing",
    "test_review_marks_a_release_and_undo_unmarks_it",
    "test_the_queue_puts_the_least_sure_releases_and_fields_first",
    "test_correct_and_review_together"))


@pytest.mark.parametrize("check", VERSION_CHECKS)
def test_versions_and_occurrences_on_postgresql(check, pg_url: str, tmp_path: Path) -> None:
    """tests/test_versions.py's store tests (CLI ingests into --db) with a PostgreSQL URL."""
    wanted = inspect.signature(check).parameters
    check(**{name: value for name, value in (("db", pg_url), ("tmp_path", tmp_path))
             if name in wanted})


@pytest.mark.parametrize("check", CURATION_CHECKS)
def test_field_curation_on_postgresql(check, pg_url: str) -> None:
    """tests/test_review_store.py's tests on the sample casebook ingested into PostgreSQL."""
    assert run_cli("ingest", "--db", pg_url, str(SAMPLE)).returncode == 0
    store = open_store(pg_url)
    try:
        check(store)
    finally:
        store.close()


# -- one protocol ----------------------------------------------------------------------------------
def _protocol() -> set[str]:
    from jikenbo.store.base import Store
    return {name for name in vars(Store) if not name.startswith("_")} | set(
        Store.__annotations__)


def test_every_store_method_the_code_calls_is_in_the_protocol() -> None:
    import re
    used: dict[str, str] = {}
    package = Path(__file__).parents[1] / "src" / "jikenbo"
    for path in package.rglob("*.py"):
        if path.relative_to(package).parts[0] == "store":  # the backends themselves
            continue
        for name in re.findall(r"(?<![\w.`])store(?:\(\))?\.([a-z_]+)\b", path.read_text()):
            used.setdefault(name, path.name)
    assert len(used) > 30
    assert {name: where for name, where in used.items() if name not in _protocol()} == {}


def test_both_backends_have_every_method_of_the_protocol() -> None:
    from jikenbo.store.postgres import PostgresStore
    from jikenbo.store.sqlite import SQLiteStore
    for backend in (SQLiteStore, PostgresStore):
        assert {name for name in _protocol() if not hasattr(backend, name)} == set(), backend
