"""Discovered: the day the issuer (or its contractor) became aware of the incident.

An extension field beside RECORD.md's (PPC reporting deadlines count from it). Read sentence by
sentence: an awareness cue (`判明`, `発覚`, `連絡を受け`, `気付き`, a symptom such as `暗号化され` …,
data/discovered.json) takes the date right before it (`2023年11月21日に判明`), else the date
leading its sentence (`6月30日、…から申し出が届いた`, not the `2022年12月1日に受信した` inside it),
else the nearest one before. `判明後速やかに` is no cue; `2022年5月10日から…判明` drops the range
start, but in `6月5日以降に順次判明` it is the first day of awareness;
`調査の結果、5月3日に侵入されたことが判明` is a finding, not an awareness day. A label
(`判明日時`, `発覚の経緯`) takes the first date after it; a timeline row takes its date line.
Relative days (`同日`, `翌日`, `同月30日`) resolve against the date before them; year-less dates
take the release's year, else that of the latest date before them, else the nearest year stated.
Of the candidates the earliest wins (the gold counts a contractor's awareness as the first); a
date after the release is no candidate. Prefer null to a guess: a cue with no date gives nothing.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.dates import PATTERNS, find_dates
from jikenbo.extract.scan import Scanner

_TABLE = data.load("discovered")
_ERAS: dict[str, int] = data.load("eras")["eras"]
_CUE = Scanner("|".join(f"(?P<{group}>{'|'.join(_TABLE[group])})"
                        for group in ("label", "told", "found", "checked", "symptom")))
_NOT_AFTER = re.compile("|".join(_TABLE["not_awareness_after"]))
_NOT_BETWEEN = re.compile("|".join(_TABLE["not_awareness_between"]))
_SYMPTOM_OBJECT = re.compile(_TABLE["symptom_object_after"])  # `暗号化されていることを…確認`
_FINDING_BEFORE = re.compile("|".join(_TABLE["finding_before"]))
_RANGE_AFTER = re.compile(_TABLE["range_after"])
_SINCE_GAP = re.compile(_TABLE["since_gap"])  # `6月5日以降に順次判明`: awareness began that day
_RELATIVE = {name: Scanner(pattern) for name, pattern in _TABLE["relative"].items()}
_CLOSE_GAP = re.compile(_TABLE["close_gap"])
_NEWLINE = re.compile("\n")
_BREAK = re.compile(r"。(?![)」』])|\n")
_LINE_END = re.compile(r"[:：)」>】]\s*$")
_LINE_START = re.compile(r"[\s\d・•●○◆■□※<【(①-⑳-]")
_YEARLESS = Scanner(next(pattern.regex for pattern in PATTERNS if pattern.name == "yearless"))
_MONTH_SLASH = Scanner(r"(?<![\d/.\-])(?P<m>1[0-2]|0?[1-9])/"
                       r"(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/])")
_ERA_NAMES = "|".join(name for name in _ERAS if len(name) > 1)
_YEAR = Scanner(rf"(?P<y>(?:19|20)\d\d)\s?年(?!度)|(?P<era>{_ERA_NAMES})"
                r"\s?(?P<ey>元|\d{1,2})\s?年(?!度)|(?<!\d)(?P<sy>(?:19|20)\d\d)/\d{1,2}/\d{1,2}")
_HEADED = ("told", "found")  # cues that take a timeline row's date; a check noted under a
# date (`※後日点検し…を確認`) need not have happened that day
_WINDOW = 220  # characters a date may stand before its cue
_FINDING_REACH = 20  # characters before a date that may say an investigation found it
_OWN_EVENT = 16  # characters after a date that may say it is the day of something else
_LABEL_WINDOW = 60  # characters a date may stand after its label
_WRAPPED_LINE = 30  # a line this long that stops with no mark was wrapped mid-sentence
_HEADER_LINE = 40  # a timeline's date line is at most this long
_HEADER_REACH = 300  # characters a timeline's date line governs below it
_LEAD_CHARS = " \t・•●○-()<>【】[]0123456789.去る本年今年"
_HEADER_CHARS = " \t・•●○-()<>【】[]0123456789.:月火水木金土日曜午前後時分頃"


_Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Dated:
    value: date
    start: int
    end: int


def discovered(view: PostText, published: str | None = None) -> Finding[str | None]:
    """The earliest day of awareness the text states, with the cue and date it read."""
    text = view.text
    release = date.fromisoformat(published) if published else None
    dated = _dates(text, release)
    best: tuple[date, str, _Spans] | None = None
    for rule, when, spans in _candidates(text, dated):
        if release and when > release:
            continue
        if best is None or when < best[0]:
            best = (when, rule, spans)
    if best is None:
        return Finding(None, "not_stated")
    return Finding(best[0].isoformat(), best[1], best[2])


def _candidates(text: str, dated: list[_Dated]) -> Iterator[tuple[str, date, _Spans]]:
    """(cue group, day, spans) for every cue that has a date."""
    starts = [item.start for item in dated]
    headers = _timeline_headers(text, dated)
    header_ends = [item.end for item in headers]
    for first, last in _sentences(text):
        floor = first  # where the dates of the current cue's clause may start
        for cue in _CUE.finditer(text, first, last):
            cue_start, cue_end = cue.span()
            if cue.lastgroup == "label":
                after = _first_after(dated, starts, cue_end, cue_end + _LABEL_WINDOW)
                if after is not None:
                    yield "label", after.value, ((cue_start, cue_end), (after.start, after.end))
                continue
            if cue.lastgroup == "symptom" and _SYMPTOM_OBJECT.match(text, cue_end):
                floor = cue_end  # what someone noticed: its dates are the symptom's, and the
                continue         # noticing that follows dates the awareness
            if _NOT_AFTER.match(text, cue_end):
                continue
            before = _date_of_cue(text, dated, starts, floor, cue_start,
                                  cue.lastgroup == "symptom")
            if before is None and cue.lastgroup in _HEADED and not _has_date(starts, first,
                                                                                cue_start):
                before = _header_before(headers, header_ends, cue_start)  # a timeline row
            if before is not None:
                yield cue.lastgroup, before.value, ((before.start, before.end),
                                                    (cue_start, cue_end))


def _has_date(starts: list[int], start: int, end: int) -> bool:
    index = bisect.bisect_left(starts, start)
    return index < len(starts) and starts[index] < end


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentences end at 。 (not one closing a bracket's aside) and at line breaks, except a
    break inside a long line wrapped mid-sentence (the next line goes on with no mark)."""
    spans, start = [], 0
    for match in _BREAK.finditer(text):
        if match.group(0) == "\n" and _wrapped(text, start, match.start()):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(first, last) for first, last in spans if last > first]


