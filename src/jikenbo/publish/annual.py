"""The annual report's figures for one year, from the stored casebook.

Counted as /stats counts them: releases are incident releases by publication date; a case
belongs to the year of its first release that states an affected count, and its affected
figure is the one cases/affected.py defines (the ranking and the size buckets on /stats); the
month chart counts (release, category) pairs. Categories stand beside the previous year's, as JNSA and TSR tables do.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from jikenbo.assess.issuer import issuer_type
from jikenbo.cases import summarize
from jikenbo.cases.affected import case_figure
from jikenbo.cases.sizes import size_counts
from jikenbo.record import CATEGORIES
from jikenbo.store import Store, StoredRelease

@dataclass(frozen=True)
class RankedCase:
    number: str
    affected: int
    organizations: tuple[str, ...]
    heading: str


@dataclass(frozen=True)
class AnnualReport:
    year: str
    releases: int                                   # incident releases published in the year
    cases: int                                      # cases whose first release is in the year
    organizations: int
    affected_total: int                             # sum over those cases (each case's figure)
    categories: tuple[tuple[str, int, int], ...]    # category, this year, previous year
    top: tuple[RankedCase, ...]                     # ten largest cases by affected count
    supply_chain: tuple[RankedCase, ...]            # through a contractor (affected 0: unknown)
    sizes: tuple[tuple[str, int], ...]              # cases per affected-size bucket
    issuer_types: tuple[tuple[str, int], ...]       # releases per issuer type label
    months: tuple[tuple[str, int], ...]             # YYYY-MM, incident releases
    by_month: dict[str, dict[str, int]]             # category → YYYY-MM → count (as /stats)


def annual_report(store: Store, year: str) -> AnnualReport:
    releases = [release for release in store.releases() if release.record.is_incident]
    numbers = store.case_numbers()
    in_year = [r for r in releases if (r.record.published or "").startswith(year)]
    previous = str(int(year) - 1)
    this_count = Counter(c for r in in_year for c in r.record.categories)
    last_count = Counter(c for r in releases if (r.record.published or "").startswith(previous)
                         for c in r.record.categories)
    cases = _cases_of_year(releases, numbers, year)
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    for release in in_year:
        month = release.record.published[:7]
        for category in release.record.categories:
            by_month[category][month] = by_month[category].get(month, 0) + 1
    ranked = sorted(cases.values(), key=lambda case: (-case.affected, case.number))
    return AnnualReport(
        year, len(in_year), len(_first_in_year(releases, numbers, year)),
        len({r.record.organization for r in in_year if r.record.organization}),
        sum(case.affected for case in cases.values()),
        tuple((name, this_count[name], last_count[name]) for name in CATEGORIES
              if this_count[name] or last_count[name]),
        tuple(ranked[:10]), _supply_chain(releases, numbers, year),
        _sizes(releases, numbers, year),
        tuple(Counter(issuer_type(r.record.organization).label for r in in_year).most_common()),
        tuple(sorted(Counter(r.record.published[:7] for r in in_year).items())),
        dict(by_month))


def _members(releases: list[StoredRelease], numbers: dict[str, str]) -> dict[str, list]:
    members: dict[str, list[StoredRelease]] = defaultdict(list)
    for release in releases:
        if release.id in numbers:
            members[numbers[release.id]].append(release)
    return members


def _cases_of_year(releases, numbers, year: str) -> dict[str, RankedCase]:
    """Cases whose first release was published in the year and that have an affected figure
    (cases/affected.py, as /stats ranks them)."""
    out = {}
    for number, group in _members(releases, numbers).items():
        dated = [r.record.published for r in group if r.record.published]
        figure = _figure(number, group)
        if figure is None or not dated or not min(dated).startswith(year):
            continue
        out[number] = RankedCase(number, figure, _organizations(group),
                                 min(r.record.heading for r in group))
    return out


def _figure(number: str, group: list[StoredRelease]) -> int | None:
    """The case's one affected figure (cases/affected.py), as every page shows it."""
    return case_figure(summarize(number, [(r.id, r.record) for r in group])).total


def _first_in_year(releases, numbers, year: str) -> list[str]:
    return [number for number, group in _members(releases, numbers).items()
            if any(r.record.published for r in group)
            and min(r.record.published for r in group if r.record.published).startswith(year)]


def _supply_chain(releases, numbers, year: str) -> tuple[RankedCase, ...]:
    members = _members(releases, numbers)
    found = []
    for number in _first_in_year(releases, numbers, year):
        group = members[number]
        if any(r.record.supply_chain for r in group):
            found.append(RankedCase(number, _figure(number, group) or 0, _organizations(group),
                                    min(r.record.heading for r in group)))
    return tuple(sorted(found, key=lambda case: (-len(case.organizations), case.number)))


def _sizes(releases, numbers, year: str) -> tuple[tuple[str, int], ...]:
    """The year's cases per TSR size bucket of their one affected figure, as /stats counts."""
    members = _members(releases, numbers)
    return tuple(size_counts(_figure(number, members[number])
                             for number in _first_in_year(releases, numbers, year)))


def _organizations(group: list[StoredRelease]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.record.organization for r in group if r.record.organization))
