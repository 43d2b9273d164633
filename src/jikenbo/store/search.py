"""Search over stored releases: full text (trigram, and character pairs for short terms),
facets with counts, sorting and pages. SQLite's FTS5 does the text matching."""
from __future__ import annotations

import functools
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

import numpy as np

from jikenbo.store import kept
from jikenbo.store.facet_columns import Columns, layout
from jikenbo.store.fold import SIGNATURE, searchable
from jikenbo.store.query import (MAX_QUERY, MULTI, SORTS, UNDATED, Query,  # noqa: F401
                                 QueryError, parse)
from jikenbo.store.terms import FIELD_WORDS, MAX_TERMS, Clause, TermError, clauses  # noqa: F401

FACETS = ("category", "data_type", "leak", "supply_chain", "year", "month")


@dataclass
class Result:
    query: Query
    total: int
    ids: list[str]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def grams(text: str) -> str:
    """The distinct characters and character pairs of normalised, folded text, as tokens."""
    return folded_grams(searchable(text))


def folded_grams(folded: str) -> str:
    """`grams` of text already made `searchable`: its distinct alphanumeric characters, then its
    distinct pairs of them, each in order of first appearance. Order is irrelevant to the index
    (detail=none keeps no positions) but fixed, so that the same text gives the same tokens.

    The text is read as an array of code points and every step (distinct, first appearance,
    alphanumeric, the output string) is an array operation: a release is indexed once per
    ingest, and building a string per pair in Python took a tenth of a worker's time.

    `folded_grams("a-bc")` is "a b c bc": "a-" and "-b" are not pairs of alphanumerics."""
    if not folded:
        return ""
    codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    distinct, first, where = np.unique(codes, return_index=True, return_inverse=True)
    alnum = _alphanumeric(distinct)
    characters = distinct[alnum][np.argsort(first[alnum])]
    both = alnum[where]  # a pair is alphanumeric when both its characters are (str.isalnum)
    keys = (codes[:-1].astype(np.uint64) << np.uint64(32)) | codes[1:]
    pairs, first_pair = np.unique(keys[both[:-1] & both[1:]], return_index=True)
    pairs = pairs[np.argsort(first_pair)]
    out = np.empty(2 * len(characters) + 3 * len(pairs), dtype=np.uint32)
    out[:2 * len(characters):2] = characters
    out[1:2 * len(characters):2] = ord(" ")
    tokens = out[2 * len(characters):].reshape(-1, 3)
    tokens[:, 0] = pairs >> np.uint64(32)
    tokens[:, 1] = pairs & np.uint64(0xFFFFFFFF)
    tokens[:, 2] = ord(" ")
    return out.tobytes().decode("utf-32-le", "surrogatepass")[:-1]  # no space after the last


def _alphanumeric(codes: np.ndarray) -> np.ndarray:
    """`chr(code).isalnum()` for each of the sorted distinct `codes`."""
    if codes[-1] < 0x10000:
        return _bmp_alphanumeric()[codes]
    return np.fromiter((chr(code).isalnum() for code in codes.tolist()), bool, len(codes))


@functools.cache
def _bmp_alphanumeric() -> np.ndarray:
    """`isalnum` of every character of the Basic Multilingual Plane, computed on first use."""
    return np.fromiter((chr(code).isalnum() for code in range(0x10000)), bool, 0x10000)


def index_release(db: sqlite3.Connection, rowid: int, heading: str, text: str) -> None:
    index_releases(db, [(rowid, searchable(heading), searchable(text), grams(text))])


def index_releases(db: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str]],
                   mark: bool = True) -> None:
    """Index releases given as (rowid, folded heading, folded text, grams), one statement each
    for all rows (`store.rows.StoredColumns` carries the folded forms); `mark` False when the
    rows were inserted already marked searchable."""
    rows = list(rows)
    db.executemany("INSERT INTO release_fts(rowid, heading, body) VALUES (?, ?, ?)",
                   [row[:3] for row in rows])
    db.executemany("INSERT INTO release_grams(rowid, grams) VALUES (?, ?)",
                   [(row[0], row[3]) for row in rows])
    if mark:
        db.executemany("UPDATE releases SET searchable = 1 WHERE rowid = ?",
                       [(row[0],) for row in rows])


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


def _sqlite_term(term: str) -> tuple[str, str, str]:
    """FTS5: the trigram table for 3+ characters, the character/pair grams for shorter
    words, headings for a short word with punctuation in it. FTS5 seeks to a rowid range
    in its lists, so looking among the releases added since costs as many as were added."""
    if len(term) >= 3:
        table, argument = "release_fts", _phrase(term)
    elif term.isalnum():
        table, argument = "release_grams", _phrase(term)
    else:
        select = "SELECT group_concat(rowid) FROM releases WHERE instr(lower(heading), ?) > 0"
        return select, select + " AND rowid > ? AND rowid <= ?", term
    select = f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH ?"
    return select, select + " AND rowid > ? AND rowid <= ?", argument


