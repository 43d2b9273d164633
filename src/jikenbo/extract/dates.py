"""Dates in normalised text: Gregorian forms, 令和/平成 era dates, year-less dates.

Patterns are tried in order (first is preferred where two overlap). Year-less dates such as
`7月17日` take their year from a reference date (the release date): the latest year that does
not put the date more than a month after the reference.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from jikenbo import data

_ERAS: dict[str, int] = data.load("eras")["eras"]
_ERA = "|".join(sorted(map(re.escape, _ERAS), key=len, reverse=True))
_SP = r"\s*"
_YMD_KANJI = rf"(?P<y>\d{{4}}){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"
_YMD_SLASH = rf"(?<!\d)(?P<y>\d{{4}}){_SP}(?P<sep>[/.\-]){_SP}(?P<m>\d{{1,2}}){_SP}(?P=sep){_SP}(?P<d>\d{{1,2}})(?!\d)"
_ERA_KANJI = rf"(?P<era>{_ERA}){_SP}(?P<ey>元|\d{{1,2}}){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"
_ERA_DOTTED = r"(?<![A-Za-z])(?P<era>[RHS])(?P<ey>\d{1,2})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?!\d)"
_YEARLESS = rf"(?<![\d年/.\-])(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int
    rule: str
    yearless: bool = False


def _gregorian(match: re.Match[str], reference: date | None) -> date | None:
    return _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))


def _era(match: re.Match[str], reference: date | None) -> date | None:
    year = 1 if match["ey"] == "元" else int(match["ey"])
    return _safe_date(_ERAS[match["era"]] + year, int(match["m"]), int(match["d"]))


def _yearless(match: re.Match[str], reference: date | None) -> date | None:
    if reference is None:
        return None
    month, day = int(match["m"]), int(match["d"])
    found = _safe_date(reference.year, month, day)
    if found and found > reference + timedelta(days=31):
        found = _safe_date(reference.year - 1, month, day)
    return found


@dataclass(frozen=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]
    parse: Callable[[re.Match[str], date | None], date | None]


PATTERNS = (
    _Pattern("ymd_kanji", re.compile(_YMD_KANJI), _gregorian),
    _Pattern("era_kanji", re.compile(_ERA_KANJI), _era),
    _Pattern("ymd_slash", re.compile(_YMD_SLASH), _gregorian),
    _Pattern("era_dotted", re.compile(_ERA_DOTTED), _era),
    _Pattern("yearless", re.compile(_YEARLESS), _yearless),
)


def find_dates(text: str, reference: date | None = None) -> Iterator[DateMatch]:
    """Every date in `text`, in text order; overlapping matches keep the earlier pattern's."""
    taken: list[tuple[int, int]] = []
    found: list[DateMatch] = []
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            value = pattern.parse(match, reference)
            if value is None:
                continue
            taken.append(match.span())
            found.append(DateMatch(value, match.start(), match.end(), pattern.name,
                                   pattern.name == "yearless"))
    return iter(sorted(found, key=lambda item: item.start))


def parse_date(text: str, reference: date | None = None) -> date | None:
    """The first date in `text`, or None."""
    return next((match.value for match in find_dates(text, reference)), None)


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