def _wrapped(text: str, line_start: int, at: int) -> bool:
    line = text[text.rfind("\n", 0, at) + 1:at]
    following = text[at + 1:at + 2]
    return (len(line.strip()) >= _WRAPPED_LINE and not _LINE_END.search(line)
            and bool(following) and not _LINE_START.match(following))


def _date_of_cue(text: str, dated: list[_Dated], starts: list[int], floor: int,
                 cue_start: int, symptom: bool = False) -> _Dated | None:
    """The date the cue's clause is about: one right before it (`2023年11月21日に判明`), else
    the date leading the sentence (`6月30日、…から申し出が届いた`), else the nearest one before,
    unless a range starts there, a word after it says it is the day of something else, or an
    investigation before it says it is a finding (`調査の結果、5月3日に侵入されたことが判明`; right
    before an awareness verb the date is the day of awareness, `調査の結果、2月6日に判明`, but a
    symptom an investigation dates is the day of the event, `調査の結果、1月20日に暗号化された`)."""
    index = bisect.bisect_left(starts, cue_start) - 1
    lowest = bisect.bisect_left(starts, max(floor, cue_start - _WINDOW))
    window = [item for item in dated[lowest:index + 1]
              if item.end <= cue_start]
    if not window:
        return None
    nearest, leading = window[-1], window[0]
    if not symptom and _SINCE_GAP.fullmatch(text, nearest.end, cue_start):
        return nearest  # the first of the days it came to light, not a range of the event's
    if _CLOSE_GAP.match(text[nearest.end:cue_start]):
        found = symptom and _FINDING_BEFORE.search(
            text, max(floor, nearest.start - _FINDING_REACH), nearest.start)
        return None if found or _RANGE_AFTER.match(text, nearest.end) else nearest
    choice = leading if not text[floor:leading.start].strip(_LEAD_CHARS) else nearest
    if (_RANGE_AFTER.match(text, choice.end)
            or _FINDING_BEFORE.search(text, max(floor, choice.start - _FINDING_REACH), choice.start)
            or _NOT_BETWEEN.search(text, choice.end, min(cue_start, choice.end + _OWN_EVENT))):
        return None
    return choice


