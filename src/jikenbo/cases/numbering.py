"""Case numbers: jikenbo's own `J2024-0001`, permanent.

A number is issued once, for one case, and names that case's incident for ever: it is anchored to
a release of the case (its first release when issued) and always resolves to whichever case holds
that release now. When a relink or a curator's merge puts the anchors of several numbers in one
case, the case shows one of them (the one a curator chose last, else the one issued first) and
the others are its aliases; if the case is later split or the merge undone, each number still
follows its own anchor. A case without an anchor gets the next number of the year of its first
release — the highest number ever issued that year plus one, so a number is never handed out
twice. Numbers a source states (`セキュリティ事件簿#2024-313`, the form `YYYY-NNN`) are that source's
references, not jikenbo's: they link releases and find cases, and can never collide with the `J`
form.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from jikenbo.cases.link import LinkItem

PREFIX = "J"
_OWN = re.compile(r"^J(\d{4})-(\d{4,})$")
_STATED = re.compile(r"^(\d{4})-(\d{3,})$")


def valid_number(number: str) -> bool:
    """Whether `number` has the form of jikenbo's own numbers (`J2024-0001`)."""
    return bool(_OWN.match(number))


def stated_form(number: str) -> bool:
    """Whether `number` has the form of a source's casebook number (`2024-313`)."""
    return bool(_STATED.match(number))


def own_number(year: str, serial: int) -> str:
    return f"{PREFIX}{year}-{serial:04d}"


def split_number(number: str) -> tuple[str, int] | None:
    """(year, serial) of an own number, None for any other string."""
    found = _OWN.match(number)
    return (found.group(1), int(found.group(2))) if found else None


@dataclass(frozen=True)
class Issued:
    """A number as the registry keeps it."""

    number: str
    anchor: str          # the release whose case the number names
    order: int           # issue order (earlier numbers win when a case holds several)
    preferred: int = 0   # >0: a curator chose it; the highest wins
    own: bool = True     # False: a number of an older schema, kept only as an alias


@dataclass(frozen=True)
class Numbering:
    numbers: dict[str, str]               # release id → the number its case shows
    issued: list[tuple[str, str]]         # (number, anchor) issued by this run


def assign(groups: Sequence[Sequence[str]], items: Mapping[str, LinkItem],
           registry: Sequence[Issued] = ()) -> Numbering:
    """The number each group shows, issuing new numbers for groups that hold no anchor."""
    by_anchor: dict[str, list[Issued]] = {}
    highest: dict[str, int] = {}
    for issued in registry:
        by_anchor.setdefault(issued.anchor, []).append(issued)
        parts = split_number(issued.number)
        if parts:
            highest[parts[0]] = max(highest.get(parts[0], 0), parts[1])
    numbers: dict[str, str] = {}
    fresh = []
    for members in groups:
        held = [issued for member in members for issued in by_anchor.get(member, ()) if issued.own]
        if held:
            shown = min(held, key=lambda issued: (-issued.preferred, issued.order)).number
            numbers.update((member, shown) for member in members)
        else:
            fresh.append(members)
    issued_now = []
    for members in sorted(fresh, key=lambda members: (_first(members, items), min(members))):
        year = _first(members, items)[:4]
        highest[year] = highest.get(year, 0) + 1
        number = own_number(year, highest[year])
        issued_now.append((number, members[0]))
        numbers.update((member, number) for member in members)
    return Numbering(numbers, issued_now)


def _first(members: Sequence[str], items: Mapping[str, LinkItem]) -> str:
    """The case's first date: the earliest release date any member gives or cites."""
    dates = [item.first_date for item in (items[m] for m in members) if item.first_date]
    return min(dates) if dates else f"{date.today().year}-12-31"
