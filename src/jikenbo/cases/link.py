"""Linking: which releases report the same incident.

Signals, strongest first (each a rule name that is kept with the link):
- `stated_number`: the casebook number the source states (`【セキュリティ事件簿#2024-313】`);
- `curator`: a curator's merge (`together`); a curator's split (`apart`) is never crossed;
- `shared_vendor`: two releases name the same contractor (in full, or by an abbreviation such
  as `TGES` that some release defines: `…株式会社(以下「TGES」という。)`) within a window;
- `vendor_is_issuer`: a release names as its contractor the issuer of another release (the
  contractor's own notice and its customers' notices);
- `cited_date`: a release of the same issuer cites the other's release date (既報 7月9日);
- `follow_up`: a release of the same issuer is a follow-up (第2報, 最終報, 調査結果, 既報) and the
  other is its issuer's latest earlier release within the follow-up window;
- `same_event`: two releases of the same issuer within days of each other with a category in
  common.

Blocking keeps this linear in practice: releases are only compared within the list of releases
that share a key (issuer name, vendor name or stated number), in date order.
"""
from __future__ import annotations

import gc
import re
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date

from jikenbo import data
from jikenbo.extract.dates import find_dates
from jikenbo.extract.numbers import parse_number
from jikenbo.extract.scan import Scanner
from jikenbo.normalize import nfkc
from jikenbo.record import Record

_TABLE = data.load("linking")
_FORMS = re.compile("|".join(map(re.escape, sorted(_TABLE["legal_forms"], key=len, reverse=True))))
_REPORT_NUMBER = re.compile(_TABLE["report_number"])
_FOLLOW_UP = re.compile("|".join(_TABLE["follow_up"]))
_FINAL = re.compile("|".join(_TABLE["final"]))
_DEFINITION = re.compile(_TABLE["abbreviation_definition"])
# A Scanner: the pattern opens with a lookbehind, so `re` would try it at every character of
# every release; the scan tries it at the first capital of each run of them.
_MENTION = Scanner(_TABLE["abbreviation_mention"])
WINDOWS: dict[str, int] = _TABLE["windows"]


def party_key(name: str | None) -> str | None:
    """A name compared without legal forms, spaces, case or a trailing 社: `TGES社` → `tges`."""
    if not name:
        return None
    key = _FORMS.sub("", re.sub(r"\s+", "", nfkc(name))).lower()
    key = re.sub(r"(?<=[a-z0-9])社$", "", key)
    return key or None


@dataclass(frozen=True, slots=True)
class LinkItem:
    """What the linker needs of one release, computed once when it is stored. Slotted: a
    relink holds one per stored release, and without a __dict__ each takes a third less memory."""

    id: str
    issuer: str | None                    # party key of the organisation
    vendors: tuple[str, ...]              # party keys of contractors named
    dates: tuple[str, ...]                # its release date and the earlier ones it cites
    mentioned: str | None                 # latest date in the text, when it has no release date
    stated: str | None                    # casebook number stated by the source
    report: int | None                    # N of 第N報
    follow_up: bool
    final: bool
    categories: tuple[str, ...]
    definitions: tuple[tuple[str, str], ...] = ()   # (abbreviation key, full-name key)
    abbreviations: tuple[str, ...] = ()              # abbreviation keys mentioned
    published: str | None = None
    is_incident: bool = True

    @property
    def first_date(self) -> str | None:
        return self.dates[0] if self.dates else self.mentioned

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, row: dict) -> "LinkItem":
        """The item as stored. Dates and categories are interned: a relink reads every release,
        and a million copies of a few thousand days and a dozen category names are one copy
        each."""
        values = dict(row)
        for name in ("vendors", "abbreviations"):
            values[name] = tuple(values.get(name) or ())
        for name in ("dates", "categories"):
            values[name] = tuple(map(sys.intern, values.get(name) or ()))
        for name in ("published", "mentioned"):
            values[name] = values.get(name) and sys.intern(values[name])
        values["definitions"] = tuple(tuple(pair) for pair in values.get("definitions") or ())
        return cls(**values)


