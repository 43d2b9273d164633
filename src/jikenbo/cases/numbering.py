"""Case numbers: `YYYY-NNN` by the year of the case's first release, in order.

A group of linked releases takes, in this order: the number a curator gave it, the number its
source states (`【セキュリティ事件簿#2024-313】`), the number most of its releases already had, or the
next free number of its year. New groups are numbered in the order of their first release (then
release id), so rebuilding from the same inputs gives the same numbers, and a release that joins
a case takes the case's number.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from jikenbo.cases.link import LinkItem

_NUMBER = re.compile(r"^(\d{4})-(\d{3,})$")


def valid_number(number: str) -> bool:
    return bool(_NUMBER.match(number))


def assign(groups: Sequence[Sequence[str]], items: Mapping[str, LinkItem],
           previous: Mapping[str, str] | None = None,
           pinned: Mapping[str, str] | None = None) -> list[str]:
    """One number per group (same order). `previous`: release → number it had; `pinned`:
    release → number a curator gave its case."""
    previous = previous or {}
    pinned = pinned or {}
    numbers: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    claims = []
    for index, members in enumerate(groups):
        for rank, source in enumerate((pinned, {m: items[m].stated for m in members if items[m].stated},
                                       previous)):
            votes = Counter(source[m] for m in members if source.get(m))
            if votes:
                best = min(votes, key=lambda number: (-votes[number], number))
                claims.append((rank, -votes[best], _first(members, items), min(members), index, best))
                break
    for *_, index, number in sorted(claims):
        if numbers[index] is None and number not in taken:
            numbers[index] = number
            taken.add(number)
    highest: dict[str, int] = {}
    for number in taken:
        year, serial = number.split("-")
        highest[year] = max(highest.get(year, 0), int(serial))
    fresh = sorted((index for index, number in enumerate(numbers) if number is None),
                   key=lambda index: (_first(groups[index], items), min(groups[index])))
    for index in fresh:
        year = _first(groups[index], items)[:4]
        highest[year] = highest.get(year, 0) + 1
        numbers[index] = f"{year}-{highest[year]:03d}"
    return [number for number in numbers if number is not None]


def _first(members: Sequence[str], items: Mapping[str, LinkItem]) -> str:
    """The case's first date: the earliest release date any member gives or cites."""
    dates = [item.first_date for item in (items[m] for m in members) if item.first_date]
    return min(dates) if dates else f"{date.today().year}-12-31"