@dataclass(frozen=True)
class Dialect:
    """The statements a backend answers the search with. Each list statement returns one
    comma-separated list of release rowids; `snapshot(db)` holds one read view open."""

    incidents: str  # the incident releases with rowids in (?, ?], in rowid order
    tags: tuple[str, ...]  # (rowid, facet, value) of categories and data types (TAGS)
    version: str
    # a term's (statement, statement among rowids in (?, ?], argument), each one list
    term: Callable[[str], tuple[str, str, str]]
    organization: str
    case: str
    snapshot: Callable[[object], AbstractContextManager]
    keep: Callable[[object, tuple], None]  # store a costly term's answer (store/kept.py)
    extend_most: int  # a kept answer is brought up to date when at most this many were added
    refresh_most: int  # the same, for an ingest bringing kept answers up to date (refresh_kept)
    # of several terms, the rowids in (low, high] of those it answers in one statement
    many_since: Callable[[object, list[str], int, int], dict[str, np.ndarray]] = (
        lambda db, terms, low, high: {})


# (rowid, facet, value) of the categories and data types of the releases with rowids in (?, ?]
# (of every release: those of releases that are no incident are left out by their position)
TAGS = tuple(f"SELECT r.rowid, '{facet}', t.{column} FROM releases r JOIN {table} t "
             "ON t.release_id = r.id WHERE r.rowid > ? AND r.rowid <= ?"
             for facet, table, column in (("category", "release_categories", "category"),
                                          ("data_type", "release_data_types", "data_type")))


SQLITE = Dialect(
    incidents=("SELECT rowid, id, published, leak_status, supply_chain, affected_count, "
               "ingested_at, vendors FROM releases WHERE rowid > ? AND rowid <= ? "
               "AND +is_incident = 1 ORDER BY rowid"),  # `+`: by rowid, not the incident index
    tags=TAGS,
    version="SELECT COALESCE(MAX(rowid), 0) FROM releases",
    term=_sqlite_term,
    organization="SELECT group_concat(rowid) FROM releases WHERE organization = ?",
    case=("SELECT group_concat(r.rowid) FROM case_members m "
          "JOIN releases r ON r.id = m.release_id WHERE m.number = ?"),
    snapshot=_snapshot,
    keep=kept.write_sqlite,
    extend_most=sys.maxsize,  # a lookup among some rowids never costs more than among all
    refresh_most=sys.maxsize)


