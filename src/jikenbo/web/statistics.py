"""What /stats and /api/stats show: the store's counts (store/stats.py) with what they mean —
the yearly rankings and the affected-size buckets, both by a case's one figure
(cases/affected.py)."""
from __future__ import annotations

from collections import defaultdict

from jikenbo.cases.affected import RankedCase, ranked_cases
from jikenbo.cases.sizes import size_counts
from jikenbo.record import CATEGORIES, DATA_TYPES, LEAK_STATUSES

RANKED_PER_YEAR = 10
UNDATED = "undated"  # the key of undated releases in `by_year` (shown as 日付不明)


def statistics(store) -> dict:
    """Everything the statistics page draws, as JSON-ready values."""
    counted = store.statistics()
    ranked = ranked_cases(store)
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    for month, category, count in counted.by_month:
        by_month[category][month] = count
    by_year: dict[str, dict[str, int]] = defaultdict(dict)
    for year, category, count in counted.by_year:
        by_year[category][year or UNDATED] = count
    return {"counts": store.counts(), "by_month": dict(by_month), "by_year": dict(by_year),
            "ranking": _ranking(ranked),
            "sizes": size_counts(_figures(store, ranked)),
            "supply_chain_cases": [
                {"number": case.number, "releases": case.releases, "first": case.first,
                 "organizations": "、".join(case.organizations)}
                for case in counted.supply_chain_cases],
            "leak": [list(row) for row in counted.leak],
            "categories": list(CATEGORIES), "data_types": list(DATA_TYPES),
            "leak_statuses": list(LEAK_STATUSES)}


def _ranking(ranked: list[RankedCase]) -> dict[str, list[dict]]:
    """The ten largest cases of each year, latest year first; an undated case counts in the
    year it was added and says so (`undated`)."""
    ranking: dict[str, list[dict]] = defaultdict(list)
    for case in ranked:
        if len(ranking[case.year]) < RANKED_PER_YEAR:
            ranking[case.year].append({"year": case.year, "number": case.number,
                                       "affected": case.figure.total, "undated": case.undated,
                                       "contractor": case.figure.contractor,
                                       "organizations": case.organizations,
                                       "heading": case.heading})
    return dict(sorted(ranking.items(), reverse=True))


def _figures(store, ranked: list[RankedCase]) -> list[int | None]:
    """Each case's one figure; a case no release of which states a count is None (件数不明)."""
    known = {case.number: case.figure.total for case in ranked}
    return [known.get(number) for number in sorted(set(store.case_numbers().values()))]
