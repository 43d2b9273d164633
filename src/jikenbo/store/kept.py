"""Answers to costly search terms, kept in the casebook (table kept_terms).

A term in most releases costs its first lookup the most: at a million releases 不正アクセス
(527,000 releases) took 0.1–0.3 s on SQLite's FTS5 and 4–9 s on PostgreSQL, where pg_trgm
reads every matching text again. A server process keeps the answers it worked out
(store/search.py), but only for one version of the casebook, and only for itself: the next
ingest, a restart or another web worker paid the whole lookup again.

So the rowids of a term that matched at least KEEP_AT releases are stored with the highest
rowid they cover (`upto`). Releases are only added, with higher rowids, so a kept answer stays
true for every rowid up to `upto` and is brought up to date by looking the term up among the
releases added since (`rowid > upto`), which costs as many releases as were added. A release's
text changes in place only when a new version of it is stored; that bumps the store's
`text_changes` count (as refolding changes the fold signature), and an answer kept under
another `stamp` is not used.

Keeping an answer is a courtesy of a reader to the next: it is written outside any write
transaction, never waits for a writer (SQLite) and never moves the change counter other
caches key on (PostgreSQL, whose write is store/postgres/search.py's); when it cannot be
written now it is simply not kept.
"""
from __future__ import annotations

import os
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# a term matching at least this many releases is kept ($JIKENBO_KEEP_AT)
KEEP_AT = int(os.environ.get("JIKENBO_KEEP_AT") or 2_000)
KEPT_MOST = 2_000    # terms kept at most; those kept longest ago go first
REFRESHED_MOST = 200  # kept answers an ingest brings up to date at a time, costliest first
# releases added since a kept answer before it is stored again, or 1% ($JIKENBO_KEEP_REWRITE_AT)
REWRITE_AT = int(os.environ.get("JIKENBO_KEEP_REWRITE_AT") or 1_000)
REWRITE_SHARE = 100  # the 1%: a kept answer's rowids divided by this
TEXT_CHANGES = "text_changes"  # store_state: new versions stored (texts changed in place)

READ = "SELECT stamp, upto, bits FROM kept_terms WHERE term = ?"


@dataclass(frozen=True)
class Kept:
    stamp: str
    upto: int
    rowids: np.ndarray  # sorted, all <= upto


def encode(rowids: np.ndarray, upto: int) -> bytes:
    """The rowids as a bitmap of 0…upto, compressed (125 kB raw at a million releases)."""
    bits = np.zeros(upto + 1, dtype=bool)
    bits[rowids] = True
    return zlib.compress(np.packbits(bits, bitorder="little").tobytes(), 1)


def decode(data: bytes, upto: int) -> np.ndarray:
    packed = np.frombuffer(zlib.decompress(bytes(data)), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(packed, bitorder="little")[:upto + 1])


def read(db, term: str) -> Kept | None:
    row = db.execute(READ, (term,)).fetchone()
    if row is None:
        return None
    try:
        return Kept(row[0], int(row[1]), decode(row[2], int(row[1])))
    except (zlib.error, ValueError):  # a damaged entry is looked up again, and replaced
        return None


def listed(text: str | None) -> np.ndarray:
    """The rowids of a comma-separated list (what the backends' term statements return)."""
    if not text:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def answer(db, term: str, version: int, stamp: str,
           full: Callable[[], np.ndarray], since: Callable[[int], np.ndarray],
           extend_most: int, write: Callable[[tuple], None], ended: bool = False) -> np.ndarray:
    """The rowids up to `version` of the releases containing `term`: the kept answer, brought
    up to date by `since(upto)` when at most `extend_most` releases were added after it, else
    `full()`. A costly answer is kept (or its newer form replaces the kept one) by `write`;
    `ended`: asked at the end of an ingest (`worth_rewriting`)."""
    kept = read(db, term)
    if kept is not None and kept.stamp != stamp:
        kept = None
    if kept is not None and kept.upto >= version:  # kept by a reader of a newer casebook
        return kept.rowids[:np.searchsorted(kept.rowids, version, "right")]
    if kept is not None and version - kept.upto <= extend_most:
        added = since(kept.upto)
        rowids = np.concatenate([kept.rowids, np.sort(added[added <= version])])
    else:
        found = full()
        rowids = np.sort(found[found <= version])
    if len(rowids) >= KEEP_AT and (kept is None or worth_rewriting(kept.upto, version, ended)):
        write((term, stamp, version, len(rowids), encode(rowids, version)))
    return rowids


def worth_rewriting(upto: int, version: int, ended: bool = False) -> bool:
    """Whether enough was added since an answer was kept to store it again (an ingest of a few
    releases would otherwise rewrite every kept answer for each reader that asks). At the end
    of an ingest (`ended`) REWRITE_AT releases are enough: the readers that follow would
    otherwise each look among up to 1% of the casebook again, on PostgreSQL row by row
    (~130 ms a word at a million releases)."""
    return version - upto >= (REWRITE_AT if ended else max(REWRITE_AT, upto // REWRITE_SHARE))


# -- the backends' writes ------------------------------------------------------------------
UPSERT = ("INSERT INTO kept_terms (term, stamp, upto, matches, bits, kept_at) "
          "VALUES ({0}, {0}, {0}, {0}, {0}, {1}) ON CONFLICT (term) DO UPDATE SET "
          "stamp = excluded.stamp, upto = excluded.upto, matches = excluded.matches, "
          "bits = excluded.bits, kept_at = excluded.kept_at")
# (a reader of an older version may replace a newer answer: still true, only less up to date)
TRIM = ("DELETE FROM kept_terms WHERE term IN (SELECT term FROM kept_terms "
        "ORDER BY kept_at DESC, term LIMIT -1 OFFSET {0})")


def write_sqlite(db, values: tuple) -> None:
    """Keep an answer in SQLite when no writer holds the database this moment (PostgreSQL's
    is store/postgres/search.py's)."""
    if db.in_transaction:
        return
    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(UPSERT.format("?", "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"), values)
            db.execute(TRIM.format(KEPT_MOST))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    except sqlite3.Error:  # busy, read-only, or full: not kept this time
        pass
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")
