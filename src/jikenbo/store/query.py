"""A search as the user asks for it: words, facets chosen (several values of one facet mean
any of them; different facets must all hold), facet values excluded, a date range, sorting
and a page. `parse` reads URL parameters and says in Japanese what it cannot use.

Parameters: `category=A&category=B` (A or B), `not_category=C` (never C), likewise for
`data_type`, `leak`, `year` (`unknown`: 日付不明), `month` (YYYY-MM) and `vendor`;
`from` / `to` as YYYY, YYYY-MM or YYYY-MM-DD (a month or year means all of it).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from jikenbo.record import CATEGORIES, DATA_TYPES, LEAK_STATUSES
from jikenbo.store.terms import Clause, TermError, clauses

MAX_QUERY = 200
MAX_VALUES = 20  # values chosen per facet: more than any page offers
SORTS = ("date", "affected", "added")  # added: when first stored, newest first
MULTI = ("category", "data_type", "leak", "year", "month", "vendor")
UNDATED = "unknown"  # the year facet's 日付不明 bucket
EXCLUDE = "not_"     # prefix of a parameter that excludes values: not_category=…
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_MONTH = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")
_NAMES = {"category": "分類", "data_type": "情報の種類", "leak": "漏えい状況", "year": "年",
          "month": "月", "vendor": "委託先・ベンダー"}


class QueryError(ValueError):
    """A search the user can correct (too long, an unknown facet value, a date that is none)."""


@dataclass(frozen=True)
class Query:
    q: str = ""
    category: tuple[str, ...] = ()
    data_type: tuple[str, ...] = ()
    leak: tuple[str, ...] = ()
    supply_chain: bool | None = None
    year: tuple[str, ...] = ()
    month: tuple[str, ...] = ()
    organization: str | None = None
    case: str | None = None
    sort: str = "date"
    page: int = 1
    per_page: int = 20
    vendor: tuple[str, ...] = ()
    excluded: tuple[tuple[str, str], ...] = ()  # (facet, value) pairs never shown
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None    # YYYY-MM-DD, inclusive

    def __post_init__(self) -> None:
        # Query(category="ransomware") still reads as one value chosen
        for name in MULTI:
            value = getattr(self, name)
            if value is None or isinstance(value, str):
                object.__setattr__(self, name, () if value is None else (value,))

    def clauses(self) -> tuple[Clause, ...]:
        """The words of `q`: clauses of alternatives (phrases, OR, NOT), folded."""
        return clauses(self.q)

    def terms(self) -> list[str]:
        """The folded words a result should show marked (the ones not excluded)."""
        return [term.text for clause in self.clauses() for term in clause if not term.negated]

    def excluding(self, facet: str) -> tuple[str, ...]:
        return tuple(value for name, value in self.excluded if name == facet)

    def with_(self, **changes) -> "Query":
        return replace(self, **changes)

    def params(self) -> list[tuple[str, str]]:
        """The query as URL parameters (each chosen value once), for links and pagers."""
        out = [("q", self.q)] if self.q else []
        for name in MULTI:
            out += [(name, value) for value in getattr(self, name)]
        out += [(EXCLUDE + name, value) for name, value in self.excluded]
        if self.supply_chain is not None:
            out.append(("supply_chain", str(self.supply_chain).lower()))
        out += [(name, value) for name, value in (("from", self.date_from),
                                                   ("to", self.date_to)) if value]
        if self.sort != "date":
            out.append(("sort", self.sort))
        return out


def parse(params: Mapping[str, str] | Iterable[tuple[str, str]]) -> Query:
    """A query from URL parameters (a mapping, or pairs when a name repeats), checked; raises
    QueryError with a message to show."""
    pairs = list(params.multi_items() if hasattr(params, "multi_items")
                 else params.items() if isinstance(params, Mapping) else params)
    for name, given in pairs:
        if _CONTROL.search(given or ""):
            raise QueryError(f"{name}: control characters (such as NUL) are not allowed")
    given: dict[str, list[str]] = {}
    for name, value in pairs:
        if (value or "").strip():
            given.setdefault(name, []).append(value.strip())
    single = lambda name: given.get(name, [None])[-1]  # noqa: E731
    q = (single("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise QueryError(f"検索語が長すぎます({MAX_QUERY}文字まで)")
    try:
        clauses(q)
    except TermError as error:
        raise QueryError(str(error)) from None
    years = given.get("year", [])
    if len(years) == 1 and re.fullmatch(r"\d{4}", years[0]):
        # year=2024&month=07, as links made before months carried their year
        given["month"] = [f"{years[0]}-{int(m):02d}" if re.fullmatch(r"0?[1-9]|1[0-2]", m)
                          else m for m in given.get("month", [])]
    chosen = {name: _values(name, given.get(name, [])) for name in MULTI}
    excluded = tuple((name, value) for name in MULTI
                     for value in _values(name, given.get(EXCLUDE + name, [])))
    date_from, date_to = _date(single("from"), "from", False), _date(single("to"), "to", True)
    if date_from and date_to and date_from > date_to:
        raise QueryError(f"期間の始まり({date_from})が終わり({date_to})より後です")
    chain = single("supply_chain")
    if chain not in (None, "true", "false"):
        raise QueryError("supply_chain は true か false で指定してください")
    sort = single("sort") or "date"
    if sort not in SORTS:
        raise QueryError(f"並び順(sort)は {', '.join(SORTS)} のいずれかです")
    page, per_page = _number(single("page"), 1), _number(single("per_page"), 20)
    if not 1 <= page <= 10_000 or not 1 <= per_page <= 100:
        raise QueryError("page は 1〜10000、per_page は 1〜100 で指定してください")
    return Query(q=q, supply_chain=None if chain is None else chain == "true",
                 organization=single("organization"), case=single("case"), sort=sort,
                 page=page, per_page=per_page, excluded=excluded, date_from=date_from,
                 date_to=date_to, **chosen)


def _values(name: str, values: list[str]) -> tuple[str, ...]:
    """The distinct values given for a facet, each checked against what the facet holds."""
    if len(values) > MAX_VALUES:
        raise QueryError(f"{_NAMES[name]}は{MAX_VALUES}個まで選べます")
    known = {"category": CATEGORIES, "data_type": DATA_TYPES, "leak": LEAK_STATUSES}.get(name)
    for value in values:
        if known is not None and value not in known:
            raise QueryError(f"{_NAMES[name]}に「{value}」はありません")
        if name == "year" and not (value == UNDATED or re.fullmatch(r"\d{4}", value)):
            raise QueryError(f"年は4桁の数字か {UNDATED}(日付不明)で指定してください: {value}")
        if name == "month" and not _MONTH.fullmatch(value):
            raise QueryError(f"月は YYYY-MM(例: 2024-07)で指定してください: {value}")
        if name == "vendor" and len(value) > MAX_QUERY:
            raise QueryError(f"委託先・ベンダー名が長すぎます({MAX_QUERY}文字まで)")
    return tuple(dict.fromkeys(values))


def _date(given: str | None, name: str, last: bool) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as one day: the first day of the span, or the last."""
    if given is None:
        return None
    found = _DATE.fullmatch(given)
    year, month, day = found.groups() if found else (None, None, None)
    try:
        if year is None:
            raise ValueError(given)
        month_number = int(month) if month else (12 if last else 1)
        days = calendar.monthrange(int(year), month_number)[1] if 1 <= month_number <= 12 \
            else 0
        day_number = int(day) if day else (days if last else 1)
        if not (1 <= month_number <= 12 and 1 <= day_number <= days):
            raise ValueError(given)
    except ValueError:
        raise QueryError(f"{name} の日付が読めません: {given}"
                         "(YYYY、YYYY-MM、YYYY-MM-DD のいずれかで指定してください)") from None
    return f"{int(year):04d}-{month_number:02d}-{day_number:02d}"


def _number(given: str | None, default: int) -> int:
    try:
        return int(given or default)
    except ValueError:
        raise QueryError("page と per_page は数字で指定してください") from None

