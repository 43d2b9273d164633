"""STIX 2.1, built with the `stix2` library: one incident per case, one report per release.

Profile (what OpenCTI, MISP's STIX importer and `stix2.parse` read without custom handling):
standard objects only — `incident` (the OASIS incident-core extension for determination,
investigation status, incident types, first seen and impacted individuals; a registered
`extension-definition` for jikenbo's own fields), a `report` per release whose `object_refs` hold
the incident and the issuer, `identity` objects for issuers, vendors and the producer (every
object's `created_by_ref`), `targets` and `related-to` relationships, the TLP 2.0 TLP:CLEAR
marking by its standard id, `lang: ja`. What OpenCTI does not read from extensions is also in
standard properties it does read: categories as `labels`, the case in `description`.

Ids are uuid5 of what they name and times come from the store (when a release was stored),
so exporting the same casebook twice gives the same bytes and re-imports merge.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

import stix2

from jikenbo import data
from jikenbo.cases import party_key
from jikenbo.export.casebook import (Case, Options, added_range, describe, group_cases,
                                     source_reference, stable_id, stix_time)
from jikenbo.store import StoredRelease

_MAP = data.load("stix_mapping")
PRODUCER = stix2.Identity(id=stable_id("identity", "producer"), lang="ja",
                          created=_MAP["producer"]["created"],
                          modified=_MAP["producer"]["created"],
                          name=_MAP["producer"]["name"],
                          identity_class=_MAP["producer"]["identity_class"],
                          description=_MAP["producer"]["description"])
TLP_CLEAR = stix2.MarkingDefinition(**_MAP["tlp_clear"])
EXTENSION = stix2.ExtensionDefinition(
    id=stable_id("extension-definition", "jikenbo"), created_by_ref=PRODUCER.id,
    created=_MAP["extension"]["created"], modified=_MAP["extension"]["created"],
    name=_MAP["extension"]["name"], description=_MAP["extension"]["description"],
    schema=_MAP["extension"]["schema"], version=_MAP["extension"]["version"],
    extension_types=["property-extension"], object_marking_refs=[TLP_CLEAR.id])
_COMMON = {"created_by_ref": PRODUCER.id, "object_marking_refs": [TLP_CLEAR.id]}


def render(releases: Sequence[StoredRelease], cases: Mapping[str, str], out: TextIO,
           options: Options = Options()) -> int:
    found = dated_objects(releases, cases, options)
    objects = [item for _, item in found]
    bundle = stix2.Bundle(objects=objects, id=stable_id("bundle", *(o.id for o in objects)))
    out.write(bundle.serialize(pretty=True, ensure_ascii=False) + "\n")
    return sum(1 for item in objects if item.type == "incident")


def dated_objects(releases: Sequence[StoredRelease], cases: Mapping[str, str],
                  options: Options = Options()) -> list[tuple[datetime, Any]]:
    """Every object of the export with the time it was added (for TAXII's `date_added`)."""
    grouped = group_cases(releases, cases)
    spans = {case.key: added_range(case, options.added) for case in grouped}
    start = min((span[0] for span in spans.values()), default=stix_time(_MAP["producer"]["created"]))
    found: dict[str, tuple[datetime, Any]] = {}
    for item in (PRODUCER, TLP_CLEAR, EXTENSION):
        found[item.id] = (start, item)
    breached_by = _breached_index(grouped)
    for case in grouped:
        for item in _case_objects(case, spans[case.key], breached_by, options):
            found.setdefault(item.id, (spans[case.key][1], item))
    return list(found.values())


def _case_objects(case: Case, span: tuple[datetime, datetime],
                  breached_by: Mapping[str, list[str]], options: Options) -> Iterable[Any]:
    created, modified = span
    stamp = {"created": created, "modified": modified, **_COMMON}
    summary = case.summary
    incident = _incident(case, stamp)
    yield incident
    parties = dict.fromkeys([*summary.organizations, *([summary.breached] if summary.breached
                                                       else [])])
    for name in parties:
        identity = _identity(name, stamp)
        yield identity
        yield _relationship("targets", incident.id, identity.id, stamp)
    for name in summary.vendors:
        if party_key(name) in {party_key(p) for p in parties}:
            continue
        identity = _identity(name, stamp)
        yield identity
        yield _relationship("related-to", incident.id, identity.id, stamp)
    if summary.supply_chain:  # the contractor's own case, when apart, led to this one
        for contractor in breached_by.get(party_key(summary.breached) or "", ()):
            if contractor != incident.id:
                yield _relationship("related-to", contractor, incident.id, stamp,
                                    "委託先のインシデントが発端(leads to)")
    for release in case.releases:
        yield _report(release, incident.id, options, stamp)


def _breached_index(grouped: Sequence[Case]) -> dict[str, list[str]]:
    """party key of an issuer → the incidents of its own cases that are not supply-chain ones."""
    index: dict[str, list[str]] = {}
    for case in grouped:
        if not case.summary.supply_chain and case.summary.breached:
            index.setdefault(party_key(case.summary.breached) or "", []).append(
                stable_id("incident", case.key))
    return index


def _incident(case: Case, stamp: dict) -> stix2.Incident:
    summary = case.summary
    core = {"extension_type": "property-extension", "determination": _MAP["determination"],
            "investigation_status": _status(case)}
    types = _incident_types(case)
    if types:
        core["incident_types"] = types
    first = stix_time(summary.first)
    if first:
        core["first_seen"] = first.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if summary.affected_total is not None:
        core["impacted_entity_counts"] = {_MAP["impacted_entity"]: summary.affected_total}
    own = {"extension_type": "property-extension", "report_count": len(case.releases),
           "leak_status": summary.leak_status, "supply_chain": summary.supply_chain,
           "case_number": case.number, "affected_total": summary.affected_total,
           "data_types": list(summary.data_types), "vendors": list(summary.vendors)}
    labels = list(summary.categories)
    return stix2.Incident(
        id=stable_id("incident", case.key), lang="ja", name=_name(case),
        description=describe(case), **({"labels": labels} if labels else {}),
        external_references=[_case_reference(case)],
        extensions={_MAP["incident_core"]: core, EXTENSION.id: _present(own)}, **stamp)


def _report(release: StoredRelease, incident_id: str, options: Options,
            stamp: dict) -> stix2.Report:
    record = release.record
    published = stix_time(record.published) or stix_time(options.added.get(release.id)) \
        or stamp["created"]  # never 1970: an undated notice is dated by when it was stored
    refs = [incident_id]
    if record.organization:
        refs.append(stable_id("identity", party_key(record.organization) or record.organization))
    url, name = source_reference(release.source_locator)
    source = {"source_name": name, "external_id": release.id, **({"url": url} if url else {})}
    return stix2.Report(
        id=stable_id("report", release.id), lang="ja", name=record.title or record.heading,
        description=record.heading, published=published, report_types=["threat-report"],
        object_refs=refs, external_references=[source],
        **({"labels": list(record.categories)} if record.categories else {}), **stamp)


def _identity(name: str, stamp: dict) -> stix2.Identity:
    return stix2.Identity(id=stable_id("identity", party_key(name) or name), name=name,
                          identity_class="organization", lang="ja", **stamp)


def _relationship(kind: str, source: str, target: str, stamp: dict,
                  description: str | None = None) -> stix2.Relationship:
    extra = {"description": description} if description else {}
    return stix2.Relationship(id=stable_id("relationship", kind, source, target),
                              relationship_type=kind, source_ref=source, target_ref=target,
                              **extra, **stamp)


def _incident_types(case: Case) -> list[str]:
    found = [term for category in case.summary.categories
             for term in _MAP["incident_types"].get(category, ())]
    if case.summary.supply_chain:
        found.append(_MAP["supply_chain_incident_type"])
    leak = _MAP["leak_incident_type"].get(case.summary.leak_status)
    return list(dict.fromkeys([*found, *([leak] if leak else [])]))


def _status(case: Case) -> str:
    final = any(report.label in _MAP["final_report_labels"] for report in case.summary.reports)
    return "closed" if final else "open"


def _name(case: Case) -> str:
    first = case.releases[0].record
    party = case.summary.breached or first.organization
    title = first.title or first.heading
    return f"{party}: {title}" if party and party not in title else title


def _case_reference(case: Case) -> dict:
    return {"source_name": "jikenbo", "external_id": case.number or case.key,
            "description": "事件簿の事件番号" if case.number else "事件簿のリリースID"}


def _present(values: dict) -> dict:
    """Only the known, non-empty values: STIX forbids nulls and empty lists."""
    return {k: v for k, v in values.items() if v is not None and v != [] and v != ""}
