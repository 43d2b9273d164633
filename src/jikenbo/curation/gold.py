"""Curated releases as gold records, and the extractor's accuracy on what curators reviewed.

A curated release's gold row is its record as curators left it (the shape of
../shared/gold/dev.jsonl, so `jikenbo eval` scores it); the extractor's answer is the same
record with each corrected field put back to the value the extractor gave. Both are scored by
`evaluate.score`, the definitions `jikenbo eval` uses.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from jikenbo import evaluate

# Per-field figures shown for reviewed releases, in this order (evaluate.score's names).
ACCURACY_FIELDS = ("is_incident", "organization", "title", "published", "case_id",
                   "earlier_releases", "supply_chain", "affected_count", "leak_status",
                   "categories_exact", "categories_f1", "data_types_f1", "vendors_f1")


def gold_rows(store) -> Iterator[dict[str, Any]]:
    """One gold row per release a curator reviewed or corrected, oldest stored first; rows
    say whether the release was reviewed (確認済み) and which fields were corrected."""
    releases = store.curated_releases()
    ids = [release.id for release in releases]
    corrected, reviewed = store.corrections_in_force(ids), store.reviews(ids)
    for release in releases:
        record = release.record.to_dict()
        yield {"file": file_name(release.source_locator), "heading": record["heading"],
               **{name: record[name] for name in _GOLD_FIELDS},
               "release_id": release.id, "reviewed": release.id in reviewed,
               "corrected_fields": sorted(corrected.get(release.id, {}))}


def extracted_row(release, corrections: Mapping[str, Any]) -> dict[str, Any]:
    """The release's record as the extractor gave it: corrected fields back to its values."""
    record = release.record.to_dict()
    return {**record, **{field: item.extracted for field, item in corrections.items()}}


def reviewed_accuracy(store) -> dict[str, Any]:
    """The extractor's accuracy on the releases curators marked 確認済み: `reviewed` (how many),
    `fields` (field → accuracy or F1, None when no reviewed release has the field) and
    `corrected` (how many of them a curator had to correct)."""
    reviews = store.reviews()
    releases = [release for release in store.curated_releases() if release.id in reviews]
    if not releases:
        return {"reviewed": 0, "fields": {}, "corrected": 0}
    corrected = store.corrections_in_force([release.id for release in releases])
    gold = [{**release.record.to_dict(), "heading": release.record.heading}
            for release in releases]
    predicted = [extracted_row(release, corrected.get(release.id, {})) for release in releases]
    values = evaluate.score(gold, predicted).values
    return {"reviewed": len(releases), "corrected": len(corrected),
            "fields": {name: values.get(name) for name in ACCURACY_FIELDS}}


def file_name(locator: str) -> str:
    """The source's file name, as the gold files name it (never a directory of this machine)."""
    path = urlparse(locator).path if "://" in locator else locator
    return PurePosixPath(path.replace("\\", "/")).name or locator


_GOLD_FIELDS = ("case_id", "organization", "title", "published", "discovered",
                "earlier_releases", "is_incident", "categories", "supply_chain", "vendors",
                "affected_count", "data_types", "leak_status")
