"""How PostgreSQL answers store/search.py: pg_trgm for terms of three characters or more,
the character/pair grams array for shorter ones, both in the table release_search (migration
0006). Parsing, folding, facets, sorting and pages are store/search.py's own, so results equal
SQLite's."""
from __future__ import annotations

import numpy as np
import psycopg

from jikenbo.store import kept
from jikenbo.store.fold import searchable
from jikenbo.store.search import TAGS, Dialect, grams

_SEPARATOR = "\x1f"  # between heading and text; a query cannot hold control characters


def folded(heading: str, text: str) -> str:
    """What a 3+ character term is looked for in (a pg_trgm GIN index answers LIKE on it)."""
    return searchable(heading) + _SEPARATOR + searchable(text)


# The grams go to the server as their space-separated text (no gram holds a space), split there:
# sending ~1,000 strings as a text[] costs the ingesting process more than computing them.
GRAMS = "string_to_array(?, ' ')"


def gram_text(text: str) -> str:
    """The distinct characters and character pairs, space-separated (for GRAMS)."""
    return grams(text)


def gram_list(text: str) -> list[str]:
    """The distinct characters and character pairs (a GIN index answers `grams @> ARRAY[…]`)."""
    return grams(text).split()


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# Among the releases added since a kept answer (store/kept.py): the rowid range first, each of
# its rows then tested. The expressions keep the planner off the GIN indexes, which it would
# read whole (pg_trgm guesses that a Japanese pattern matches a few dozen rows).
_SINCE = "SELECT string_agg(rowid::text, ',') FROM {} WHERE {} AND rowid > ? AND rowid <= ?"
EXTEND_MOST = 20_000  # rows tested one by one (~15 µs each, the text read from TOAST)
# An ingest bringing kept answers up to date waits for no reader: it tests rows one by one
# while that costs less than a common word's lookup in full (4–9 s at a million releases).
REFRESH_MOST = 200_000


def _is_gram(term: str) -> bool:
    """Whether a term is one of the grams (`gram_list`): looked up in the grams array."""
    return len(term) < 3 and term.isalnum()


def _term(term: str) -> tuple[str, str, str]:
    if len(term) >= 3:  # pg_trgm, or the table
        return ("SELECT jikenbo_text_rowids(?)",
                _SINCE.format("release_search", "(folded || '') LIKE ?"), _like(term))
    if _is_gram(term):  # the GIN index, never a whole-table read
        return ("SELECT jikenbo_gram_rowids(?)",
                _SINCE.format("release_search", "? = ANY (grams)"), term)
    return ("SELECT string_agg(rowid::text, ',') FROM releases "
            "WHERE strpos(lower(heading), ?) > 0",
            _SINCE.format("releases", "strpos(lower(heading), ?) > 0"), term)


# The rowids in (?, ?] of each of several character/pair grams, each row's grams read once and
# matched in a hash of the terms: `? = ANY (grams)` per term read every row's ~1,000 grams once
# per term (an ingest's refresh of 195 kept grams over 8,700 rows: 16 s, and 1.4 s so).
_GRAMS_SINCE = ("SELECT t.gram, string_agg(s.rowid::text, ',') FROM release_search s "
                "CROSS JOIN LATERAL unnest(s.grams) AS g(gram) "
                "JOIN unnest(?::text[]) AS t(gram) ON t.gram = g.gram "
                "WHERE s.rowid > ? AND s.rowid <= ? GROUP BY t.gram")


def _many_since(db, terms: list[str], low: int, high: int) -> dict[str, np.ndarray]:
    """Of `terms`, the grams' rowids in (low, high] (an empty array for a gram in none):
    what `_term`'s statement among rowids gives each of them, in one statement."""
    grams = [term for term in terms if _is_gram(term)]
    if not grams:
        return {}
    found = dict(db.execute(_GRAMS_SINCE, (grams, low, high)).fetchall())
    return {gram: kept.listed(found.get(gram)) for gram in grams}


def _keep(db, values: tuple) -> None:
    """Keep a costly term's answer (store/kept.py): a transaction of its own on the
    connection, outside `writing()`, so it neither waits for an ingest's lock nor moves
    store_changes."""
    if db.in_transaction:
        return
    try:
        with db.connection.transaction():
            db.connection.execute(kept.UPSERT.format("%s", "now()"), values)
            db.connection.execute(kept.TRIM.replace("LIMIT -1 OFFSET {0}", "OFFSET {0}")
                                  .format(kept.KEPT_MOST))
    except psycopg.Error:  # read-only, a lost connection, a conflict: not kept this time
        pass


POSTGRES = Dialect(
    incidents=("SELECT rowid, id, published, leak_status, supply_chain, affected_count, "
               "ingested_at, vendors FROM releases WHERE rowid > ? AND rowid <= ? "
               "AND is_incident ORDER BY rowid"),
    tags=TAGS,
    version="SELECT COALESCE(MAX(rowid), 0) FROM releases",
    term=_term,
    organization="SELECT string_agg(rowid::text, ',') FROM releases WHERE organization = ?",
    case=("SELECT string_agg(r.rowid::text, ',') FROM case_members m "
          "JOIN releases r ON r.id = m.release_id WHERE m.number = ?"),
    snapshot=lambda db: db.snapshot(),
    keep=_keep,
    extend_most=EXTEND_MOST,
    refresh_most=REFRESH_MOST,
    many_since=_many_since)
