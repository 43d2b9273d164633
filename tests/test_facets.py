"""Facets on the sample casebook: several values of one facet (OR), exclusion, date ranges,
months as YYYY-MM, the 日付不明 bucket, vendors, and counts that leave out their own facet.
Every expectation is worked out from the stored rows, not from the search index."""
from __future__ import annotations

import pytest

from jikenbo.store import open_store
from jikenbo.store.query import MAX_VALUES, Query, QueryError, parse


@pytest.fixture(scope="module")
def store(casebook: str):
    return open_store(casebook)


@pytest.fixture(scope="module")
def rows(store) -> list[dict]:
    """Every incident release as the facets see it, read with plain SQL."""
    categories: dict[str, set[str]] = {}
    for row in store.execute("SELECT release_id, category FROM release_categories"):
        categories.setdefault(row["release_id"], set()).add(row["category"])
    return [{"id": row["id"], "published": row["published"], "leak": row["leak_status"],
             "vendors": set(store.releases_by_id([row["id"]])[0].record.vendors),
             "categories": categories.get(row["id"], set())}
            for row in store.execute("SELECT id, published, leak_status FROM releases "
                                     "WHERE is_incident = 1")]


def found(store, **params) -> set[str]:
    result = store.search(parse(list(_pairs(params)) + [("per_page", "100")]), facets=())
    assert result.total <= 100
    return set(result.ids)


def _pairs(params: dict):
    for name, value in params.items():
        for one in value if isinstance(value, list) else [value]:
            yield name.replace("from_", "from"), one


def test_two_categories_are_either_and_an_exclusion_removes_one(store, rows) -> None:
    ransomware = {r["id"] for r in rows if "ransomware" in r["categories"]}
    loss = {r["id"] for r in rows if "loss_theft" in r["categories"]}
    assert ransomware and loss and ransomware != loss
    assert found(store, category=["ransomware", "loss_theft"]) == ransomware | loss
    assert found(store, category=["ransomware", "loss_theft"],
                 not_category="ransomware") == loss - ransomware
    everything = {r["id"] for r in rows}
    assert found(store, not_category="ransomware") == everything - ransomware


def test_different_facets_must_all_hold(store, rows) -> None:
    expected = {r["id"] for r in rows if "unauthorized_access" in r["categories"]
                and r["leak"] in ("confirmed", "suspected")}
    assert expected and found(store, category="unauthorized_access",
                              leak=["confirmed", "suspected"]) == expected


def test_undated_releases_have_their_own_year_bucket(store, rows) -> None:
    undated = {r["id"] for r in rows if not r["published"]}
    assert undated and found(store, year="unknown") == undated
    result = store.search(Query(per_page=1), facets=("year",))
    assert dict(result.facets["year"])["unknown"] == len(undated)
    assert result.facets["year"][-1][0] == "unknown"  # 日付不明 comes after the years
    in_2024 = {r["id"] for r in rows if (r["published"] or "").startswith("2024")}
    assert found(store, year=["2024", "unknown"]) == in_2024 | undated


def test_months_are_year_and_month_and_never_mix_years(store, rows) -> None:
    months = dict(store.search(Query(per_page=1), facets=("month",)).facets["month"])
    assert months and all(len(month) == 7 and month[4] == "-" for month in months)
    july = {r["id"] for r in rows if (r["published"] or "").startswith("2024-07")}
    assert months["2024-07"] == len(july) and found(store, month="2024-07") == july
    other_julys = {r["id"] for r in rows if (r["published"] or "")[4:7] == "-07"} - july
    assert other_julys, "the sample has a July of another year"
    assert not found(store, month="2024-07") & other_julys


@pytest.mark.parametrize("first, last", [("2024-07-01", "2024-07-31"), ("2024", "2024"),
                                         ("2024-07", "2024-08"), ("2023-08-04", None),
                                         (None, "2024-07-15"), ("2024-07-23", "2024-07-23")])