def link_item(release_id: str, record: Record, text: str) -> LinkItem:
    """The link features of a release: its record plus what the text says of reports and names."""
    norm = nfkc(text)
    heading = nfkc(record.heading)
    dates = sorted({d for d in (record.published, *record.earlier_releases) if d})
    mentioned = None
    if not dates:
        found = [match.value for match in find_dates(norm)]
        mentioned = max(found).isoformat() if found else None
    number = _REPORT_NUMBER.search(heading)
    report = parse_number(number.group(1)) if number else None
    definitions = []
    for match in _DEFINITION.finditer(norm):
        full = _name_before(norm, match.start())
        abbreviation = party_key(match.group(1))
        if full and abbreviation and abbreviation != full:
            definitions.append((abbreviation, full))
    return LinkItem(
        id=release_id,
        issuer=party_key(record.organization),
        vendors=tuple(dict.fromkeys(filter(None, map(party_key, record.vendors)))),
        dates=tuple(dates),
        mentioned=mentioned,
        stated=record.case_id,
        report=report,
        follow_up=bool(record.earlier_releases or (report and report > 1)
                       or _FOLLOW_UP.search(heading)),
        final=bool(_FINAL.search(heading)),
        categories=record.categories,
        definitions=tuple(dict.fromkeys(definitions)),
        abbreviations=tuple(dict.fromkeys(party_key(m.group(1)) for m in _MENTION.finditer(norm))),
        published=record.published,
        is_incident=record.is_incident,
    )


def _name_before(text: str, end: int) -> str | None:
    """The legal-entity name that ends right before a `(以下「…」` definition."""
    from jikenbo.extract.entities import entity_names
    for start, stop in entity_names(text, max(0, end - 60), end):
        if stop == end:
            return party_key(text[start:stop])
    return None


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    rule: str


@dataclass
class Constraints:
    """A curator's corrections: pairs kept together and pairs kept apart."""

    together: list[tuple[str, str]] = field(default_factory=list)
    apart: list[tuple[str, str]] = field(default_factory=list)


class _Groups:
    """Union-find over release ids that refuses a union a curator has forbidden."""

    def __init__(self, ids: Iterable[str], apart: Iterable[tuple[str, str]]) -> None:
        self.parent = {i: i for i in ids}
        self.members = {i: [i] for i in self.parent}
        self.apart: dict[str, set[str]] = defaultdict(set)
        for a, b in apart:
            self.apart[a].add(b)
            self.apart[b].add(a)

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        if self.apart and any(self.find(other) == ra for member in self.members[rb]
                              for other in self.apart.get(member, ())):
            return False
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused. Linking makes a few objects per release (lists,
    sets, links) that all live until it returns and hold no cycles; the collector would walk
    every object alive, the million link items included, each time enough of them were made,
    so linking 200,000 releases took 2.7 times as long with it as without."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def link(items: Sequence[LinkItem], constraints: Constraints | None = None) -> list[list[str]]:
    """Groups of release ids, one per case; only incident releases are linked."""
    with _collector_paused():
        return _link(items, constraints or Constraints())


def _link(items: Sequence[LinkItem], constraints: Constraints) -> list[list[str]]:
    incidents = [item for item in items if item.is_incident]
    known = {item.id for item in incidents}
    groups = _Groups((item.id for item in incidents),
                     [(a, b) for a, b in constraints.apart if a in known and b in known])
    for a, b in constraints.together:
        if a in known and b in known:
            groups.union(a, b)
    for found in candidate_links(incidents):
        groups.union(found.a, found.b)
    order = {item.id: index for index, item in enumerate(incidents)}
    return sorted((sorted(members, key=order.__getitem__) for members in groups.members.values()),
                  key=lambda members: order[members[0]])


