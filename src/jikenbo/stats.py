"""Casebook statistics: counts by category, month and leak status, and the largest incidents."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from jikenbo.cases.affected import RankedCase, ranked_cases
from jikenbo.store import Store


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    categories: list[tuple[str, int]]
    months: list[tuple[str, int]]
    leak_status: list[tuple[str, int]]
    largest: list[tuple[int, str]]   # cases by their one figure (cases/affected.py)


def summary(store: Store) -> Summary:
    categories: Counter[str] = Counter()
    months: Counter[str] = Counter()
    leaks: Counter[str] = Counter()
    for release in store.releases():
        record = release.record
        if not record.is_incident:
            continue
        categories.update(record.categories)
        leaks[record.leak_status] += 1
        if record.published:
            months[record.published[:7]] += 1
    return Summary(store.counts(), categories.most_common(), sorted(months.items()),
                   leaks.most_common(), [(case.figure.total, _label(case))
                                         for case in ranked_cases(store)[:10]])


def _label(case: RankedCase) -> str:
    year = f"{case.year}, undated: year added" if case.undated else case.year
    return f"{case.number} ({year}) {case.organizations or case.heading}"


def render(found: Summary) -> str:
    counts = found.counts
    lines = [f"{counts['releases']} releases ({counts['incidents']} incidents) from "
             f"{counts['sources']} sources, {counts['cases']} cases"]
    lines.append("categories: " + ", ".join(f"{name} {n}" for name, n in found.categories))
    lines.append("leak status: " + ", ".join(f"{name} {n}" for name, n in found.leak_status))
    lines.append("by month: " + ", ".join(f"{month} {n}" for month, n in found.months))
    lines.append("largest:")
    lines.extend(f"  {count:>10,}  {heading[:70]}" for count, heading in found.largest)
    return "\n".join(lines)