def test_a_date_range_keeps_the_dated_releases_inside_it(store, rows, first, last) -> None:
    query = parse({"from": first or "", "to": last or "", "per_page": "100"})
    low, high = query.date_from or "0000", query.date_to or "9999"
    expected = {r["id"] for r in rows if r["published"] and low <= r["published"] <= high}
    assert expected and set(store.search(query, facets=()).ids) == expected


def test_a_vendor_finds_the_releases_naming_it(store, rows) -> None:
    counted = store.search(Query(per_page=1), facets=("vendor",)).facets["vendor"]
    name, count = counted[0]
    naming = {r["id"] for r in rows if name in r["vendors"]}
    assert count == len(naming) > 1 and found(store, vendor=name) == naming
    assert [c for _, c in counted] == sorted((c for _, c in counted), reverse=True)


def test_a_facets_counts_leave_out_its_own_choice(store, rows) -> None:
    """With ransomware chosen, loss_theft still counts what choosing it too would add, while
    the other facets count only ransomware releases."""
    result = store.search(parse([("category", "ransomware")]))
    counts = dict(result.facets["category"])
    assert counts["loss_theft"] == sum("loss_theft" in r["categories"] for r in rows)
    assert counts["ransomware"] == result.total
    ransomware = [r for r in rows if "ransomware" in r["categories"]]
    assert sum(dict(result.facets["leak"]).values()) == len(ransomware)
    excluded = store.search(parse([("not_category", "ransomware")]))
    assert dict(excluded.facets["category"])["ransomware"] == len(ransomware)  # can be undone


@pytest.mark.parametrize("params, message", [
    ({"from": "2024-13"}, "from の日付が読めません"),
    ({"to": "2024-02-30"}, "to の日付が読めません"),
    ({"from": "24-01-01"}, "from の日付が読めません"),
    ({"from": "2024-08", "to": "2024-07"}, "より後です"),
    ({"month": "07"}, "YYYY-MM"),
    ({"month": "2024-13"}, "YYYY-MM"),
    ({"year": "24"}, "4桁"),
    ({"not_year": "soon"}, "4桁"),
    ({"category": "bogus"}, "分類に「bogus」はありません"),
    ({"not_leak": "maybe"}, "漏えい状況"),
    ({"vendor": "株" * 201}, "長すぎます"),
])
def test_what_cannot_be_read_says_so_in_japanese(params: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(params)


@pytest.mark.parametrize("given, first, last", [("2024", "2024-01-01", "2024-12-31"),
                                                ("2024-02", "2024-02-01", "2024-02-29"),
                                                ("2023-2", "2023-02-01", "2023-02-28"),
                                                ("2024-07-05", "2024-07-05", "2024-07-05")])
def test_a_year_or_month_means_all_of_it(given: str, first: str, last: str) -> None:
    query = parse({"from": given, "to": given})
    assert (query.date_from, query.date_to) == (first, last)


def test_a_month_without_its_year_takes_the_one_year_given() -> None:
    assert parse({"year": "2024", "month": "7"}).month == ("2024-07",)
    assert parse({"year": "2024", "month": "2023-07"}).month == ("2023-07",)
    with pytest.raises(QueryError, match="YYYY-MM"):
        parse([("year", "2024"), ("year", "2023"), ("month", "07")])


def test_repeated_values_are_kept_once_and_bounded() -> None:
    query = parse([("category", "ransomware"), ("category", "ransomware"),
                   ("not_category", "loss_theft")])
    assert query.category == ("ransomware",) and query.excluded == (("category", "loss_theft"),)
    assert parse(query.params()) == query.with_(per_page=20)  # a link reads back the same
    with pytest.raises(QueryError, match="まで選べます"):
        parse([("vendor", f"社{n}") for n in range(MAX_VALUES + 1)])


def test_hostile_date_and_facet_values_are_refused() -> None:
    """Long runs of digits and dashes (the date pattern is anchored, its parts bounded)."""
    for hostile in ("9" * 2000, "2024-" * 400, "-" * 2000, "2024-07-" + "1" * 1990):
        for name in ("from", "to", "month", "year"):
            with pytest.raises(QueryError):
                parse({name: hostile})
