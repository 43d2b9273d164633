"""Running the linker over a store, and a curator's corrections, which every later run keeps.

A merge is stored as `together` pairs (dropping `apart` pairs between the cases) and makes the
target's number the preferred one of the merged case; a split as `apart` pairs between the
releases taken out and those left and `together` pairs among those taken out, and moves every
number of the case whose anchor was taken out to a release that stays (the case keeps all its
numbers; the split-off releases get a new one); a renumbering issues the new number anchored
like the old one and preferred. Each is one curator action, logged with its note and revertible
(`undo`). Numbers are never deleted, so an undone renumbering leaves the new number an alias.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from jikenbo.cases import numbering_of
from jikenbo.cases.numbering import split_number, valid_number
from jikenbo.cases.summary import CaseSummary, summarize
from jikenbo.errors import JikenboError, UsageError

OLDEST_YEAR = 1990


@dataclass(frozen=True)
class LinkOutcome:
    releases: int
    cases: int
    moved: int
    issued: tuple[str, ...] = ()

    def line(self) -> str:
        return f"{self.releases} incident releases in {self.cases} cases ({self.moved} changed)"


@dataclass(frozen=True)
class Curated:
    """A curator action's result: the action's id, what it did, and the relink after it."""

    action: int
    message: str
    outcome: LinkOutcome

    def line(self) -> str:
        return f"{self.message} (correction {self.action}); {self.outcome.line()}"


def relink(store) -> LinkOutcome:
    """Link every stored release again, keeping every issued number and the curator's
    corrections.

    The whole run is one write transaction: no other writer can add a release between reading
    the state and storing the numbers (which would leave that release without a case), and the
    same transaction clears the store's "links are stale" mark.
    """
    with store.writing():
        found = numbering_of(store.link_items(), store.corrections(), store.registry())
        moved = store.replace_case_numbers(found.numbers, found.issued)
    return LinkOutcome(len(found.numbers), len(set(found.numbers.values())), moved,
                       tuple(number for number, _ in found.issued))


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


def merge(store, target: str, others: Sequence[str], note: str = "") -> Curated:
    """Put every release of the `others` cases into `target`, which keeps its number; theirs
    become its aliases."""
    with store.writing():
        repair(store)
        kept = members(store, target)
        target = store.resolve_case(target)
        rows, drop, absorbed = [], [], []
        for other in others:
            moved = members(store, other)
            if set(moved) & set(kept):
                raise UsageError(f"{other} is {target} itself")
            absorbed.append(store.resolve_case(other))
            rows.append(("together", kept[0], moved[0]))
            drop.extend(("apart", a, b) for a in kept for b in moved)
            kept.extend(moved)
        issued = store.issued(target)
        message = f"merged {', '.join(absorbed)} into {target}"
        action = store.record_action("merge", message, note, rows, drop,
                                     [(target, issued.anchor, store.highest_preference() + 1)])
        return Curated(action, message, relink(store))


def split(store, number: str, release_ids: Sequence[str], note: str = "") -> Curated:
    """Take the given releases (ids or unique prefixes) out of a case into a new case."""
    with store.writing():
        repair(store)
        current = members(store, number)
        number = store.resolve_case(number)
        taken = [_member(current, prefix, number) for prefix in release_ids]
        left = [release for release in current if release not in taken]
        if not left:
            raise UsageError("a split must leave at least one release in the case")
        rows = [("apart", a, b) for a in taken for b in left]
        rows.extend(("together", taken[0], other) for other in taken[1:])
        drop = [("together", a, b) for a in taken for b in left]
        anchoring = []
        for alias in (number, *store.case_aliases(number)):
            issued = store.issued(alias)
            if issued.anchor in taken:  # the number stays with the case, not the part taken out
                anchoring.append((alias, left[0], issued.preferred))
        action = store.record_action("split", f"split {len(taken)} releases from {number}", note,
                                     rows, drop, anchoring)
        outcome = relink(store)
        new = store.case_numbers()[taken[0]]
        message = f"split {len(taken)} releases from {number} into {new}"
        store.describe_action(action, message)
        return Curated(action, message, outcome)


def renumber(store, number: str, new: str, note: str = "") -> Curated:
    """Give a case a new number of jikenbo's form; the old one stays an alias."""
    with store.writing():
        repair(store)
        current = members(store, number)
        number = store.resolve_case(number)
        check_new_number(store, new, [store.release(rid).record.published for rid in current])
        anchor = store.issued(number).anchor
        message = f"renumbered {number} as {new}"
        action = store.record_action("renumber", message, note,
                                     anchoring=[(new, anchor, store.highest_preference() + 1)])
        return Curated(action, message, relink(store))


def check_new_number(store, new: str, dates: Sequence[str | None]) -> None:
    """A curator's number must have jikenbo's form, a year the case has a release in (or, for a
    case without dates, a year not in the future), and must never have been issued."""
    if not valid_number(new):
        raise UsageError(f"{new!r} is not a jikenbo case number like J2024-0001 "
                         "(YYYY-NNN is the form of the source's casebook numbers)")
    year = int(split_number(new)[0])
    years = {int(day[:4]) for day in dates if day}
    if years and year not in years:
        raise UsageError(f"{new}: the case's releases are from {', '.join(map(str, sorted(years)))}"
                         f", not {year}")
    if not OLDEST_YEAR <= year <= date.today().year:
        raise UsageError(f"{new}: {year} is not a year between {OLDEST_YEAR} and this year")
    if store.issued(new) is not None:
        raise UsageError(f"{new} was issued before; a number is never given to a second case")


def undo(store, action_id: int | None = None) -> Curated:
    """Revert a curator action. A number a split moved off a release goes back to it when the
    release is in the number's case again, so undoing a split restores the numbers as they were."""
    with store.writing():
        action, before = store.undo_action(action_id)
        relink(store)
        numbers = store.case_numbers()
        for number, anchor, _ in before:
            now = store.issued(number).anchor
            if anchor != now and numbers.get(anchor) and numbers.get(anchor) == numbers.get(now):
                store.move_anchor(number, anchor)
        return Curated(action.id, f"undid: {action.summary}", relink(store))


def _member(current: Sequence[str], prefix: str, number: str) -> str:
    found = [release for release in current if release.startswith(prefix.lower())]
    if len(found) != 1:
        raise UsageError(f"{prefix!r} is {'ambiguous' if found else 'not a release'} in case "
                         f"{number}; 'jikenbo case show {number}' lists its release ids")
    return found[0]
