"""The heading line: casebook number, issuing organisation, headline and release date.

`【セキュリティ事件簿#2024-313】白井市 市営水道の委託事業者による… 2024/7/23` gives case_id
2024-313, organization 白井市, the headline, and published 2024-07-23. Without a space after
the organisation (`東京都の委託事業における…`) the headline is kept whole and the organisation
is read from its start.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from jikenbo import data

_ORG = data.load("organizations")
_PREFIX = re.compile(r"^\s*【\s*セキュリティ事件簿\s*#\s*(?P<y>\d{4})\s*-\s*(?P<n>\d{3,4})\s*】\s*")
_TRAILING_DATE = re.compile(
    r"\s*(?P<y>\d{4})\s*(?:[/.\-]|年)\s*(?P<m>\d{1,2})\s*(?:[/.\-]|月)\s*(?P<d>\d{1,2})\s*日?\s*$")
_SUFFIX = "|".join(map(re.escape, sorted(_ORG["suffixes"], key=len, reverse=True)))
_LEGAL = "|".join(map(re.escape, sorted(_ORG["legal_forms"], key=len, reverse=True)))
_ORG_SHAPED = re.compile(rf"^(?:(?:{_LEGAL}).+|.+(?:{_SUFFIX}))$")
_HEADLINE_WORD = re.compile("|".join(map(re.escape, _ORG["headline_words"])))
_LEADING_ORG = re.compile(rf"^(?P<org>.+?(?:{_SUFFIX}))(?=の|における|への|による|で|が|に|立|"
                          rf"{'|'.join(map(re.escape, _ORG['person_words']))})")
_MUNICIPALITY = re.compile(_ORG["municipality"])


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class HeadingParts:
    """Parts of a normalised heading; spans index the normalised heading."""

    case_id: Span | None
    case_number: str | None
    organization: Span | None
    organization_rule: str
    title: Span
    published: str | None
    published_span: Span | None


def parse_heading(heading: str, casebook_post: bool) -> HeadingParts:
    """Split a normalised heading into its parts (see the module docstring)."""
    prefix = _PREFIX.match(heading)
    case_number = f"{prefix['y']}-{prefix['n'].zfill(3)}" if prefix else None
    body_start = prefix.end() if prefix else 0
    date = _TRAILING_DATE.search(heading, body_start)
    published = None
    body_end = len(heading)
    if date and _valid(date):
        published = f"{date['y']}-{int(date['m']):02d}-{int(date['d']):02d}"
        body_end = date.start()
    while body_end > body_start and heading[body_end - 1].isspace():
        body_end -= 1
    case_span = Span(0, prefix.end()) if prefix else None
    date_span = Span(date.start("y"), date.end()) if published and date else None
    if casebook_post and not prefix:
        # An unrelated blog post (travel report, commentary): the whole line is its title.
        return HeadingParts(None, None, None, "none", Span(0, len(heading)), None, None)
    org, rule, title = _split_organization(heading, body_start, body_end)
    return HeadingParts(case_span, case_number, org, rule, title, published, date_span)


def _split_organization(heading: str, start: int, end: int) -> tuple[Span | None, str, Span]:
    body = heading[start:end]
    first, space, rest = body.partition(" ")
    if space and rest.strip() and _is_organization(first):
        title_start = start + len(first) + 1
        while title_start < end and heading[title_start].isspace():
            title_start += 1
        return Span(start, start + len(first)), "heading_first_word", Span(title_start, end)
    title = Span(start, end)
    leading = _LEADING_ORG.match(body)
    if leading and not _HEADLINE_WORD.search(leading["org"]):
        org_text = _strip_person_words(leading["org"])
        return Span(start, start + len(org_text)), "heading_leading_name", title
    place = _MUNICIPALITY.search(body)
    if place:
        return Span(start + place.start(), start + place.end()), "heading_municipality", title
    return None, "none", title


def _is_organization(word: str) -> bool:
    """An organisation's name rather than the start of a headline.

    Kept: `白井市`, `株式会社ポケモン`, `富士ソフト`. Dropped: `公立甲賀病院における個人情報を含む`.
    """
    if _ORG_SHAPED.match(word) and not re.search("における|による|への|について|に関する", word):
        return True
    return not _HEADLINE_WORD.search(word)


def _strip_person_words(org: str) -> str:
    for word in sorted(_ORG["person_words"], key=len, reverse=True):
        if org.endswith(word) and len(org) > len(word):
            return org[: -len(word)]
    return org


def _valid(date: re.Match[str]) -> bool:
    return 1 <= int(date["m"]) <= 12 and 1 <= int(date["d"]) <= 31
