"""MISP: one event per case, built with `pymisp` and MISP's own object templates — an `incident`
object for the case, a `victim` object per affected party and a `report` object per release —
tagged TLP:CLEAR and with the rsit taxonomy tags of its categories.

The output is a JSON list of `{"Event": …}` documents, each one MISP's event import format
(`MISPEvent.load` reads one). Uuids are uuid5 of what they name, so a second import updates.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import TextIO

from pymisp import MISPEvent, MISPObject

from jikenbo import data
from jikenbo.export.casebook import (NAMESPACE, Case, Options, added_range, describe,
                                     group_cases, source_reference)
from jikenbo.store import StoredRelease

_MAP = data.load("misp_mapping")
_STIX = data.load("stix_mapping")


def render(releases: Sequence[StoredRelease], cases: Mapping[str, str], out: TextIO,
           options: Options = Options()) -> int:
    events = [json.loads(event(case, options).to_json()) for case in group_cases(releases, cases)]
    json.dump(events, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(events)


def event(case: Case, options: Options = Options()) -> MISPEvent:
    summary = case.summary
    created, _ = added_range(case, options.added)
    found = MISPEvent()
    found.uuid = _uuid("event", case.key)
    found.info = _info(case)
    found.date = summary.first or created.date().isoformat()
    closed = any(r.label == "最終報" for r in summary.reports)
    found.distribution, found.threat_level_id = _MAP["distribution"], _MAP["threat_level_id"]
    found.analysis = _MAP["analysis"]["closed" if closed else "open"]
    found.add_tag(_MAP["tlp_tag"])
    for category in summary.categories:
        for tag in [*_MAP["category_tags"].get(category, ()), _MAP["own_tag"].format(category)]:
            found.add_tag(tag)
    found.add_object(_incident(case, closed))
    for name in dict.fromkeys([*summary.organizations,
                               *([summary.breached] if summary.breached else [])]):
        found.add_object(_victim(case, name))
    for release in case.releases:
        found.add_object(_report(case, release))
    return found


def _incident(case: Case, closed: bool) -> MISPObject:
    summary = case.summary
    found = _object("incident", case.key)
    _add(found, "name", _info(case))
    _add(found, "description", describe(case))
    _add(found, "determination", _MAP["determination"])
    _add(found, "investigation_status", "closed" if closed else "open")
    types = [t for c in summary.categories for t in _STIX["incident_types"].get(c, ())]
    if summary.supply_chain:
        types.append(_STIX["supply_chain_incident_type"])
    for term in dict.fromkeys(types):
        _add(found, "incident_type", term)
    return found


def _victim(case: Case, name: str) -> MISPObject:
    found = _object("victim", case.key, name)
    _add(found, "name", name)
    _add(found, "classification", "organization")
    _add(found, "regions", _MAP["victim_region"])
    if case.summary.supply_chain and name == case.summary.breached:
        _add(found, "description", "委託先(侵害元)")
    return found


def _report(case: Case, release: StoredRelease) -> MISPObject:
    record = release.record
    found = _object("report", release.id)
    _add(found, "title", record.title or record.heading)
    _add(found, "summary", record.heading)
    url, name = source_reference(release.source_locator)
    _add(found, "link", url) if url else _add(found, "summary", f"出典: {name}")
    if case.number:
        _add(found, "case-number", case.number)
    return found


def _object(template: str, *parts: str) -> MISPObject:
    found = MISPObject(template, standalone=False)
    found.uuid = _uuid(template, *parts)
    return found


def _add(obj: MISPObject, relation: str, value: str) -> None:
    """One attribute with an id made of its object, relation and value (stable across runs)."""
    attribute = obj.add_attribute(relation, value=value)
    attribute.uuid = _uuid(obj.uuid, relation, value)


def _info(case: Case) -> str:
    first = case.releases[0].record
    party = case.summary.breached or first.organization or ""
    title = first.title or first.heading
    return f"[{case.number or '-'}] {party} {title}".strip()


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(("misp", *parts))))
