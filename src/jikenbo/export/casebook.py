"""What every renderer shares: releases grouped into their cases, stable ids, source names.

A renderer that speaks in incidents (STIX, MISP, VERIS) writes one per case: the releases of a
case are the reports of one incident (case 2024-313's sixteen notices are one breach). A release
that no case holds (not an incident, or not linked yet) stands alone under its own id.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from jikenbo import data
from jikenbo.cases import CaseSummary, summarize
from jikenbo.store import StoredRelease

# Fixed, so that the same casebook always gets the same ids (re-imports merge, not duplicate).
NAMESPACE = uuid.UUID("5b0e7c43-2b4e-4d8c-9a57-6a3c1f0e2d11")


@dataclass(frozen=True)
class Options:
    """What a renderer may be asked besides the releases: labels (`en` ids or `ja` words),
    when each release was stored (release id → ISO time), and the CSV's list separator."""

    labels: str = "en"
    added: Mapping[str, str] = field(default_factory=dict)
    separator: str = ";"


@dataclass(frozen=True)
class Case:
    key: str                          # the case number, or `release:<id>` for a lone release
    number: str | None
    summary: CaseSummary
    releases: tuple[StoredRelease, ...]   # oldest first


def stable_id(kind: str, *parts: str) -> str:
    """A STIX-style id that depends only on what it names: `kind--uuid5(parts)`."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, chr(31).join((kind, *parts)))}"


def group_cases(releases: Sequence[StoredRelease], cases: Mapping[str, str]) -> list[Case]:
    """The releases grouped by case number (in number order), lone releases after them."""
    groups: dict[str, list[StoredRelease]] = {}
    for release in releases:
        number = cases.get(release.id)
        groups.setdefault(number or f"release:{release.id}", []).append(release)
    found = []
    for key in sorted(groups, key=lambda key: (key.startswith("release:"), key)):
        members = sorted(groups[key], key=lambda r: (r.record.published or "9999", r.id))
        number = None if key.startswith("release:") else key
        summary = summarize(number or key, [(r.id, r.record) for r in members])
        found.append(Case(key, number, summary, tuple(members)))
    return found


def source_reference(locator: str) -> tuple[str | None, str]:
    """(URL, name) of where a release came from: a web address is kept whole; a local path is
    cut to its file name, so no export carries the ingesting machine's folders.

    >>> source_reference("/home/a/notices/000_d3fd.txt")
    (None, '000_d3fd.txt')
    >>> source_reference("https://www.city.example.jp/news/1.html")
    ('https://www.city.example.jp/news/1.html', 'www.city.example.jp')
    """
    if urlsplit(locator).scheme in ("http", "https"):
        return locator, urlsplit(locator).hostname or locator
    if locator in ("", "-"):
        return None, "stdin"
    name = PureWindowsPath(locator).name if "\\" in locator else PurePosixPath(locator).name
    return None, name or locator


def source_text(locator: str) -> str:
    """The one string a flat format (CSV, JSON lines) shows for a source."""
    url, name = source_reference(locator)
    return url or name


def stix_time(value: str | None) -> datetime | None:
    """A date (YYYY-MM-DD) or an ISO time as an aware UTC datetime; None stays None."""
    if not value:
        return None
    moment = datetime.fromisoformat(value if "T" in value else f"{value}T00:00:00")
    return moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(timezone.utc)


def added_range(case: Case, added: Mapping[str, str]) -> tuple[datetime, datetime]:
    """When a case's releases were first and last stored: its objects' created and modified."""
    moments = sorted(stix_time(added[r.id]) for r in case.releases if r.id in added)
    if not moments:  # read without store times (a library caller): the case's own dates, else
        moments = sorted(stix_time(d) for d in (case.summary.first, case.summary.latest) if d)
    if not moments:  # today, which is when the object is being made — never a made-up epoch
        today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        moments = [today]
    return moments[0], moments[-1]


def describe(case: Case) -> str:
    """The case in one Japanese paragraph (what importers that skip extensions still show)."""
    s = case.summary
    parts = [f"事件番号 {case.number}" if case.number else "単独の公表",
             f"公表 {len(case.releases)}件"]
    if s.organizations:
        parts.append("組織: " + "、".join(s.organizations))
    if s.supply_chain and s.breached:
        parts.append(f"委託先(侵害元): {s.breached}")
    if s.affected_total is not None:
        parts.append(f"影響件数: {s.affected_total:,}")
    parts.append("漏えい状況: " + data.load("labels")["leak"].get(s.leak_status, s.leak_status))
    if s.data_types:
        parts.append("情報の種類: " + "、".join(data.load("labels")["data_type"].get(t, t)
                                               for t in s.data_types))
    return "。".join(parts) + "。"
