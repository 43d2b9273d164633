"""Search over stored releases: full text (trigram, and character pairs for short terms),
facets with counts, sorting and pages. SQLite's FTS5 does the text matching."""
from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace

import numpy as np

from jikenbo.record import CATEGORIES, DATA_TYPES, LEAK_STATUSES
from jikenbo.store.fold import SIGNATURE, searchable
from jikenbo.store.terms import FIELD_WORDS, MAX_TERMS, Clause, TermError, clauses  # noqa: F401

MAX_QUERY = 200
SORTS = ("date", "affected", "added")  # added: when first stored, newest first
FACETS = ("category", "data_type", "leak", "supply_chain", "year", "month")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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

    def clauses(self) -> tuple[Clause, ...]:
        """The words of `q`: clauses of alternatives (phrases, OR, NOT), folded."""
        return clauses(self.q)

    def terms(self) -> list[str]:
        """The folded words a result should show marked (the ones not excluded)."""
        return [term.text for clause in self.clauses() for term in clause if not term.negated]

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
    for name, given in params.items():
        if _CONTROL.search(given or ""):
            raise QueryError(f"{name}: control characters (such as NUL) are not allowed")
    q = (params.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise QueryError(f"検索語が長すぎます({MAX_QUERY}文字まで)")
    try:
        clauses(q)
    except TermError as error:
        raise QueryError(str(error)) from None
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
    """The distinct characters and character pairs of normalised, folded text, as tokens."""
    text = searchable(text)
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
               (rowid, searchable(heading), searchable(text)))
    db.execute("INSERT INTO release_grams(rowid, grams) VALUES (?, ?)", (rowid, grams(text)))
    db.execute("UPDATE releases SET searchable = 1 WHERE rowid = ?", (rowid,))


def refold(db: sqlite3.Connection) -> None:
    """Empty a search index folded by other rules (an older variants.json) and mark every
    release to be indexed again; the database's user_version records the rules in use."""
    if db.execute("PRAGMA user_version").fetchone()[0] == SIGNATURE:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SIGNATURE:
            db.execute("INSERT INTO release_fts(release_fts) VALUES ('delete-all')")
            db.execute("INSERT INTO release_grams(release_grams) VALUES ('delete-all')")
            db.execute("UPDATE releases SET searchable = 0")
            db.execute(f"PRAGMA user_version = {int(SIGNATURE)}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@contextmanager
def _snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so that every statement inside sees the same database: a writer
    committing between reading MAX(rowid) and the rows would otherwise give an index whose
    rows lie past its version (an IndexError, HTTP 500, while ingests run)."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")


def _sqlite_term(term: str) -> tuple[str, str]:
    """FTS5: the trigram table for 3+ characters, the character/pair grams for shorter
    words, headings for a short word with punctuation in it."""
    if len(term) >= 3:
        return ("SELECT group_concat(rowid) FROM release_fts WHERE release_fts MATCH ?",
                _phrase(term))
    if term.isalnum():
        return ("SELECT group_concat(rowid) FROM release_grams WHERE release_grams MATCH ?",
                _phrase(term))
    return "SELECT group_concat(rowid) FROM releases WHERE instr(lower(heading), ?) > 0", term


@dataclass(frozen=True)
class Dialect:
    """The statements a backend answers the search with. Each list statement returns one
    comma-separated list of release rowids; `snapshot(db)` holds one read view open."""

    incidents: str
    version: str
    term: Callable[[str], tuple[str, str]]
    organization: str
    case: str
    snapshot: Callable[[object], AbstractContextManager]


SQLITE = Dialect(
    incidents=("SELECT rowid, id, published, leak_status, supply_chain, affected_count, "
               "ingested_at FROM releases WHERE is_incident = 1 "
               "ORDER BY published IS NULL, published DESC, rowid DESC"),
    version="SELECT COALESCE(MAX(rowid), 0) FROM releases",
    term=_sqlite_term,
    organization="SELECT group_concat(rowid) FROM releases WHERE organization = ?",
    case=("SELECT group_concat(r.rowid) FROM case_members m "
          "JOIN releases r ON r.id = m.release_id WHERE m.number = ?"),
    snapshot=_snapshot)


