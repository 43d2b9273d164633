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
from jikenbo.extract.scan import Scanner

_ERAS: dict[str, int] = data.load("eras")["eras"]
_ERA = "|".join(sorted(map(re.escape, _ERAS), key=len, reverse=True))
_SP = r"\s{0,2}"  # bounded, so a run of spaces costs each attempt at most two steps
_KANJI_DIGITS = "〇一二三四五六七八九"
_N2 = rf"(?:\d{{1,2}}|[{_KANJI_DIGITS}十]{{1,3}})"  # a month, day or era year: 7, 17, 七, 十七
_Y4 = rf"(?:\d{{4}}|[{_KANJI_DIGITS}]{{4}})"  # 2024, 二〇二四
_MD = rf"(?P<m>{_N2}){_SP}月{_SP}(?P<d>{_N2}){_SP}日"
_YMD_KANJI = rf"(?<![\d{_KANJI_DIGITS}])(?P<y>{_Y4}){_SP}年{_SP}{_MD}"
_YMD_SLASH = rf"(?<!\d)(?P<y>\d{{4}}){_SP}(?P<sep>[/.\-]){_SP}(?P<m>\d{{1,2}}){_SP}(?P=sep){_SP}(?P<d>\d{{1,2}})(?!\d)"
_ERA_KANJI = rf"(?P<era>{_ERA}){_SP}(?P<ey>元|{_N2}){_SP}年{_SP}{_MD}"
# `令和6年度 7月17日`: a fiscal year (April to March) and a day in it.
_FISCAL = rf"(?:(?P<era>{_ERA}){_SP}(?P<ey>元|{_N2})|(?<!\d)(?P<y>\d{{4}})){_SP}年度{_SP}{_MD}"
_ERA_DOTTED = r"(?<![A-Za-z])(?P<era>[RHS])(?P<ey>\d{1,2})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?!\d)"
_YEARLESS = rf"(?<![\d{_KANJI_DIGITS}十年/.\-])(?P<m>{_N2}){_SP}月{_SP}(?P<d>{_N2}){_SP}日"


def number(text: str) -> int:
    """A number written in digits or kanji numerals: `17`, `十七`, `二十三`, `二〇二四`, `元`."""
    if text.isdigit() and text.isascii():
        return int(text)
    if text == "元":
        return 1
    digits = {char: index for index, char in enumerate(_KANJI_DIGITS)}
    tens, _, ones = text.partition("十")
    if "十" in text:
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + digits.get(char, 0)
    return value


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int
    rule: str
    yearless: bool = False


def _gregorian(match: re.Match[str], reference: date | None) -> date | None:
    return _safe_date(number(match["y"]), number(match["m"]), number(match["d"]))


def _era(match: re.Match[str], reference: date | None) -> date | None:
    return _safe_date(_ERAS[match["era"]] + number(match["ey"]), number(match["m"]),
                      number(match["d"]))


def _fiscal(match: re.Match[str], reference: date | None) -> date | None:
    """`令和6年度 2月1日` is 2025-02-01: a fiscal year runs from April to the next March."""
    year = _ERAS[match["era"]] + number(match["ey"]) if match["era"] else number(match["y"])
    month = number(match["m"])
    return _safe_date(year + (month <= 3), month, number(match["d"]))


def _yearless(match: re.Match[str], reference: date | None) -> date | None:
    if reference is None:
        return None
    month, day = number(match["m"]), number(match["d"])
    found = _safe_date(reference.year, month, day)
    if found and found > reference + timedelta(days=31):
        found = _safe_date(reference.year - 1, month, day)
    return found


@dataclass(frozen=True)
class _Pattern:
    name: str
    # A Scanner: most of these open with a lookbehind, which keeps `re` from skipping ahead.
    scanner: Scanner
    parse: Callable[[re.Match[str], date | None], date | None]
    needs_reference: bool = False  # its dates are found only with a reference date

    @property
    def regex(self) -> re.Pattern[str]:
        return self.scanner.pattern


PATTERNS = (
    _Pattern("ymd_kanji", Scanner(_YMD_KANJI), _gregorian),
    _Pattern("era_kanji", Scanner(_ERA_KANJI), _era),
    _Pattern("fiscal_year", Scanner(_FISCAL), _fiscal),
    _Pattern("ymd_slash", Scanner(_YMD_SLASH), _gregorian),
    _Pattern("era_dotted", Scanner(_ERA_DOTTED), _era),
    _Pattern("yearless", Scanner(_YEARLESS), _yearless, needs_reference=True),
)


def find_dates(text: str, reference: date | None = None) -> Iterator[DateMatch]:
    """Every date in `text`, in text order; overlapping matches keep the earlier pattern's.

    Each pattern's matches are merged into the kept ones in one ordered sweep, so a text of a
    hundred thousand dates costs a few passes, not a comparison of every pair."""
    kept: list[DateMatch] = []
    for pattern in PATTERNS:
        if pattern.needs_reference and reference is None:
            continue  # every match would be dropped
        fresh = []
        position = 0  # kept[position] is the first kept date that may overlap the next match
        for match in pattern.scanner.finditer(text):
            while position < len(kept) and kept[position].end <= match.start():
                position += 1
            if position < len(kept) and kept[position].start < match.end():
                continue
            value = pattern.parse(match, reference)
            if value is not None:
                fresh.append(DateMatch(value, match.start(), match.end(), pattern.name,
                                       pattern.name == "yearless"))
        kept = sorted(kept + fresh, key=lambda item: item.start)
    return iter(kept)


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
