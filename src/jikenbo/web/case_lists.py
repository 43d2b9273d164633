"""The case list (`/cases`): every case with its title, categories, dates, organisations and
affected figure, sorted by any of those columns, by year (or 日付不明), a page at a time.

The rows of all cases are read once per change of the casebook (`Store.shared`, one copy for
every connection of the process) and sorted here once per year, column and order asked for,
so a page costs a slice of a sorted list, not a query or a sort; the affected figures of all
cases are worked out only when a list is sorted by them, else only for the rows shown (their
releases read in one statement).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jikenbo.cases.affected import case_figures, ranked_cases
from jikenbo.store.query import UNDATED, Query, QueryError
from jikenbo.store.search import Result

CASES_PER_PAGE = 100  # each row works out its case's affected figure (from its releases)
# column → what it sorts by; None (unknown) always sorts last
SORT_KEYS = {"number": "number", "date": "first", "title": "title",
             "organization": "organizations", "affected": "affected"}
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class Listing:
    year: str | None = None
    sort: str = "number"
    order: str = "asc"
    page: int = 1

    def params(self, **changes: object) -> dict[str, object]:
        given = {"year": self.year, "sort": self.sort, "order": self.order,
                 "page": self.page, **changes}
        defaults = {"sort": "number", "order": "asc", "page": 1}
        return {name: value for name, value in given.items()
                if value is not None and defaults.get(name) != value}


def listing(params: Mapping[str, str]) -> Listing:
    """The list a request asks for; QueryError with a Japanese message when it cannot be read."""
    year = params.get("year") or None
    if year and year != UNDATED and not re.fullmatch(r"\d{4}", year):
        raise QueryError(f"年は4桁の数字か {UNDATED}(日付不明)で指定してください: {year}")
    sort, order = params.get("sort") or "number", params.get("order") or "asc"
    if sort not in SORT_KEYS:
        raise QueryError(f"並び順(sort)は {', '.join(SORT_KEYS)} のいずれかです")
    if order not in ORDERS:
        raise QueryError("order は asc か desc で指定してください")
    try:
        number = int(params.get("page") or 1)
    except ValueError:
        raise QueryError("page は数字で指定してください") from None
    if not 1 <= number <= 10_000:
        raise QueryError("page は 1〜10000 で指定してください")
    return Listing(year, sort, order, number)


def year_of(row: Mapping[str, Any]) -> str:
    """The year a case is listed under: of its first dated release, else 日付不明."""
    return row["first"][:4] if row["first"] else UNDATED


def page(store, listing: Listing) -> dict[str, Any]:
    """What cases.html shows: one page of the sorted list, the years to choose from."""
    every = store.shared("case_list", lambda: [dict(row) for row in store.case_list()])
    years = store.shared("case_years", lambda: sorted(
        {year_of(row) for row in every}, key=lambda y: (y != UNDATED, y), reverse=True))
    # read before the sorted list is shared: `shared` holds one lock while it computes
    totals = store.shared("case_affected", lambda: _affected(store)) \
        if listing.sort == "affected" else {}
    # each year, column and order sorted once per change of the casebook, then sliced
    ordered = store.shared(f"case_order {listing.year} {listing.sort} {listing.order}",
                           lambda: _ordered(every, listing, totals))
    start = (listing.page - 1) * CASES_PER_PAGE
    shown = ordered[start:start + CASES_PER_PAGE]
    figures = store.shared("case_figures", dict)  # worked out once per shown case, then kept
    missing = [row["number"] for row in shown if row["number"] not in figures]
    figures.update(case_figures(store, missing))
    cases = [{**row, "categories": (row["categories"] or "").split(",") if row["categories"]
              else [], "affected": figures[row["number"]].total,
              "contractor": figures[row["number"]].contractor} for row in shown]
    result = Result(Query(page=listing.page, per_page=CASES_PER_PAGE), len(ordered), [])
    return {"year": listing.year, "years": years, "listing": listing, "result": result,
            "cases": cases, "params": listing.params(page=None)}


def _ordered(every: list[dict[str, Any]], listing: Listing,
             totals: dict[str, int | None]) -> list[dict[str, Any]]:
    """The cases of the listing's year in its column's order, unknown values last."""
    chosen = [row for row in every if listing.year is None or year_of(row) == listing.year]
    if listing.sort == "affected":
        chosen = [{**row, "affected": totals.get(row["number"])} for row in chosen]
    key = SORT_KEYS[listing.sort]
    known = [row for row in chosen if row.get(key) is not None]
    known.sort(key=lambda row: row[key], reverse=listing.order == "desc")
    return known + [row for row in chosen if row.get(key) is None]


def _affected(store) -> dict[str, int | None]:
    """Each case's affected figure (one pass over the store; cases without one are absent)."""
    return {case.number: case.figure.total for case in ranked_cases(store)}
