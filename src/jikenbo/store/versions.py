"""Release versions and occurrences: where each release's texts were read, and which of a new
read's releases are ones already stored (same text, a new version, a near-duplicate).

Plain SQL with `?` placeholders over a DB-API connection, so that another backend can run it;
the decisions themselves are `jikenbo.same_release`'s.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jikenbo.same_release import Candidate, is_near_duplicate, is_version, key
from jikenbo.store.base import ReleaseRow, SourceOutcome
from jikenbo.store.fold import searchable

NEW, SAME, VERSION, OCCURRENCE = "new", "same", "version", "occurrence"


@dataclass(frozen=True)
class Placement:
    """Where a release row of a new read goes: under which stored id, and as what."""

    release_id: str
    kind: str               # NEW release, SAME text seen before, new VERSION, near-dup OCCURRENCE


@dataclass(frozen=True)
class ReleaseVersion:
    version: int
    content_id: str
    source_id: int
    locator: str
    source_version: int
    start: int
    end: int
    text: str
    fetched_at: str
    added_at: str


@dataclass(frozen=True)
class Occurrence:
    """One place a release was read: its locator, the source's version there, and whether the
    text read there was one of the release's versions or a near-duplicate of it."""

    source_id: int
    locator: str
    source_version: int
    start: int
    end: int
    content_id: str
    fetched_at: str
    near_duplicate: bool


class Lookups(Protocol):
    """What placing a read asks of the stored casebook. `StoredLookups` asks the database each
    time; a backend storing a batch of sources may answer from what it read once for the whole
    batch (store/postgres/batch.py), as long as its answers are the ones these would give."""

    def seen(self, content_ids: Sequence[str]) -> dict[str, str]: ...

    def previous(self, locator: str, source_id: int) -> list[tuple[str, Candidate]]: ...

    def of_issuer(self, organization: str | None, title: str) -> list[tuple[str, Candidate]]: ...


@dataclass(frozen=True)
class StoredLookups:
    """The lookups as statements over a DB-API connection, one set per read."""

    db: Any

    def seen(self, content_ids: Sequence[str]) -> dict[str, str]:
        return _seen(self.db, content_ids)

    def previous(self, locator: str, source_id: int) -> list[tuple[str, Candidate]]:
        return _previous(self.db, locator, source_id)

    def of_issuer(self, organization: str | None, title: str) -> list[tuple[str, Candidate]]:
        return _of_issuer(self.db, organization, title)


def place(db, source_id: int, locator: str, rows: Sequence[ReleaseRow],
          lookups: Lookups | None = None) -> list[Placement]:
    """Decide for each row of one read (in order) whether it is a release already stored."""
    lookups = lookups or StoredLookups(db)
    known = lookups.seen([row.id for row in rows])
    claimed = set(known.values())
    gone = [(rid, stored) for rid, stored in lookups.previous(locator, source_id)
            if rid not in claimed]
    placements = []
    for row in rows:
        if row.id in known:  # read before, or earlier in this read
            placements.append(Placement(known[row.id], SAME))
            continue
        placed = _match(lookups, row, gone, claimed)
        known[row.id] = placed.release_id
        placements.append(placed)
    return placements


def outcome(source_id: int, version: int, source_new: bool,
            placements: Sequence[Placement]) -> SourceOutcome:
    """What storing a read's rows as `placements` did, as `Store.add_source` answers."""
    count = lambda kind: sum(placed.kind == kind for placed in placements)  # noqa: E731
    return SourceOutcome(source_id, version, source_new, count(NEW),
                         len(placements) - count(NEW) - count(VERSION), count(VERSION),
                         tuple(placed.release_id for placed in placements),
                         tuple(placed.kind for placed in placements))


def _match(lookups: Lookups, row: ReleaseRow, gone: list[tuple[str, Candidate]],
           claimed: set[str]) -> Placement:
    """A row of new text: a version of a release the previous read held and this one does not,
    else a near-duplicate of a stored release of its issuer, else a new release."""
    new = Candidate(row.record.organization, row.record.title, row.text)
    for index, (rid, stored) in enumerate(gone):
        if is_version(new, stored):
            del gone[index]
            claimed.add(rid)
            return Placement(rid, VERSION)
    for rid, stored in lookups.of_issuer(row.record.organization, row.record.title):
        if rid not in claimed and is_near_duplicate(new, stored):
            claimed.add(rid)
            return Placement(rid, OCCURRENCE)
    claimed.add(row.id)
    return Placement(row.id, NEW)


def _seen(db, content_ids: Sequence[str]) -> dict[str, str]:
    """Content id → the release a text was read as before, anywhere, for those of `content_ids`
    read before (two queries for the whole read, not two per row)."""
    wanted = list(dict.fromkeys(content_ids))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    found: dict[str, str] = {}
    for content_id, release_id in db.execute(
            f"SELECT content_id, release_id FROM occurrences WHERE content_id IN ({marks})",
            wanted).fetchall():
        found.setdefault(content_id, release_id)
    missing = [content_id for content_id in wanted if content_id not in found]
    if missing:  # stored by a backend that kept no content ids: ids are first texts
        marks = ", ".join("?" * len(missing))
        found.update((row[0], row[0]) for row in db.execute(
            f"SELECT id FROM releases WHERE id IN ({marks})", missing).fetchall())
    return {content_id: found[content_id] for content_id in content_ids if content_id in found}


