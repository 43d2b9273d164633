"""Running the linker over a store, and a curator's corrections, which every later run keeps.

A merge is stored as `together` pairs and the target's number; a split as `apart` pairs between
the releases taken out and those left, `together` pairs among those taken out and the old number
pinned to those left; a renumbering as the new number pinned to every member. All of these are
rows in `case_corrections`, read by `relink` each time it runs (after every ingest).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jikenbo.cases import number_releases
from jikenbo.cases.numbering import valid_number
from jikenbo.cases.summary import CaseSummary, summarize
from jikenbo.errors import JikenboError, UsageError


@dataclass(frozen=True)
class LinkOutcome:
    releases: int
    cases: int
    moved: int

    def line(self) -> str:
        return f"{self.releases} incident releases in {self.cases} cases ({self.moved} changed)"


def relink(store) -> LinkOutcome:
    """Link every stored release again, keeping numbers and the curator's corrections.

    The whole run is one write transaction: no other writer can add a release between reading
    the state and storing the numbers (which would leave that release without a case), and the
    same transaction clears the store's "links are stale" mark.
    """
    with store.writing():
        items = store.link_items()
        constraints, pinned = store.corrections()
        numbers = number_releases(items, constraints, store.case_numbers(), pinned)
        moved = store.replace_case_numbers(numbers)
    return LinkOutcome(len(numbers), len(set(numbers.values())), moved)


def repair(store) -> LinkOutcome | None:
    """Relink when the store says its links are stale (a linking run was interrupted, or
    releases were stored without one); None when they are current."""
    return relink(store) if store.links_stale() else None


def members(store, number: str) -> list[str]:
    found = [release.id for release in store.case_releases(store.resolve_case(number))]
    if not found:
        raise JikenboError(f"no case {number}; list the cases with 'jikenbo cases'")
    return found


def summary(store, number: str) -> CaseSummary:
    current = store.resolve_case(number)
    releases = store.case_releases(current)
    if not releases:
        raise JikenboError(f"no case {number}; list the cases with 'jikenbo cases'")
    return summarize(current, [(release.id, release.record) for release in releases])


def merge(store, target: str, others: Sequence[str]) -> LinkOutcome:
    """Put every release of the `others` cases into `target`, which keeps its number."""
    kept = members(store, target)
    target = store.resolve_case(target)
    rows, drop, aliases = [], [], []
    for other in others:
        moved = members(store, other)
        if set(moved) & set(kept):
            raise UsageError(f"{other} is {target} itself")
        rows.append(("together", kept[0], moved[0]))
        drop.extend(("apart", a, b) for a in kept for b in moved)
        aliases.append((store.resolve_case(other), target))
        kept.extend(moved)
    rows.extend(("number", release, target) for release in kept)
    store.add_corrections(rows, note=f"merge into {target}", drop=drop, aliases=aliases)
    return relink(store)


def split(store, number: str, release_ids: Sequence[str]) -> LinkOutcome:
    """Take the given releases (ids or unique prefixes) out of a case into a new case."""
    current = members(store, number)
    number = store.resolve_case(number)
    taken = [_member(current, prefix, number) for prefix in release_ids]
    left = [release for release in current if release not in taken]
    if not left:
        raise UsageError("a split must leave at least one release in the case")
    rows = [("apart", a, b) for a in taken for b in left]
    rows.extend(("together", taken[0], other) for other in taken[1:])
    rows.extend(("number", release, number) for release in left)
    drop = [("together", a, b) for a in taken for b in left]
    drop.extend(("number", release, number) for release in taken)
    store.add_corrections(rows, note=f"split from {number}", drop=drop)
    return relink(store)


def renumber(store, number: str, new: str) -> LinkOutcome:
    if not valid_number(new):
        raise UsageError(f"{new!r} is not a case number like 2024-313")
    current = members(store, number)
    number = store.resolve_case(number)
    if new != number and store.case_releases(new):
        raise UsageError(f"{new} is already a case; merge the two with 'jikenbo case merge'")
    store.add_corrections([("number", release, new) for release in current],
                          note=f"renumber {number}", aliases=[(number, new)])
    return relink(store)


def _member(current: Sequence[str], prefix: str, number: str) -> str:
    found = [release for release in current if release.startswith(prefix.lower())]
    if len(found) != 1:
        raise UsageError(f"{prefix!r} is {'ambiguous' if found else 'not a release'} in case "
                         f"{number}; 'jikenbo case show {number}' lists its release ids")
    return found[0]
