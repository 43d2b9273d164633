"""Search over stored releases: full text (trigram, and character pairs for short terms),
facets with counts, sorting and pages. SQLite's FTS5 does the text matching."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from jikenbo.normalize import nfkc
from jikenbo.record import CATEGORIES, DATA_TYPES, LEAK_STATUSES

MAX_QUERY = 200
MAX_TERMS = 8
SORTS = ("date", "affected")
FACETS = ("category", "data_type", "leak", "supply_chain", "year", "month")


class QueryError(ValueError):
    """A search the user can correct (too long, an unknown facet value)."""


@dataclass(frozen=True)
class Query:
    q: str = ""
    category: str | None = None
    data_type: str | None = None
    leak: str | None = None
    supply_chain: bool | None = None
    year: str | None = None
    month: str | None = None
    organization: str | None = None
    case: str | None = None
    sort: str = "date"
    page: int = 1
    per_page: int = 20

    def terms(self) -> list[str]:
        return nfkc(self.q).lower().split()[:MAX_TERMS]

    def with_(self, **changes) -> "Query":
        return replace(self, **changes)


@dataclass
class Result:
    query: Query
    total: int
    ids: list[str]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def parse(params: dict[str, str]) -> Query:
    """A query from URL parameters, checked; raises QueryError with a message to show."""
    q = (params.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise QueryError(f"検索語が長すぎます({MAX_QUERY}文字まで)")
    value = lambda name: (params.get(name) or "").strip() or None  # noqa: E731
    category, data_type, leak = value("category"), value("data_type"), value("leak")
    if category and category not in CATEGORIES:
        raise QueryError(f"unknown category {category!r}")
    if data_type and data_type not in DATA_TYPES:
        raise QueryError(f"unknown data type {data_type!r}")
    if leak and leak not in LEAK_STATUSES:
        raise QueryError(f"unknown leak status {leak!r}")
    year, month = value("year"), value("month")
    if year and not re.fullmatch(r"\d{4}", year):
        raise QueryError("year must be four digits")
    if month and not re.fullmatch(r"0[1-9]|1[0-2]", month.zfill(2)):
        raise QueryError("month must be 01–12")
    chain = value("supply_chain")
    if chain not in (None, "true", "false"):
        raise QueryError("supply_chain must be true or false")
    sort = value("sort") or "date"
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}")
    try:
        page = int(value("page") or 1)
        per_page = int(value("per_page") or 20)
    except ValueError:
        raise QueryError("page and per_page must be numbers") from None
    if not 1 <= page <= 10_000 or not 1 <= per_page <= 100:
        raise QueryError("page must be 1–10000 and per_page 1–100")
    return Query(q, category, data_type, leak, None if chain is None else chain == "true",
                 year, month.zfill(2) if month else None, value("organization"), value("case"),
                 sort, page, per_page)


def grams(text: str) -> str:
    """The distinct characters and character pairs of normalised text, as tokens."""
    text = nfkc(text).lower()
    seen: dict[str, None] = {}
    for index, char in enumerate(text):
        if not char.isalnum():
            continue
        seen.setdefault(char)
        following = text[index + 1:index + 2]
        if following.isalnum():
            seen.setdefault(char + following)
    return " ".join(seen)


def index_release(db: sqlite3.Connection, rowid: int, heading: str, text: str) -> None:
    db.execute("INSERT INTO release_fts(rowid, heading, body) VALUES (?, ?, ?)",
               (rowid, nfkc(heading).lower(), nfkc(text).lower()))
    db.execute("INSERT INTO release_grams(rowid, grams) VALUES (?, ?)", (rowid, grams(text)))
    db.execute("UPDATE releases SET searchable = 1 WHERE rowid = ?", (rowid,))


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _conditions(query: Query) -> tuple[list[str], list[object]]:
    where, args = ["r.is_incident = 1"], []
    for term in query.terms():
        if len(term) >= 3:
            where.append("r.rowid IN (SELECT rowid FROM release_fts WHERE release_fts MATCH ?)")
            args.append(_phrase(term))
        elif term.isalnum():
            where.append("r.rowid IN (SELECT rowid FROM release_grams WHERE release_grams MATCH ?)")
            args.append(_phrase(term))
        else:  # a short term with punctuation in it: look in headings
            where.append("instr(lower(r.heading), ?) > 0")
            args.append(term)
    if query.category:
        where.append("r.id IN (SELECT release_id FROM release_categories WHERE category = ?)")
        args.append(query.category)
    if query.data_type:
        where.append("r.id IN (SELECT release_id FROM release_data_types WHERE data_type = ?)")
        args.append(query.data_type)
    if query.leak:
        where.append("r.leak_status = ?")
        args.append(query.leak)
    if query.supply_chain is not None:
        where.append("r.supply_chain = ?")
        args.append(int(query.supply_chain))
    if query.year:
        start = f"{query.year}-{query.month or '01'}-01"
        end = (f"{query.year}-{int(query.month) + 1:02d}-01" if query.month and query.month != "12"
               else f"{int(query.year) + 1}-01-01")
        where.append("r.published >= ? AND r.published < ?")
        args.extend((start, end))
    elif query.month:
        where.append("substr(r.published, 6, 2) = ?")
        args.append(query.month)
    if query.organization:
        where.append("r.organization = ?")
        args.append(query.organization)
    if query.case:
        where.append("r.id IN (SELECT release_id FROM case_members WHERE number = ?)")
        args.append(query.case)
    return where, args


_FACET_SQL = {
    "category": "SELECT c.category, COUNT(*) FROM m JOIN release_categories c "
                "ON c.release_id = m.id GROUP BY 1",
    "data_type": "SELECT d.data_type, COUNT(*) FROM m JOIN release_data_types d "
                 "ON d.release_id = m.id GROUP BY 1",
    "leak": "SELECT leak_status, COUNT(*) FROM m GROUP BY 1",
    "supply_chain": "SELECT CASE supply_chain WHEN 1 THEN 'true' ELSE 'false' END, COUNT(*) "
                    "FROM m GROUP BY 1",
    "year": "SELECT substr(published, 1, 4), COUNT(*) FROM m WHERE published IS NOT NULL "
            "GROUP BY 1 ORDER BY 1 DESC",
    "month": "SELECT substr(published, 6, 2), COUNT(*) FROM m WHERE published IS NOT NULL "
             "GROUP BY 1 ORDER BY 1",
}


def search(db: sqlite3.Connection, query: Query, facets: Iterable[str] = FACETS) -> Result:
    where, args = _conditions(query)
    matched = (f"SELECT r.id, r.published, r.leak_status, r.supply_chain, r.affected_count "
               f"FROM releases r WHERE {' AND '.join(where)}")
    order = ("r.affected_count IS NULL, r.affected_count DESC, r.published DESC"
             if query.sort == "affected" else "r.published IS NULL, r.published DESC, r.rowid DESC")
    rows = db.execute(f"SELECT r.id FROM releases r WHERE {' AND '.join(where)} ORDER BY {order} "
                      "LIMIT ? OFFSET ?",
                      (*args, query.per_page, (query.page - 1) * query.per_page)).fetchall()
    total = db.execute(f"SELECT COUNT(*) FROM releases r WHERE {' AND '.join(where)}",
                       args).fetchone()[0]
    counts = {}
    for name in facets:
        found = db.execute(f"WITH m AS ({matched}) {_FACET_SQL[name]}", args).fetchall()
        counts[name] = [(str(value), count) for value, count in found if value is not None]
    return Result(query, total, [row[0] for row in rows], counts)