class FacetIndex:
    """Every incident release as a bit position (newest first), and a bit mask per facet value.

    A search is then a few `&` of Python integers and a `bit_count()` per facet value, so its
    cost hardly depends on how many releases match. Turning the rowids a full-text match
    returns into a mask is done by numpy, as is picking a page by affected count. Built once
    per database version (the highest release rowid, and the count of curators' corrections,
    the only changes of stored records) and shared by all threads; a newer version reads only
    the releases added since (store/facet_columns.py).
    """

    def __init__(self, db: sqlite3.Connection, version: int, dialect: Dialect = SQLITE,
                 columns: Columns | None = None) -> None:
        self.version = version
        self.stamp: tuple[int, str] = (version, "0 0")  # set by facet_index
        self.dialect = dialect
        self.columns = columns or Columns()
        self.columns.read(db, dialect.incidents, dialect.tags, version)
        laid = layout(self.columns)
        self.size = len(laid.order)
        self.ids = [self.columns.ids[column] for column in laid.order.tolist()]
        # position of each rowid (-1: not an incident release); one slot past the end for rowids
        # added after this version was built.
        self.position = laid.position
        self.masks = {key: self.mask(positions) for key, positions in laid.values.items()}
        self.by_facet: dict[str, list[tuple[str, int]]] = {}
        for (facet, value), mask in self.masks.items():
            self.by_facet.setdefault(facet, []).append((value, mask))
        # vendors are many and each names few releases: positions, made a mask when asked for
        self.vendors = laid.vendors
        self.all = (1 << self.size) - 1
        # dated releases come first, newest first: a date range is one run of positions
        self.dates = laid.dates
        # most affected first, unknown counts last, newest first among equals
        self.by_affected = laid.by_affected
        # first stored, newest first (a release added today about last year comes first)
        self.by_added = laid.by_added
        self._terms: dict[str, int] = {}
        self._lock = threading.Lock()
        self.kept_stamp = f"{SIGNATURE} 0"  # set by facet_index: the texts' own version

    def mask(self, positions: np.ndarray) -> int:
        bits = np.zeros(self.size, dtype=bool)
        bits[positions] = True
        return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")

    def rowids(self, db: sqlite3.Connection, sql: str, argument: str) -> int:
        """The mask of the incident releases whose rowids `sql` returns as one list."""
        return self.of_rowids(kept.listed(db.execute(sql, (argument,)).fetchone()[0]))

    def of_rowids(self, rowids: np.ndarray) -> int:
        """The mask of the incident releases among `rowids` (those past the version: none)."""
        positions = self.position[np.minimum(rowids, len(self.position) - 1)]
        return self.mask(positions[positions >= 0])

    def term(self, db: sqlite3.Connection, term: str) -> int:
        """The releases containing a term. Recently asked terms are kept in memory, costly
        ones in the casebook too (store/kept.py), for the next version and other processes."""
        with self._lock:
            found = self._terms.get(term)
        if found is not None:
            return found
        found = self.of_rowids(_kept_answer(db, self.dialect, term, self.version,
                                            self.kept_stamp, self.dialect.extend_most))
        with self._lock:
            if len(self._terms) >= 512:
                self._terms.pop(next(iter(self._terms)))
            self._terms[term] = found
        return found

    def value(self, facet: str, value: str) -> int:
        """The mask of one facet value (0 when no release has it)."""
        if facet == "vendor":
            positions = self.vendors.get(value)
            return 0 if positions is None else self.mask(positions)
        return self.masks.get((facet, value), 0)

    def between(self, first: str | None, last: str | None) -> int:
        """The releases published from `first` to `last` (YYYY-MM-DD, either end open)."""
        dated = len(self.dates)
        low = 0 if first is None else int(np.searchsorted(self.dates, first, "left"))
        high = dated if last is None else int(np.searchsorted(self.dates, last, "right"))
        if high <= low:
            return 0
        return ((1 << (high - low)) - 1) << (dated - high)  # positions run newest first

    def bits(self, matched: int) -> np.ndarray:
        packed = np.frombuffer(matched.to_bytes((self.size + 7) // 8 or 1, "little"), np.uint8)
        return np.unpackbits(packed, bitorder="little")[:self.size].astype(bool)

    def vendor_counts(self, matched: int) -> list[tuple[str, int]]:
        """Each vendor and how many matched releases name it."""
        if matched == self.all:
            return [(name, len(positions)) for name, positions in self.vendors.items()]
        bits = self.bits(matched)
        return [(name, int(bits[positions].sum())) for name, positions in self.vendors.items()]

    def pick(self, matched: int, sort: str, skip: int, take: int) -> list[str]:
        """Release ids of the `take` matches after `skip`, newest or most affected first."""
        bits = self.bits(matched)
        if sort == "affected":
            order = self.by_affected[bits[self.by_affected]]
        elif sort == "added":
            order = self.by_added[bits[self.by_added]]
        else:
            order = np.flatnonzero(bits)
        return [self.ids[position] for position in order[skip:skip + take].tolist()]


def _kept_answer(db, dialect: Dialect, term: str, version: int, stamp: str, extend_most: int,
                 added: np.ndarray | None = None, ended: bool = False) -> np.ndarray:
    """The rowids up to `version` of the releases containing `term`, by the kept answer
    when there is one (store/kept.py), kept or kept again when costly. `added`: the term's
    rowids after the kept answer's, when already looked up."""
    every, since, argument = dialect.term(term)

    def after(upto: int) -> np.ndarray:
        if added is None:
            return kept.listed(db.execute(since, (argument, upto, version)).fetchone()[0])
        return added[added > upto]
    return kept.answer(
        db, term, version, stamp,
        full=lambda: kept.listed(db.execute(every, (argument,)).fetchone()[0]),
        since=after, extend_most=extend_most, write=lambda values: dialect.keep(db, values),
        ended=ended)


def refresh_kept(db, dialect: Dialect = SQLITE, ended: bool = False) -> int:
    """Bring the kept answers that fell behind the releases added up to date, the costliest
    first and at most `kept.REFRESHED_MOST` of them; how many were. An ingest calls it after
    storing releases, and once more when it ends (`ended`, kept.worth_rewriting: then every one
    that is due, so none stays behind until the next ingest's middle): otherwise the
    first search after a large ingest pays for the releases it added (on PostgreSQL an answer
    more than `extend_most` behind is looked up in full, 4–9 s for a common word at a million
    releases), and the ingest does it for fewer rows at a time."""
    if db.in_transaction:  # the caller's write is not committed: nothing to keep yet
        return 0
    with dialect.snapshot(db):
        version = db.execute(dialect.version).fetchone()[0]
        stamp = _kept_stamp(_state(db))
        behind = db.execute("SELECT term, upto FROM kept_terms WHERE stamp = ? AND upto < ? "
                            "ORDER BY matches DESC, term", (stamp, version)).fetchall()
    due = [(term, int(upto)) for term, upto in behind
           if kept.worth_rewriting(int(upto), version, ended)]
    due = due if ended else due[:kept.REFRESHED_MOST]
    # the releases added since the oldest of them that are extended, not looked up in full
    low = min((upto for _, upto in due if version - upto <= dialect.refresh_most), default=None)
    added = {} if low is None else dialect.many_since(db, [term for term, _ in due], low, version)
    for term, _ in due:
        _kept_answer(db, dialect, term, version, stamp, dialect.refresh_most, added.get(term),
                     ended)
    return len(due)


def _state(db) -> dict[str, str]:
    """The counts of changes made in place that the caches key on: a curator's correction
    changes stored values (store/curation.py counts them), a new version of a release its text
    (counted apart: store/kept.py)."""
    return dict(db.execute("SELECT name, value FROM store_state WHERE name IN "
                           f"('record_edits', '{kept.TEXT_CHANGES}')").fetchall())


def _kept_stamp(state: dict[str, str]) -> str:
    """What a kept answer is true for: the folding rules and the texts' own version."""
    return f"{SIGNATURE} {state.get(kept.TEXT_CHANGES, '0')}"


_INDEXES: dict[str, FacetIndex] = {}
_BUILDING = threading.Lock()


def facet_index(db: sqlite3.Connection, key: str, dialect: Dialect = SQLITE) -> FacetIndex:
    with dialect.snapshot(db):
        version = db.execute(dialect.version).fetchone()[0]
        state = _state(db)
        stamp = (version, f"{state.get('record_edits', '0')} {state.get(kept.TEXT_CHANGES, '0')}")
        index = _INDEXES.get(key)
        if index is None or index.stamp != stamp:
            with _BUILDING:
                index = _INDEXES.get(key)
                if index is None or index.stamp != stamp:
                    # releases are only added: the same corrections and a higher rowid read on
                    # from the columns held (a fresh start, as any other change, reads all)
                    grown = (index is not None and index.stamp[1] == stamp[1]
                             and index.version < version)
                    index = FacetIndex(db, version, dialect, index.columns if grown else None)
                    index.stamp = stamp
                    index.kept_stamp = _kept_stamp(state)
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


def _filters(index: FacetIndex, db: sqlite3.Connection, query: Query) -> dict[str, int]:
    """Per filter the query sets, the mask of the releases it lets through. A facet's values
    are joined by OR, its exclusions removed; the filters are then joined by AND."""
    found: dict[str, int] = {}
    asked = query.clauses()
    if asked:
        found["q"] = index.all
        for clause in asked:
            found["q"] &= _any(index, db, clause)
    for name in MULTI:
        chosen, excluded = getattr(query, name), query.excluding(name)
        if chosen or excluded:
            allowed = index.all
            if chosen:
                allowed = 0
                for value in chosen:
                    allowed |= index.value(name, value)
            for value in excluded:
                allowed &= ~index.value(name, value)
            found[name] = allowed
    if query.supply_chain is not None:
        found["supply_chain"] = index.value("supply_chain", str(query.supply_chain).lower())
    if query.date_from or query.date_to:
        found["dates"] = index.between(query.date_from, query.date_to)
    if query.organization:
        found["organization"] = index.rowids(db, index.dialect.organization, query.organization)
    if query.case:
        found["case"] = index.rowids(db, index.dialect.case, query.case)
    return found


def _counts(index: FacetIndex, name: str, matched: int) -> list[tuple[str, int]]:
    """A facet's values with their counts among `matched`, in the order a page lists them."""
    if name == "vendor":
        found = index.vendor_counts(matched)
    else:
        found = [(value, (matched & mask).bit_count())
                 for value, mask in index.by_facet.get(name, ())]
    found = [(value, count) for value, count in found if count]
    if name in ("year", "month"):  # newest first, 日付不明 last
        found.sort(key=lambda item: (item[0] != UNDATED, item[0]), reverse=True)
    else:
        found.sort(key=lambda item: (-item[1], item[0]))
    return found


def search(db: sqlite3.Connection, query: Query, facets: Iterable[str] = FACETS,
           key: str = "", dialect: Dialect = SQLITE) -> Result:
    """The page of releases a query asks for, and each facet's counts. A facet's own counts
    leave out its own filter (disjunctive faceting): with 不正アクセス chosen, ランサムウェア
    still shows how many releases choosing it too would add."""
    index = facet_index(db, key, dialect)
    filters = _filters(index, db, query)
    matched = index.all
    for allowed in filters.values():
        matched &= allowed
    counts: dict[str, list[tuple[str, int]]] = {}
    for name in facets:
        others = index.all
        for filtered, allowed in filters.items():
            if filtered != name:
                others &= allowed
        counts[name] = _counts(index, name, others)
    ids = index.pick(matched, query.sort, (query.page - 1) * query.per_page, query.per_page)
    return Result(query, matched.bit_count(), ids, counts)
