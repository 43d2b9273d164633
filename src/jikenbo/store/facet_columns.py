"""What the search's facet index (store/search.py FacetIndex) is made of: one column entry per
incident release in rowid order, read from the store only for releases added since the last
read, then put in list order and grouped by numpy.

Releases are only ever added, so after an ingest the index reads the new rows alone and
regroups what it holds in memory: a sort and a few passes of numpy over every release, where
a rebuild from scratch read every row and category again and looped over them in Python
(about two seconds at 100,000 releases). A curator's correction changes stored rows in
place; the index then starts again from an empty set of columns.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

import numpy as np

from jikenbo.store.query import UNDATED


READ_ROWIDS = 50_000  # releases' rowids read per statement


@dataclass
class Columns:
    """The facet values of the incident releases read so far, in rowid order; tags and
    vendors as (rowid, …) pairs (a release has any number of them)."""

    version: int = 0  # the highest release rowid read
    rowid: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)  # "" when the release has no date
    leak: list[str] = field(default_factory=list)
    chain: list[bool] = field(default_factory=list)
    affected: list[int] = field(default_factory=list)  # -1 when unknown
    ingested: list[str] = field(default_factory=list)
    tagged: list[int] = field(default_factory=list)  # rowid of each tag, by its number:
    tag: list[int] = field(default_factory=list)     # (facet, value) ↔ number in `tags`
    tags: dict[tuple[str, str], int] = field(default_factory=dict)
    named: list[int] = field(default_factory=list)  # rowid of each name in vendors
    vendors: list[str] = field(default_factory=list)

    def read(self, db: sqlite3.Connection, incidents: str, tags: tuple[str, ...],
             version: int) -> None:
        """Append the incident releases with rowids after `self.version`, up to `version`,
        READ_ROWIDS rowids at a time (the rows as the database returns them cost several times
        the columns: reading a million at once peaked at 2.2 GB); `incidents` and `tags` are the
        backend's statements (search.Dialect)."""
        while self.version < version:
            self._read(db, incidents, tags, min(version, self.version + READ_ROWIDS))

    def _read(self, db: sqlite3.Connection, incidents: str, tags: tuple[str, ...],
              version: int) -> None:
        bounds = (self.version, version)
        rows = db.execute(incidents, bounds).fetchall()
        tagged = [row for statement in tags for row in db.execute(statement, bounds).fetchall()]
        # appended only once both reads succeeded: a failed read leaves the columns as they were
        for rowid, release_id, published, leak, chain, affected, ingested, named in rows:
            self.rowid.append(rowid)
            self.ids.append(release_id)
            self.published.append(published or "")
            self.leak.append(leak)
            self.chain.append(bool(chain))
            self.affected.append(-1 if affected is None else affected)
            self.ingested.append(ingested)
            for vendor in dict.fromkeys(_names(named)):
                self.named.append(rowid)
                self.vendors.append(vendor)
        for rowid, facet, value in tagged:
            self.tagged.append(rowid)
            self.tag.append(self.tags.setdefault((facet, value), len(self.tags)))
        self.version = version


@dataclass(frozen=True)
class Layout:
    """The columns in list order (newest first, undated last) and each facet value's
    positions in it."""

    order: np.ndarray        # column index at each position
    position: np.ndarray     # rowid → position (-1: not an incident release)
    values: dict[tuple[str, str], np.ndarray]
    vendors: dict[str, np.ndarray]
    dates: np.ndarray        # the dated positions' dates, oldest first
    by_affected: np.ndarray  # positions, most affected first, unknown last
    by_added: np.ndarray     # positions, last stored first


def layout(columns: Columns) -> Layout:
    size = len(columns.rowid)
    rowid = np.array(columns.rowid, dtype=np.int64)
    published = np.array(columns.published, dtype=str)
    dated = published != ""
    # ascending by (dated, date, rowid), reversed: dated newest first, then undated newest first
    order = np.lexsort((rowid, published, dated))[::-1]
    place = np.empty(size, dtype=np.int64)
    place[order] = np.arange(size)
    position = np.full(columns.version + 2, -1, dtype=np.int64)
    position[rowid] = place
    year = np.where(dated, published.astype("U4"), UNDATED)
    chain = np.where(np.array(columns.chain, dtype=bool), "true", "false")
    values: dict[tuple[str, str], np.ndarray] = {}
    for facet, keys, where in (("leak", np.array(columns.leak, dtype=str), place),
                               ("supply_chain", chain, place), ("year", year, place),
                               ("month", published[dated].astype("U7"), place[dated])):
        for value, found in _grouped(keys, where).items():
            values[(facet, value)] = found
    tags = list(columns.tags)  # by number
    tag_positions = position[np.array(columns.tagged, np.int64)]
    incident = tag_positions >= 0  # tags of releases that are no incident are read too
    numbers = np.array(columns.tag, np.int64)
    for number, found in _grouped(numbers[incident], tag_positions[incident]).items():
        values[tags[number]] = found
    vendors = _grouped(np.array(columns.vendors, dtype=str),
                       position[np.array(columns.named, np.int64)])
    affected = np.array(columns.affected, dtype=np.int64)[order]
    ingested = np.array(columns.ingested, dtype=str)[order]
    return Layout(order, position, values, vendors,
                  dates=published[order][:int(dated.sum())][::-1],
                  by_affected=np.argsort(-affected, kind="stable"),
                  by_added=np.lexsort((rowid[order], ingested))[::-1])


def _grouped(keys: np.ndarray, positions: np.ndarray) -> dict:
    """The sorted positions of each distinct key: `keys[i]` is the key at `positions[i]`."""
    if not len(keys):
        return {}
    distinct, inverse = np.unique(keys, return_inverse=True)
    by_key = np.argsort(inverse, kind="stable")
    ends = np.cumsum(np.bincount(inverse.ravel(), minlength=len(distinct)))
    starts = np.concatenate(([0], ends[:-1]))
    return {key: np.sort(positions[by_key[start:end]])
            for key, start, end in zip(distinct.tolist(), starts.tolist(), ends.tolist())}


def _names(stored) -> list[str]:
    """A release's vendors as stored: JSON text (SQLite) or an already decoded list (jsonb)."""
    if isinstance(stored, list):
        return stored
    return json.loads(stored) if stored and stored != "[]" else []