def _timeline_headers(text: str, dated: list[_Dated]) -> list[_Dated]:
    """Dates standing alone on their line (`<2024年5月15日(土)>`), when a text has several: a
    timeline whose rows below them carry no date of their own."""
    breaks = [match.start() for match in _NEWLINE.finditer(text)]
    headers = []
    for item in dated:
        index = bisect.bisect_left(breaks, item.start)
        line_start = breaks[index - 1] + 1 if index else 0
        after = bisect.bisect_left(breaks, item.end)
        line_end = breaks[after] if after < len(breaks) else len(text)
        if (line_end - line_start <= _HEADER_LINE
                and not (text[line_start:item.start]
                         + text[item.end:line_end]).strip(_HEADER_CHARS)):
            headers.append(item)
    return headers if len(headers) >= 2 else []


def _header_before(headers: list[_Dated], ends: list[int], at: int) -> _Dated | None:
    index = bisect.bisect_right(ends, at) - 1
    if index >= 0 and at - headers[index].end <= _HEADER_REACH:
        return headers[index]
    return None


def _first_after(dated: list[_Dated], starts: list[int], start: int, stop: int) -> _Dated | None:
    index = bisect.bisect_left(starts, start)
    return dated[index] if index < len(dated) and dated[index].start < stop else None


def _dates(text: str, release: date | None) -> list[_Dated]:
    """Every full, year-less and relative date in text order, each resolved to a day."""
    full = [_Dated(match.value, match.start, match.end) for match in find_dates(text)]
    full_starts = [item.start for item in full]
    yearless = sorted((match for pattern in (_YEARLESS, _MONTH_SLASH)
                       for match in pattern.finditer(text)
                       if not _overlaps(full, full_starts, match.start(), match.end())),
                      key=lambda match: match.start())
    years = ([] if release is not None  # only a release with no date needs the text's years
             else [(match.start(), _year_of(match)) for match in _YEAR.finditer(text)])
    year_starts = [start for start, _ in years]
    found, latest, next_full = list(full), None, 0
    for match in yearless:
        while next_full < len(full) and full[next_full].start < match.start():
            latest = max(filter(None, (latest, full[next_full].value)))
            next_full += 1
        index = bisect.bisect_left(year_starts, match.start())
        hint = years[index - 1][1] if index else (years[0][1] if years else None)
        value = _resolve_yearless(int(match["m"]), int(match["d"]), release, latest, hint)
        if value is not None:
            found.append(_Dated(value, match.start(), match.end()))
            latest = max(filter(None, (latest, value)))
    found.sort(key=lambda item: item.start)
    return _with_relatives(text, found)


def _overlaps(dated: list[_Dated], starts: list[int], start: int, end: int) -> bool:
    index = bisect.bisect_left(starts, end) - 1
    return index >= 0 and dated[index].end > start


def _with_relatives(text: str, found: list[_Dated]) -> list[_Dated]:
    starts = [item.start for item in found]
    out = list(found)
    for kind, pattern in _RELATIVE.items():
        for match in pattern.finditer(text):
            index = bisect.bisect_left(starts, match.start()) - 1
            if index < 0 or found[index].end > match.start():
                continue
            value = _relative_day(kind, match, found[index].value)
            if value is not None:
                out.append(_Dated(value, match.start(), match.end()))
    return sorted(out, key=lambda item: item.start)


def _relative_day(kind: str, match: re.Match[str], anchor: date) -> date | None:
    if kind == "same_day":
        return anchor
    if kind == "next_day":
        return anchor + timedelta(days=1)
    day = int(match["d"])
    try:
        if kind == "next_day_numbered":
            following = anchor.replace(day=day)
            return following if following > anchor else None
        if kind == "same_month":
            return anchor.replace(day=day)
        if kind == "same_year":
            return anchor.replace(month=int(match["m"]), day=day)
    except ValueError:
        return None
    return None


def _year_of(match: re.Match[str]) -> int:
    if match["y"] or match["sy"]:
        return int(match["y"] or match["sy"])
    return _ERAS[match["era"]] + (1 if match["ey"] == "元" else int(match["ey"]))


def _resolve_yearless(month: int, day: int, release: date | None, latest: date | None,
                      year_hint: int | None) -> date | None:
    """The release's year (a date more than a month after the release is the year before); with
    no release date, the year of the latest date stated before it (a timeline runs forward),
    else the nearest year the text states before it (after it, when none is before)."""
    if release is not None:
        year = release.year
        found = _day(year, month, day)
        if found and found > release + timedelta(days=31):
            year -= 1
        return _day(year, month, day)
    year = latest.year if latest is not None else year_hint
    return _day(year, month, day) if year is not None else None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if 1990 <= year <= 2100 else None
    except ValueError:
        return None
