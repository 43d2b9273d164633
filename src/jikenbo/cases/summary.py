"""The case record: what a curator writes at the top of a casebook entry.

Following VERIS practice, a contractor breach is one case with the contractor as the breached
party and each reporting organisation as an affected party. The affected figure is defined once,
in cases/affected.py: per organisation its largest figure, summed, with a contractor's own
total beside the sum rather than added to it.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jikenbo import data
from jikenbo.cases.affected import affected_figure
from jikenbo.cases.link import party_key
from jikenbo.normalize import nfkc
from jikenbo.record import CATEGORIES, Record

_TABLE = data.load("linking")
_REPORT_NUMBER = re.compile(_TABLE["report_number"])
_FINAL = re.compile("|".join(_TABLE["final"]))


@dataclass(frozen=True)
class Report:
    release_id: str
    published: str | None
    organization: str | None
    title: str
    label: str            # 第1報, 第2報, 最終報, 続報 …
    affected_count: int | None


@dataclass(frozen=True)
class CaseSummary:
    number: str
    reports: tuple[Report, ...]           # in time order
    organizations: tuple[str, ...]        # affected parties, as written
    breached: str | None                  # the contractor when it is a supply-chain case
    vendors: tuple[str, ...]
    first: str | None
    latest: str | None
    categories: tuple[str, ...]
    data_types: tuple[str, ...]
    supply_chain: bool
    affected_total: int | None            # cases/affected.py: the one figure
    leak_status: str
    contractor_total: int | None = None   # a contractor's own stated total, beside the figure


def summarize(number: str, members: Sequence[tuple[str, Record]]) -> CaseSummary:
    ordered = sorted(members, key=lambda pair: (pair[1].published or "9999", pair[0]))
    reports = tuple(_report(release_id, record, index, ordered)
                    for index, (release_id, record) in enumerate(ordered))
    records = [record for _, record in ordered]
    organizations = tuple(dict.fromkeys(r.organization for r in records if r.organization))
    vendor_votes = _vendor_votes(records)
    vendors = tuple(name for name, _ in vendor_votes.most_common())
    supply_chain = any(r.supply_chain for r in records)
    breached = _breached(records, vendor_votes) if supply_chain else (organizations or (None,))[0]
    dates = sorted(d for r in records for d in (r.published, *r.earlier_releases) if d)
    figure = affected_figure(((r.organization, r.affected_count) for r in records),
                             breached if supply_chain else None)
    return CaseSummary(
        number=number, reports=reports, organizations=organizations, breached=breached,
        vendors=vendors, first=dates[0] if dates else None, latest=dates[-1] if dates else None,
        categories=tuple(c for c in CATEGORIES if any(c in r.categories for r in records)),
        data_types=tuple(dict.fromkeys(t for r in records for t in r.data_types)),
        supply_chain=supply_chain, affected_total=figure.total,
        leak_status=_leak(records), contractor_total=figure.contractor)


def _report(release_id: str, record: Record, index: int,
            ordered: Sequence[tuple[str, Record]]) -> Report:
    heading = nfkc(record.heading)
    number = _REPORT_NUMBER.search(heading)
    if number:
        label = f"第{number.group(1)}報"
    elif _FINAL.search(heading):
        label = "最終報"
    else:
        same = [r for _, r in ordered[:index] if r.organization == record.organization]
        label = "続報" if same else "第1報"
    return Report(release_id, record.published, record.organization, record.title, label,
                  record.affected_count)


def _vendor_votes(records: Sequence[Record]) -> Counter:
    """How many reports name each contractor, spellings of one name (`(株)`) counted together
    under the spelling used most."""
    spellings: dict[str, Counter] = {}
    for record in records:
        for name in dict.fromkeys(record.vendors):
            spellings.setdefault(party_key(name) or name, Counter())[name] += 1
    return Counter({forms.most_common(1)[0][0]: sum(forms.values()) for forms in spellings.values()})


def _breached(records: Sequence[Record], votes: Counter) -> str | None:
    """The contractor most reports name; a contractor's own notice names it as the issuer."""
    if not votes:
        return None
    top = votes.most_common(1)[0][0]
    key = party_key(top)
    for record in records:
        if party_key(record.organization) == key:
            return record.organization
    return top


def _leak(records: Sequence[Record]) -> str:
    """Confirmed if any report confirms a leak; else what the latest report that knows says."""
    if any(r.leak_status == "confirmed" for r in records):
        return "confirmed"
    known = [r.leak_status for r in records if r.leak_status != "unknown"]
    return known[-1] if known else "unknown"
