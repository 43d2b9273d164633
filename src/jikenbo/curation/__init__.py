"""Field curation and review: a curator's corrections of release fields, the review state
(未確認 / 確認済み) and the review queue, over the store's interface.

A correction is stored per release and field with its time and note, as a curator action of the
case log (`jikenbo case log` lists it, `case undo` reverts it). The store keeps the corrected
value in the release's columns, so every reader sees it, and keeps it across relinking and
re-extraction. After a correction the releases are linked again (an organisation or a date may
move a release to another case).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jikenbo.cases import curate
from jikenbo.curation.fields import parse_assignments, same_value, shown
from jikenbo.errors import JikenboError, UsageError

GRADE_ORDER = ("fallback", "inferred")  # least sure first; `stated` fields are not queued
REVIEW_STATES = {False: "未確認", True: "確認済み"}


@dataclass(frozen=True)
class Outcome:
    """A curation action's result: its id in the case log and what it did."""

    action: int
    message: str

    def line(self) -> str:
        return f"{self.message} (correction {self.action}; 'jikenbo case undo {self.action}' " \
               "reverts it)"


@dataclass(frozen=True)
class QueueItem:
    """An unreviewed release and the fields to check, least sure first: (field, grade)."""

    release: Any  # StoredRelease
    unsure: tuple[tuple[str, str], ...]

    def fields(self) -> list[str]:
        return [field for field, _ in self.unsure]


def find_release(store, release_id: str):
    """The stored release with this id or unique prefix (6 characters at least)."""
    if len(release_id.strip()) < 6:
        raise UsageError("give at least 6 characters of the release id")
    found = store.release(release_id.strip())
    if found is None:
        raise JikenboError(f"no release with id {release_id!r}; 'jikenbo review' lists them")
    return found


def correct(store, release_id: str, assignments: Sequence[str], note: str = "",
            reviewed: bool = False) -> Outcome:
    """Store `field=value` corrections of one release (checked before anything is stored)."""
    return correct_values(store, release_id, parse_assignments(assignments), note, reviewed)


def correct_values(store, release_id: str, values: Mapping[str, Any], note: str = "",
                   reviewed: bool = False) -> Outcome:
    """Store the values that differ from the release's current ones; with `reviewed`, also
    mark it 確認済み (alone when no value differs)."""
    release = find_release(store, release_id)
    current = release.record.to_dict()
    changed = {field: value for field, value in values.items()
               if not same_value(field, current.get(field), value)}
    if not changed:
        if reviewed:
            return review(store, release.id, note)
        raise UsageError(f"release {release.id[:12]} already has these values; nothing stored")
    message = (f"corrected {release.id[:12]}: " + ", ".join(
        f"{field} {shown(field, current.get(field)) or '∅'} → {shown(field, value) or '∅'}"
        for field, value in changed.items()) + (" and marked 確認済み" if reviewed else ""))
    with store.writing():
        action = store.correct_release(release.id, changed, message, note, reviewed)
        curate.repair(store)
    return Outcome(action, message)


def review(store, release_id: str, note: str = "") -> Outcome:
    """Mark a release 確認済み; a release already reviewed is refused (undo the review first)."""
    release = find_release(store, release_id)
    if release.id in store.reviews([release.id]):
        raise UsageError(f"release {release.id[:12]} is already 確認済み")
    message = f"reviewed {release.id[:12]} ({release.record.organization or '-'}): 確認済み"
    return Outcome(store.review_release(release.id, message, note), message)


def queue(store) -> list[QueueItem]:
    """The unreviewed releases, those whose fields the extractor was least sure of first (more
    `fallback` fields, then more `inferred` ones); fields a curator corrected are not asked."""
    pending = store.unreviewed_releases()
    corrected = store.corrections_in_force([release.id for release in pending])
    items = [QueueItem(release, unsure_fields(release.record, corrected.get(release.id, {})))
             for release in pending]
    return sorted(items, key=_least_sure_first)


def unsure_fields(record, corrected: Mapping[str, Any] | None = None
                  ) -> tuple[tuple[str, str], ...]:
    """The record's review fields not corrected yet, with their grade, least sure first."""
    grades = record.confidence()
    found = [(field, grades.get(field, "inferred")) for field in record.review_fields()
             if field not in (corrected or {})]
    return tuple(sorted(found, key=lambda item: GRADE_ORDER.index(item[1])
                        if item[1] in GRADE_ORDER else len(GRADE_ORDER)))


def _least_sure_first(item: QueueItem) -> tuple[int, ...]:
    grades = [grade for _, grade in item.unsure]
    return tuple(-grades.count(grade) for grade in GRADE_ORDER)