class FacetIndex:
    """Every incident release as a bit position (newest first), and a bit mask per facet value.

    A search is then a few `&` of Python integers and a `bit_count()` per facet value, so its
    cost hardly depends on how many releases match. Turning the rowids a full-text match
    returns into a mask is done by numpy, as is picking a page by affected count. Built once
    per database version (the highest release rowid, and the count of curators' corrections,
    the only changes of stored records) and shared by all threads.
    """

    def __init__(self, db: sqlite3.Connection, version: int, dialect: Dialect = SQLITE) -> None:
        self.version = version
        self.stamp: tuple[int, str] = (version, "0")  # set by facet_index
        self.dialect = dialect
        rows = db.execute(dialect.incidents).fetchall()
        self.size = len(rows)
        self.ids = [row[1] for row in rows]
        # position of each rowid (-1: not an incident release); one slot past the end for rowids
        # added after this version was built.
        self.position = np.full(version + 2, -1, dtype=np.int64)
        self.position[np.fromiter((row[0] for row in rows), np.int64, self.size)] = np.arange(
            self.size)
        values: dict[tuple[str, str], list[int]] = {}
        for index, (_, _, published, leak, chain, _, _) in enumerate(rows):
            values.setdefault(("leak", leak), []).append(index)
            values.setdefault(("supply_chain", "true" if chain else "false"), []).append(index)
            if published:
                values.setdefault(("year", published[:4]), []).append(index)
                values.setdefault(("month", published[5:7]), []).append(index)
        by_id = {row[1]: index for index, row in enumerate(rows)}
        for facet, table, column in (("category", "release_categories", "category"),
                                     ("data_type", "release_data_types", "data_type")):
            for release_id, value in db.execute(f"SELECT release_id, {column} FROM {table}"):
                if release_id in by_id:
                    values.setdefault((facet, value), []).append(by_id[release_id])
        self.masks = {key: self.mask(np.array(positions, dtype=np.int64))
                      for key, positions in values.items()}
        self.by_facet: dict[str, list[tuple[str, int]]] = {}
        for (facet, value), mask in self.masks.items():
            self.by_facet.setdefault(facet, []).append((value, mask))
        self.all = (1 << self.size) - 1
        affected = np.array([-1 if row[5] is None else row[5] for row in rows], dtype=np.int64)
        # most affected first, unknown counts last, newest first among equals (stable sort)
        self.by_affected = np.argsort(-affected, kind="stable")
        # first stored, newest first (a release added today about last year comes first)
        self.by_added = np.array(sorted(range(self.size), key=lambda i: (rows[i][6], rows[i][0]),
                                        reverse=True), dtype=np.int64)
        self._terms: dict[str, int] = {}
        self._lock = threading.Lock()

    def mask(self, positions: np.ndarray) -> int:
        bits = np.zeros(self.size, dtype=bool)
        bits[positions] = True
        return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")

    def rowids(self, db: sqlite3.Connection, sql: str, argument: str) -> int:
        """The mask of the incident releases whose rowids `sql` returns as one list."""
        listed = db.execute(sql, (argument,)).fetchone()[0]
        if not listed:
            return 0
        rowids = np.fromstring(listed, dtype=np.int64, sep=",")
        positions = self.position[np.minimum(rowids, len(self.position) - 1)]
        return self.mask(positions[positions >= 0])

    def term(self, db: sqlite3.Connection, term: str) -> int:
        """The releases containing a term (recently asked terms are kept)."""
        with self._lock:
            found = self._terms.get(term)
        if found is not None:
            return found
        found = self.rowids(db, *self.dialect.term(term))
        with self._lock:
            if len(self._terms) >= 512:
                self._terms.pop(next(iter(self._terms)))
            self._terms[term] = found
        return found

    def pick(self, matched: int, sort: str, skip: int, take: int) -> list[str]:
        """Release ids of the `take` matches after `skip`, newest or most affected first."""
        packed = np.frombuffer(matched.to_bytes((self.size + 7) // 8 or 1, "little"), np.uint8)
        bits = np.unpackbits(packed, bitorder="little")[:self.size].astype(bool)
        if sort == "affected":
            order = self.by_affected[bits[self.by_affected]]
        elif sort == "added":
            order = self.by_added[bits[self.by_added]]
        else:
            order = np.flatnonzero(bits)
        return [self.ids[position] for position in order[skip:skip + take].tolist()]


_INDEXES: dict[str, FacetIndex] = {}
_BUILDING = threading.Lock()


def facet_index(db: sqlite3.Connection, key: str, dialect: Dialect = SQLITE) -> FacetIndex:
    with dialect.snapshot(db):
        version = db.execute(dialect.version).fetchone()[0]
        # a curator's correction changes stored values in place (store/curation.py counts them)
        edits = db.execute("SELECT value FROM store_state WHERE name = 'record_edits'").fetchone()
        stamp = (version, edits[0] if edits else "0")
        index = _INDEXES.get(key)
        if index is None or index.stamp != stamp:
            with _BUILDING:
                index = _INDEXES.get(key)
                if index is None or index.stamp != stamp:
                    index = FacetIndex(db, version, dialect)
                    index.stamp = stamp
                    _INDEXES[key] = index
    return index


def _any(index: FacetIndex, db: sqlite3.Connection, clause: Clause) -> int:
    """The releases matching any term of a clause: its text, or the field the word names."""
    found = 0
    for term in clause:
        matches = index.term(db, term.text)
        for facet_value in FIELD_WORDS.get(term.text, ()):
            matches |= index.masks.get(facet_value, 0)
        found |= index.all & ~matches if term.negated else matches
    return found


def search(db: sqlite3.Connection, query: Query, facets: Iterable[str] = FACETS,
           key: str = "", dialect: Dialect = SQLITE) -> Result:
    index = facet_index(db, key, dialect)
    matched = index.all
    for clause in query.clauses():
        matched &= _any(index, db, clause)
    chain = None if query.supply_chain is None else str(query.supply_chain).lower()
    for facet, value in (("category", query.category), ("data_type", query.data_type),
                         ("leak", query.leak), ("supply_chain", chain), ("year", query.year),
                         ("month", query.month)):
        if value is not None:
            matched &= index.masks.get((facet, value), 0)
    if query.organization:
        matched &= index.rowids(db, dialect.organization, query.organization)
    if query.case:
        matched &= index.rowids(db, dialect.case, query.case)
    counts: dict[str, list[tuple[str, int]]] = {}
    for name in facets:
        found = [(value, (matched & mask).bit_count())
                 for value, mask in index.by_facet.get(name, ())]
        found = [(value, count) for value, count in found if count]
        found.sort(key=lambda item: item[0], reverse=name == "year")
        if name in ("category", "data_type", "leak"):
            found.sort(key=lambda item: -item[1])
        counts[name] = found
    ids = index.pick(matched, query.sort, (query.page - 1) * query.per_page, query.per_page)
    return Result(query, matched.bit_count(), ids, counts)
