"""Casebook statistics: counts by category, month and leak status, and the largest incidents."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from jikenbo.store import Store


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    categories: list[tuple[str, int]]
    months: list[tuple[str, int]]
    leak_status: list[tuple[str, int]]
    largest: list[tuple[int, str]]


def summary(store: Store) -> Summary:
    categories: Counter[str] = Counter()
    months: Counter[str] = Counter()
    leaks: Counter[str] = Counter()
    largest = []
    for release in store.releases():
        record = release.record
        if not record.is_incident:
            continue
        categories.update(record.categories)
        leaks[record.leak_status] += 1
        if record.published:
            months[record.published[:7]] += 1
        if record.affected_count:
            largest.append((record.affected_count, record.heading))
    return Summary(store.counts(), categories.most_common(), sorted(months.items()),
                   leaks.most_common(), sorted(largest, reverse=True)[:10])


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
