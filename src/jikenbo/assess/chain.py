"""A case's chain of reports (第1報, 第2報 …, 最終報) and the days between the issuer learning of
the incident (`discovered`), its first notice and its final report; per year, the median days
from discovery to first notice."""
from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from jikenbo.cases.summary import CaseSummary, Report
from jikenbo.record import Record
from jikenbo.store import Store


@dataclass(frozen=True)
class Chain:
    reports: tuple[Report, ...]
    discovered: str | None          # the earliest day any release says the issuer learned of it
    first_notice: str | None        # the first release (or an earlier one a release cites)
    final_report: str | None        # the last 最終報, else the latest release
    final_label: str | None
    days_to_first_notice: int | None
    days_to_final_report: int | None   # from the first notice


def chain(summary: CaseSummary, records: Mapping[str, Record]) -> Chain:
    """`records` by release id (the case's members)."""
    found = [records[report.release_id].discovered for report in summary.reports
             if report.release_id in records and records[report.release_id].discovered]
    discovered = min(found, default=None)
    dated = [report for report in summary.reports if report.published]
    finals = [report for report in dated if report.label == "最終報"]
    last = (finals or dated or [None])[-1]
    final_day = last.published if last else None
    return Chain(summary.reports, discovered, summary.first, final_day,
                 last.label if last else None, _days(discovered, summary.first),
                 _days(summary.first, final_day) if len(dated) > 1 else None)


def median_days_to_first_notice(store: Store) -> list[tuple[str, float, int]]:
    """(year of first notice, median days from discovery, cases) for cases that state both."""
    members: dict[str, list[Record]] = defaultdict(list)
    numbers = store.case_numbers()
    for release in store.releases():
        if release.id in numbers and release.record.is_incident:
            members[numbers[release.id]].append(release.record)
    by_year: dict[str, list[int]] = defaultdict(list)
    for records in members.values():
        days = _case_days(records)
        if days is not None:
            by_year[days[0][:4]].append(days[1])
    return [(year, statistics.median(values), len(values))
            for year, values in sorted(by_year.items())]


def _case_days(records: Iterable[Record]) -> tuple[str, int] | None:
    records = list(records)
    discovered = min((r.discovered for r in records if r.discovered), default=None)
    notices = [d for r in records for d in (r.published, *r.earlier_releases) if d]
    first = min(notices, default=None)
    days = _days(discovered, first)
    return (first, days) if first and days is not None else None


def _days(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days
    return days if days >= 0 else None
