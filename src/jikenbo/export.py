"""Export every stored record as JSON lines, CSV or a STIX 2.1 bundle.

Formats are registered in `FORMATS`; each writes to a text handle and returns the count.
"""
from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable
from typing import TextIO

from jikenbo.record import RECORD_FIELDS
from jikenbo.store import Store, StoredRelease

_NAMESPACE = uuid.UUID("5b0e7c43-2b4e-4d8c-9a57-6a3c1f0e2d11")
_LIST_FIELDS = ("earlier_releases", "categories", "vendors", "data_types")


def _row(release: StoredRelease, cases: dict[str, str]) -> dict:
    return {"id": release.id, **release.record.to_dict(), "case": cases.get(release.id)}


def export_jsonl(store: Store, handle: TextIO) -> int:
    count = 0
    cases = store.case_numbers()
    for release in store.releases():
        handle.write(json.dumps(_row(release, cases), ensure_ascii=False) + "\n")
        count += 1
    return count


def export_csv(store: Store, handle: TextIO) -> int:
    """One row per release; list fields joined with `;`."""
    columns = ["id", *RECORD_FIELDS, "heading", "source", "case"]
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    count = 0
    cases = store.case_numbers()
    for release in store.releases():
        row = _row(release, cases)
        for name in _LIST_FIELDS:
            row[name] = ";".join(row[name])
        writer.writerow(row)
        count += 1
    return count


def export_stix(store: Store, handle: TextIO) -> int:
    """A STIX 2.1 bundle: an identity per organisation and an incident per release."""
    objects: list[dict] = []
    identities: dict[str, str] = {}
    count = 0
    cases = store.case_numbers()
    for release in store.releases():
        record = release.record
        timestamp = f"{record.published or '1970-01-01'}T00:00:00.000Z"
        incident_id = f"incident--{uuid.uuid5(_NAMESPACE, release.id)}"
        objects.append({
            "type": "incident", "spec_version": "2.1", "id": incident_id,
            "created": timestamp, "modified": timestamp,
            "name": record.title or record.heading, "description": record.heading,
            "labels": list(record.categories),
            "external_references": [{"source_name": "jikenbo", "external_id": release.id,
                                      "description": release.source_locator}],
            **{f"x_jikenbo_{name}": value for name, value in record.to_dict().items()
               if name in RECORD_FIELDS},
            "x_jikenbo_case": cases.get(release.id),
        })
        if record.organization:
            identity_id = identities.get(record.organization)
            if identity_id is None:
                identity_id = f"identity--{uuid.uuid5(_NAMESPACE, record.organization)}"
                identities[record.organization] = identity_id
                objects.append({"type": "identity", "spec_version": "2.1", "id": identity_id,
                                "created": timestamp, "modified": timestamp,
                                "name": record.organization, "identity_class": "organization"})
            objects.append({"type": "relationship", "spec_version": "2.1",
                            "id": f"relationship--{uuid.uuid5(_NAMESPACE, incident_id + identity_id)}",
                            "created": timestamp, "modified": timestamp,
                            "relationship_type": "targets", "source_ref": incident_id,
                            "target_ref": identity_id})
        count += 1
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
    json.dump(bundle, handle, ensure_ascii=False, indent=1)
    handle.write("\n")
    return count


FORMATS: dict[str, Callable[[Store, TextIO], int]] = {
    "jsonl": export_jsonl, "csv": export_csv, "stix": export_stix}