def _previous(db, locator: str, source_id: int) -> list[tuple[str, Candidate]]:
    """The releases read at `locator` the last time before this source."""
    rows = db.execute(
        "SELECT DISTINCT r.id, r.organization, r.title, r.text, o.start_offset "
        "FROM occurrences o JOIN releases r ON r.id = o.release_id "
        "WHERE o.source_id = (SELECT id FROM sources WHERE locator = ? AND id <> ? "
        "ORDER BY version DESC LIMIT 1) ORDER BY o.start_offset",
        (locator, source_id)).fetchall()
    return [(row[0], Candidate(row[1], row[2], row[3])) for row in rows]


def _of_issuer(db, organization: str | None, title: str) -> list[tuple[str, Candidate]]:
    """The stored releases of an issuer under the same headline (texts read only for those:
    an issuer can have hundreds of releases)."""
    if not organization:
        return []
    rows = db.execute("SELECT id, title FROM releases WHERE organization = ? ORDER BY rowid",
                      (organization,)).fetchall()
    headline = key(title)
    return [(row[0], Candidate(organization, row[1], db.execute(
                "SELECT text FROM releases WHERE id = ?", (row[0],)).fetchone()[0]))
            for row in rows if key(row[1]) == headline]


# -- writing ----------------------------------------------------------------------------------
def add_version(db, release_id: str, row: ReleaseRow, source_id: int, fetched_at: str,
                added_at: str) -> int:
    """Store `row`'s text as the next version of the release; returns its number."""
    number = 1 + db.execute("SELECT COALESCE(MAX(version), 0) FROM release_versions "
                            "WHERE release_id = ?", (release_id,)).fetchone()[0]
    db.execute("INSERT INTO release_versions (release_id, version, content_id, source_id, "
               "start_offset, end_offset, text, fetched_at, added_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (release_id, number, row.id, source_id, row.start, row.end, row.text,
                fetched_at, added_at))
    return number


def add_first_versions(db, rows: Sequence[ReleaseRow], source_id: int, fetched_at: str,
                       added_at: str) -> None:
    """Store new releases' texts as their first versions and first occurrences, one statement
    each for all rows (a new release has neither yet)."""
    db.executemany("INSERT INTO release_versions (release_id, version, content_id, source_id, "
                   "start_offset, end_offset, text, fetched_at, added_at) "
                   "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)",
                   [(row.id, row.id, source_id, row.start, row.end, row.text, fetched_at,
                     added_at) for row in rows])
    db.executemany("INSERT INTO occurrences (release_id, source_id, start_offset, end_offset, "
                   "content_id) VALUES (?, ?, ?, ?, ?)",
                   [(row.id, source_id, row.start, row.end, row.id) for row in rows])


def add_occurrence(db, release_id: str, source_id: int, row: ReleaseRow) -> None:
    if db.execute("SELECT 1 FROM occurrences WHERE release_id = ? AND source_id = ? "
                  "AND start_offset = ?", (release_id, source_id, row.start)).fetchone():
        return  # the same source read again
    db.execute("INSERT INTO occurrences (release_id, source_id, start_offset, end_offset, "
               "content_id) VALUES (?, ?, ?, ?, ?)",
               (release_id, source_id, row.start, row.end, row.id))


def unindex(db, rowid: int, heading: str, text: str) -> None:
    """Take a release's old text out of the search index (contentless FTS5 tables are told
    the values they were given), before its newest version is indexed."""
    from jikenbo.store.search import grams  # search imports this package's modules
    if not db.execute("SELECT searchable FROM releases WHERE rowid = ?", (rowid,)).fetchone()[0]:
        return
    db.execute("INSERT INTO release_fts (release_fts, rowid, heading, body) "
               "VALUES ('delete', ?, ?, ?)", (rowid, searchable(heading), searchable(text)))
    db.execute("INSERT INTO release_grams (release_grams, rowid, grams) VALUES ('delete', ?, ?)",
               (rowid, grams(text)))


# -- reading ----------------------------------------------------------------------------------
def versions(db, release_id: str) -> list[ReleaseVersion]:
    """The release's versions, first first."""
    return [ReleaseVersion(*row) for row in db.execute(
        "SELECT v.version, v.content_id, v.source_id, s.locator, s.version, v.start_offset, "
        "v.end_offset, v.text, v.fetched_at, v.added_at FROM release_versions v "
        "JOIN sources s ON s.id = v.source_id WHERE v.release_id = ? ORDER BY v.version",
        (release_id,))]


def occurrences(db, release_id: str) -> list[Occurrence]:
    """Every place the release was read, in the order the sources were stored."""
    return [Occurrence(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))
            for row in db.execute(
                "SELECT o.source_id, s.locator, s.version, o.start_offset, o.end_offset, "
                "o.content_id, s.fetched_at, CASE WHEN EXISTS (SELECT 1 FROM release_versions v "
                "WHERE v.release_id = o.release_id AND v.content_id = o.content_id) "
                "THEN 0 ELSE 1 END FROM occurrences o JOIN sources s ON s.id = o.source_id "
                "WHERE o.release_id = ? ORDER BY o.source_id, o.start_offset", (release_id,))]


@dataclass(frozen=True)
class ArchivedSource:
    """A stored source as read: its locator, how it was decoded, its bytes and text."""

    id: int
    locator: str
    version: int
    kind: str
    encoding: str | None
    fetched_at: str
    data: bytes
    text: str


def archived_source(db, source_id: int) -> ArchivedSource | None:
    row = db.execute("SELECT id, locator, version, kind, encoding, fetched_at, data, text "
                     "FROM sources WHERE id = ?", (source_id,)).fetchone()
    return ArchivedSource(*row[:6], bytes(row[6]), row[7]) if row else None
