"""Store.statistics(): the counts behind /stats, in portable SQL, checked against the same counts
made in Python over the stored releases of the sample casebook; the size buckets by a case's one
figure; and no SQL outside store/."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from jikenbo.cases.affected import ranked_cases
from jikenbo.cases.sizes import BUCKETS, UNKNOWN, bucket_of, size_counts
from jikenbo.store import open_store, stats
from jikenbo.web.statistics import UNDATED, statistics

SRC = Path(stats.__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(casebook: str):
    return open_store(casebook)


def _incidents(store) -> list:
    return [release.record for release in store.releases() if release.record.is_incident]


def test_months_years_and_leak_are_the_counts_of_the_stored_records(store) -> None:
    records = _incidents(store)
    found = store.statistics()
    assert Counter({(month, category): n for month, category, n in found.by_month}) == Counter(
        (r.published[:7], c) for r in records if r.published for c in r.categories)
    assert Counter({(year, category): n for year, category, n in found.by_year}) == Counter(
        (r.published[:4] if r.published else None, c) for r in records for c in r.categories)
    assert dict(found.leak) == Counter(r.leak_status for r in records)
    counts = [n for _, n in found.leak]
    assert counts == sorted(counts, reverse=True)


def test_undated_incidents_have_their_own_year_column(store) -> None:
    undated = Counter(c for r in _incidents(store) if not r.published for c in r.categories)
    assert undated, "the sample casebook has undated incident releases"
    by_year = statistics(store)["by_year"]
    assert {category: years[UNDATED] for category, years in by_year.items()
            if UNDATED in years} == undated


def test_supply_chain_cases_list_every_release_and_organization_once(store) -> None:
    found = store.statistics().supply_chain_cases
    assert found
    for case in found:
        members = store.case_releases(case.number)
        assert any(r.record.supply_chain for r in members)
        assert case.releases == len(members)
        assert case.first == min((r.record.published for r in members if r.record.published),
                                 default=None)
        assert set(case.organizations) == {r.record.organization for r in members
                                           if r.record.organization}
        assert len(case.organizations) == len(set(case.organizations))
    assert [case.releases for case in found] == sorted((c.releases for c in found), reverse=True)
    numbers = set(store.case_numbers().values())
    chains = {n for n in numbers if any(r.record.supply_chain for r in store.case_releases(n))}
    assert {case.number for case in found} == chains


@pytest.mark.parametrize(("figure", "bucket"), [
    (0, "100件未満"), (1, "100件未満"), (99, "100件未満"), (100, "100件以上1,000件未満"),
    (999, "100件以上1,000件未満"), (1_000, "1,000件以上1万件未満"),
    (9_999, "1,000件以上1万件未満"), (10_000, "1万件以上10万件未満"),
    (99_999, "1万件以上10万件未満"), (100_000, "10万件以上100万件未満"),
    (999_999, "10万件以上100万件未満"), (1_000_000, "100万件以上"),
    (35_040_000, "100万件以上"), (None, "件数不明"),
])
def test_size_buckets_are_tsrs(figure: int | None, bucket: str) -> None:
    assert bucket_of(figure) == bucket


def test_every_case_falls_in_one_size_bucket_by_its_one_figure(store) -> None:
    sizes = dict(statistics(store)["sizes"])
    assert list(sizes) == [bucket.label for bucket in BUCKETS] + [UNKNOWN]
    assert sum(sizes.values()) == store.counts()["cases"]
    figures = [case.figure.total for case in ranked_cases(store)]
    assert sizes[UNKNOWN] == store.counts()["cases"] - len(figures)
    assert dict(size_counts(figures)) == {**sizes, UNKNOWN: 0}
    # the water-utility contractor breach (白井市 …): thirteen organisations' figures summed
    shirai = store.resolve_case("2024-313")
    figure = next(c.figure.total for c in ranked_cases(store) if c.number == shirai)
    assert bucket_of(figure) == "100万件以上" and sizes["100万件以上"] >= 1


SQLITE_ONLY = re.compile(r"GROUP_CONCAT|json_\w+\(|(?:\bIS|=)\s*[01]\b|\bIFNULL\b|\bINSTR\b|"
                         r"\browid\b|strftime", re.IGNORECASE)


@pytest.mark.parametrize("name", ["BY_MONTH", "BY_YEAR", "LEAK", "SUPPLY_CHAIN_MEMBERS"])
def test_statistics_sql_uses_nothing_only_sqlite_understands(name: str) -> None:
    sql = getattr(stats, name)
    assert not SQLITE_ONLY.search(sql), sql


def test_the_portability_check_catches_what_it_should() -> None:
    for sqlite_only in ("GROUP_CONCAT(DISTINCT r.organization)", "HAVING MAX(r.supply_chain) = 1",
                        "WHERE is_incident IS 1", "json_extract(x, '$.a')", "ORDER BY rowid"):
        assert SQLITE_ONLY.search(sqlite_only), sqlite_only


def test_no_sql_outside_the_store() -> None:
    """Web, CLI and every other stage reach the database through Store methods only."""
    outside = [path.relative_to(SRC) for path in SRC.rglob("*.py")
               if "store" not in path.relative_to(SRC).parts[:1]
               and re.search(r"\.execute(?:many)?\(|\bSELECT\b[^\n]{0,200}\bFROM\b",
                             path.read_text(encoding="utf-8"))]
    assert outside == []