def candidate_links(items: Sequence[LinkItem]) -> Iterable[Link]:
    """Every link the signals find, strongest first, compared only within blocks."""
    by_number: dict[str, list[LinkItem]] = defaultdict(list)
    for item in items:
        if item.stated:
            by_number[item.stated].append(item)
    for members in by_number.values():
        yield from (Link(members[0].id, other.id, "stated_number") for other in members[1:])

    aliases = _aliases(items)
    as_vendor: dict[str, list[LinkItem]] = defaultdict(list)
    as_issuer: dict[str, list[LinkItem]] = defaultdict(list)
    for item in items:
        for key in _vendor_keys(item, aliases):
            as_vendor[key].append(item)
        if item.issuer:
            as_issuer[item.issuer].append(item)
    window = WINDOWS["shared_vendor"]
    for key, vendors in as_vendor.items():
        vendors = sorted(vendors, key=_when)
        for before, after in zip(vendors, vendors[1:]):
            if _within(before, after, window):
                yield Link(before.id, after.id, "shared_vendor")
        issuers = as_issuer.get(key, ())
        keys = [_when(vendor) for vendor in vendors] if issuers else []
        for issuer in issuers:
            near = _nearest(vendors, keys, issuer, window)
            if near is not None and near.id != issuer.id:
                yield Link(issuer.id, near.id, "vendor_is_issuer")
    for releases in as_issuer.values():
        if len(releases) > 1:
            yield from _same_issuer(sorted(releases, key=_when))


def _aliases(items: Sequence[LinkItem]) -> dict[str, str]:
    """Abbreviation → full name, from every definition in the corpus; ambiguous ones dropped."""
    seen: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for abbreviation, full in item.definitions:
            seen[abbreviation].add(full)
    return {abbreviation: next(iter(fulls)) for abbreviation, fulls in seen.items()
            if len(fulls) == 1}


def _vendor_keys(item: LinkItem, aliases: dict[str, str]) -> set[str]:
    keys = set(item.vendors)
    keys.update(aliases[key] for key in item.abbreviations if key in aliases)
    keys.update(aliases.get(key, key) for key in item.vendors)
    keys.discard(item.issuer)
    return keys


def _same_issuer(releases: list[LinkItem]) -> Iterable[Link]:
    for index, later in enumerate(releases):
        earlier = releases[:index]
        if not earlier:
            continue
        cited = set(later.dates) - {later.published}
        for other in reversed(earlier):
            if other.published and other.published in cited:
                yield Link(other.id, later.id, "cited_date")
                break
        else:
            previous = earlier[-1]
            if later.follow_up and _within(previous, later, WINDOWS["follow_up"]):
                yield Link(previous.id, later.id, "follow_up")
            elif (_within(previous, later, WINDOWS["same_event"])
                  and (set(previous.categories) & set(later.categories)
                       or not previous.categories or not later.categories)):
                yield Link(previous.id, later.id, "same_event")


def _when(item: LinkItem) -> tuple[str, str]:
    return (item.published or item.first_date or "9999-12-31", item.id)


def _days(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _within(a: LinkItem, b: LinkItem, window: int) -> bool:
    """Whether some date of `a` lies within `window` days of some date of `b`."""
    dates_a = a.dates or ((a.mentioned,) if a.mentioned else ())
    dates_b = b.dates or ((b.mentioned,) if b.mentioned else ())
    if not dates_a or not dates_b:
        return False
    return any(_days(x, y) <= window for x in dates_a for y in dates_b)


def _nearest(sorted_items: list[LinkItem], keys: list[tuple[str, str]], item: LinkItem,
             window: int) -> LinkItem | None:
    """The item of `sorted_items` (whose `_when` keys are `keys`, computed once per block, not
    once per issuer) nearest in date to `item` and within `window` days of it."""
    at = bisect_left(keys, _when(item))
    for other in sorted_items[max(0, at - 2):at + 2]:
        if other.id != item.id and _within(other, item, window):
            return other
    return None
