"""Which releases an export writes: the search filters, a date range, a case, incidents only."""
from __future__ import annotations

import re
from dataclasses import dataclass

from jikenbo.cases import party_key
from jikenbo.errors import UsageError
from jikenbo.record import CATEGORIES
from jikenbo.store import StoredRelease
from jikenbo.store.search import MAX_QUERY, Query

_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_ALL = 10 ** 9  # a search "page" that holds every match


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category: str | None = None
    organization: str | None = None
    vendor: str | None = None
    since: str | None = None      # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    until: str | None = None
    case: str | None = None
    incidents_only: bool = True

    def check(self) -> None:
        """Raise UsageError for a filter the user must correct."""
        if len(self.q) > MAX_QUERY:
            raise UsageError(f"the query is longer than {MAX_QUERY} characters")
        if self.category and self.category not in CATEGORIES:
            raise UsageError(f"unknown category {self.category!r}; one of {', '.join(CATEGORIES)}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and not _DATE.fullmatch(value):
                raise UsageError(f"--{name} takes YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")


def select(store, filters: Filters) -> tuple[list[StoredRelease], dict[str, str]]:
    """The releases that pass every filter (oldest first) and the case number of each."""
    filters.check()
    cases = store.case_numbers()
    number = store.resolve_case(filters.case) if filters.case else None
    matched = None
    if filters.q.strip():  # full text goes through the search index (incident releases)
        matched = set(store.search(Query(q=filters.q, per_page=_ALL), facets=()).ids)
    kept = [release for release in store.releases()
            if (matched is None or release.id in matched)
            and (number is None or cases.get(release.id) == number)
            and passes(release, filters)]
    return kept, cases


def passes(release: StoredRelease, filters: Filters) -> bool:
    """The filters one release can answer by itself.

    Keeps a 2024-07-23 notice of 白井市 for `organization="白井市", since="2024-07"`; drops it for
    `until="2024-06"` and, were it no incident, for `incidents_only`.
    """
    record = release.record
    if filters.incidents_only and not record.is_incident:
        return False
    if filters.category and filters.category not in record.categories:
        return False
    if filters.organization and party_key(record.organization) != party_key(filters.organization):
        return False
    if filters.vendor and party_key(filters.vendor) not in {party_key(v) for v in record.vendors}:
        return False
    if filters.since or filters.until:
        date = record.published
        if not date:
            return False
        if filters.since and date[:len(filters.since)] < filters.since:
            return False
        if filters.until and date[:len(filters.until)] > filters.until:
            return False
    return True
