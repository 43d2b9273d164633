"""VERIS 1.4 (VCDB style): one incident per case, valid against the shipped verisc-merged.json.

As VCDB asks of a provider breach, a supply-chain case is one incident whose victim is the
breached contractor, with the customers that reported it as secondary victims. Publicly
disclosed breaches are VCDB's material, so the victim is named. The output is a JSON list of
incidents (VCDB keeps one per file; `json.load` and a loop turn one into the other).
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, TextIO

from jikenbo import data
from jikenbo.cases import party_key
from jikenbo.cases.numbering import split_number
from jikenbo.export.casebook import (NAMESPACE, Case, Options, added_range, describe, group_cases,
                                     source_reference)
from jikenbo.store import StoredRelease

_MAP = data.load("veris_mapping")
SCHEMA_VERSION = "1.4.0"


def schema() -> dict:
    """The VERIS 1.4 JSON schema shipped with jikenbo (data/veris, CC BY-SA 4.0, vz-risk/veris)."""
    with resources.files("jikenbo.data").joinpath("veris/verisc-merged.json").open(
            encoding="utf-8") as handle:
        return json.load(handle)


def render(releases: Sequence[StoredRelease], cases: Mapping[str, str], out: TextIO,
           options: Options = Options()) -> int:
    incidents = [incident(case, options) for case in group_cases(releases, cases)]
    json.dump(incidents, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(incidents)


def incident(case: Case, options: Options = Options()) -> dict[str, Any]:
    summary = case.summary
    created, modified = added_range(case, options.added)
    coded = _coded(summary.categories)
    found: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION, "schema_name": "vcdb",
        "incident_id": str(uuid.uuid5(NAMESPACE, f"veris{case.key}")).upper(),
        "source_id": "jikenbo", "security_incident": "Confirmed",
        "summary": describe(case) + " " + " / ".join(
            dict.fromkeys(r.record.title or r.record.heading for r in case.releases)),
        "reference": "; ".join(dict.fromkeys(
            (lambda ref: ref[0] or ref[1])(source_reference(r.source_locator))
            for r in case.releases)),
        "timeline": {"incident": _when(case)},
        "victim": _victim(case),
        "action": coded["action"], "actor": coded["actor"],
        "asset": {"assets": [{"variety": "Unknown"}], "cloud": ["Unknown"]},
        "attribute": {**coded.get("attribute", {}), "confidentiality": _confidentiality(case)},
        "discovery_method": {"unknown": True},
        "plus": {"master_id": str(uuid.uuid5(NAMESPACE, f"veris-master{case.key}")),
                 "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "modified": modified.strftime("%Y-%m-%dT%H:%M:%SZ")},
    }
    return found


def _coded(categories: Sequence[str]) -> dict[str, dict]:
    """actions, actors and attributes of the categories, their lists merged."""
    merged: dict[str, dict] = {}
    for category in categories:
        for section, entries in _MAP["categories"].get(category, {}).items():
            for name, fields in entries.items():
                target = merged.setdefault(section, {}).setdefault(name, {})
                for key, value in fields.items():
                    known = target.get(key, [])
                    target[key] = list(dict.fromkeys([*known, *value])) if isinstance(
                        value, list) else value
    for section in ("action", "actor"):
        if section not in merged:
            merged[section] = dict(_MAP["unknown"][section])
    return merged


def _when(case: Case) -> dict[str, int]:
    """The first known date of the case; without one, the year of its number (or of storing)."""
    if case.summary.first:
        year, month, day = (int(part) for part in case.summary.first.split("-"))
        return {"year": year, "month": month, "day": day}
    if case.number and split_number(case.number):
        return {"year": int(split_number(case.number)[0])}
    return {"year": added_range(case, {})[0].year}


def _victim(case: Case) -> dict[str, Any]:
    summary = case.summary
    name = summary.breached or (summary.organizations or ("Unknown",))[0]
    victim = {**_MAP["victim"], "victim_id": name}
    level = _government(name)
    if level:
        victim["government"], victim["industry"] = [level], _MAP["government_industry"]
    if summary.supply_chain:
        customers = [org for org in summary.organizations if party_key(org) != party_key(name)]
        if customers:
            victim["secondary"] = {"amount": len(customers), "victim_id": customers}
    return victim


def _government(name: str) -> str | None:
    """`Local` for 白井市, `Regional` for 千葉県, None for シークス株式会社."""
    for rule in _MAP["government"]:
        if name.endswith(tuple(rule["suffixes"])) and "株式会社" not in name:
            return rule["level"]
    return None


def _confidentiality(case: Case) -> dict[str, Any]:
    summary = case.summary
    found: dict[str, Any] = {"data_disclosure": _MAP["data_disclosure"][summary.leak_status]}
    varieties = list(dict.fromkeys(_MAP["data_types"][t] for t in summary.data_types
                                   if t in _MAP["data_types"]))
    if varieties:
        found["data"] = [{"variety": variety} for variety in varieties]
    if summary.affected_total is not None:
        found["data_total"] = summary.affected_total
    return found
