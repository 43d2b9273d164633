"""The statistics queries behind /stats and /api/stats, in SQL both backends run.

Portable on purpose (the PostgreSQL backend reuses these strings): no GROUP_CONCAT or JSON
functions, booleans tested as `WHERE is_incident` (an integer in SQLite, a boolean in
PostgreSQL), NULLs ordered explicitly (the two disagree on where NULL sorts), `?` placeholders.
Anything a DB-API connection with `execute()` answers can run them: `statistics(connection)`.
The store only counts; what the counts mean (rankings, size buckets) is worked out in `cases/`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# Incident releases per (publication month YYYY-MM, category); undated releases are left out.
BY_MONTH = ("SELECT substr(r.published, 1, 7), c.category, COUNT(*) FROM releases r "
            "JOIN release_categories c ON c.release_id = r.id "
            "WHERE r.is_incident AND r.published IS NOT NULL "
            "GROUP BY substr(r.published, 1, 7), c.category")
# Incident releases per (publication year, category); the year is NULL for undated releases.
BY_YEAR = ("SELECT substr(r.published, 1, 4), c.category, COUNT(*) FROM releases r "
           "JOIN release_categories c ON c.release_id = r.id WHERE r.is_incident "
           "GROUP BY substr(r.published, 1, 4), c.category")
LEAK = ("SELECT r.leak_status, COUNT(*) FROM releases r WHERE r.is_incident "
        "GROUP BY r.leak_status ORDER BY COUNT(*) DESC, r.leak_status")
# Every release of a case that has at least one supply-chain release, earliest first (undated
# last); organisations are gathered in Python, where GROUP_CONCAT/string_agg would differ.
SUPPLY_CHAIN_MEMBERS = (
    "SELECT m.number, r.organization, r.published FROM case_members m "
    "JOIN releases r ON r.id = m.release_id "
    "WHERE m.number IN (SELECT s.number FROM case_members s "
    "JOIN releases sr ON sr.id = s.release_id WHERE sr.supply_chain) "
    "ORDER BY m.number, CASE WHEN r.published IS NULL THEN 1 ELSE 0 END, r.published, r.id")
SUPPLY_CHAIN_SHOWN = 50  # the largest supply-chain cases listed


class Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[object] = ...) -> Iterable[Sequence[Any]]: ...


@dataclass(frozen=True)
class SupplyChainCase:
    number: str
    releases: int
    first: str | None               # earliest publication date, None when none is dated
    organizations: tuple[str, ...]  # in order of their first release


@dataclass(frozen=True)
class Statistics:
    by_month: tuple[tuple[str, str, int], ...]         # (YYYY-MM, category, incident releases)
    by_year: tuple[tuple[str | None, str, int], ...]   # (YYYY or None: undated, category, count)
    leak: tuple[tuple[str, int], ...]                  # (leak status, incident releases), most first
    supply_chain_cases: tuple[SupplyChainCase, ...]    # most releases first, then latest first


def statistics(db: Connection) -> Statistics:
    """The casebook's counts, read in four queries."""
    rows = lambda sql: [tuple(row) for row in db.execute(sql)]  # noqa: E731
    return Statistics(
        tuple((month, category, count) for month, category, count in rows(BY_MONTH)),
        tuple((year, category, count) for year, category, count in rows(BY_YEAR)),
        tuple((status, count) for status, count in rows(LEAK)),
        _supply_chain_cases(rows(SUPPLY_CHAIN_MEMBERS)))


def _supply_chain_cases(members: list[tuple]) -> tuple[SupplyChainCase, ...]:
    grouped: dict[str, list[tuple]] = {}
    for number, organization, published in members:
        grouped.setdefault(number, []).append((organization, published))
    found = [SupplyChainCase(number, len(group),
                             min((p for _, p in group if p), default=None),
                             tuple(dict.fromkeys(o for o, _ in group if o)))
             for number, group in grouped.items()]
    found.sort(key=lambda case: (case.first or "", case.number), reverse=True)  # latest first,
    found.sort(key=lambda case: -case.releases)  # then (stably) the most releases first
    return tuple(found[:SUPPLY_CHAIN_SHOWN])


class StatisticsQueries:
    """Mixed into a store that has a DB-API connection as `db`."""

    db: Connection

    def statistics(self) -> Statistics:
        """Counts by month, year, category and leak status, and the supply-chain cases."""
        return statistics(self.db)
