"""Who issued the release, its headline, its number and dates: case_id, organization, title,
published and earlier_releases.

The casebook heading gives most of these. A raw press release (HTML page, PDF, text) without
one takes its date from the first lines or the signature block, and its issuer from a
legal-entity name in those places.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.dates import find_dates

_ORG = data.load("organizations")
_LEGAL = "|".join(map(re.escape, sorted(_ORG["legal_forms"], key=len, reverse=True)))
# A legal-entity name standing alone on a line, as in a signature block or letterhead.
_ENTITY_LINE = re.compile(rf"^\s*((?:{_LEGAL})\s*\S{{1,30}}|\S{{1,30}}?(?:株式会社|有限会社|合同会社))\s*$",
                          re.M)
_EARLIER_MARKER = re.compile(r"【\s*([^】]*?)\s*リリース分\s*】")
_EDGE_LINES = 6
# A line that is only a date, perhaps with 発表/更新/掲載: the release date of a press release.
_DATE_LINE = re.compile(r"\s*(\(?(発表|公表|更新|掲載|作成)(日)?\)?[::]?)?\s*(\([月火水木金土日]\))?\s*"
                        r"(発表|公表|更新|掲載)?\s*")


def case_id(view: PostText) -> Finding[str | None]:
    span = view.heading.case_id
    if span is None:
        return Finding(None, "no_casebook_number")
    return Finding(view.heading.case_number, "casebook_header", ((span.start, span.end),))


def organization(view: PostText) -> Finding[str | None]:
    span = view.heading.organization
    if span is not None:
        name = view.original(span.start, span.end).strip()
        return Finding(name, view.heading.organization_rule, ((span.start, span.end),))
    if view.post.casebook:
        return Finding(None, "none")
    for match in _edge_matches(view, _ENTITY_LINE):
        return Finding(view.original(*match.span(1)).strip(), "signature_entity", (match.span(1),))
    return Finding(None, "none")


def title(view: PostText) -> Finding[str]:
    span = view.heading.title
    return Finding(view.original(span.start, span.end).strip(), "heading",
                   ((span.start, span.end),))


def published(view: PostText) -> Finding[str | None]:
    if view.heading.published:
        span = view.heading.published_span
        spans = ((span.start, span.end),) if span else ()
        return Finding(view.heading.published, "heading_date", spans)
    if view.post.casebook:
        return Finding(None, "none")
    for start, end in _edge_ranges(view):
        line = view.text[start:end]
        for found in find_dates(line):
            if not found.yearless and _DATE_LINE.fullmatch(line[:found.start] + line[found.end:]):
                return Finding(found.value.isoformat(), "edge_date",
                               ((start + found.start, start + found.end),))
    return Finding(None, "none")


def earlier_releases(view: PostText) -> Finding[tuple[str, ...]]:
    """Dates of `【2023年4月28日リリース分】` markers, other than the release's own date."""
    found: dict[str, tuple[int, int]] = {}
    for marker in _EARLIER_MARKER.finditer(view.text):
        for item in find_dates(marker.group(1), view.release_date):
            day = item.value.isoformat()
            if day != view.heading.published:
                found.setdefault(day, marker.span())
    return Finding(tuple(sorted(found)), "release_marker" if found else "none",
                   tuple(found.values()))


def _edge_ranges(view: PostText) -> list[tuple[int, int]]:
    """The first and last few lines of the post, as spans of the normalised text."""
    spans, offset = [], 0
    for line in view.text.split("\n"):
        if line.strip():
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans[:_EDGE_LINES] + spans[-_EDGE_LINES:][::-1]


def _edge_matches(view: PostText, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    matches = []
    for start, end in _edge_ranges(view):
        match = pattern.match(view.text, start, end)
        if match:
            matches.append(match)
    return matches
