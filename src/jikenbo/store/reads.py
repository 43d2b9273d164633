"""What both backends do the same way: read a stored release from its row, a release by id
prefix, its versions and occurrences, an archived source; and place a source's releases as new,
versions or occurrences. Mixed into SQLiteStore and PostgresStore, which give `db` (rows by
name), `cached`, `_count`, `_set_state`, `_add_releases`, `_replace_release` and
`_adopt_reference`."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from jikenbo.cases import LinkItem, link_item
from jikenbo.errors import JikenboError
from jikenbo.record import Record
from jikenbo.store import versions
from jikenbo.sources import SourceDocument
from jikenbo.store.base import ReleaseRow, SourceOutcome, StoredRelease
from jikenbo.store import kept
from jikenbo.store import search as search_index

RELEASE_COLUMNS = ("case_id", "organization", "title", "published", "earlier_releases",
                   "is_incident", "supply_chain", "vendors", "categories", "data_types",
                   "affected_count", "leak_status", "discovered")
JSON_COLUMNS = {"earlier_releases", "vendors", "categories", "data_types"}


def _decoded(value: Any) -> Any:
    """A list column as stored: JSON text (SQLite) or already decoded (jsonb)."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def stored(row: Any) -> StoredRelease:
    """A release row joined with its source's locator (`ReleaseReads._SELECT`)."""
    values = {name: _decoded(row[name]) if name in JSON_COLUMNS else row[name]
              for name in RELEASE_COLUMNS}
    values["is_incident"] = bool(values["is_incident"])
    values["supply_chain"] = bool(values["supply_chain"])
    record = Record.from_dict({**values, "heading": row["heading"],
                               "source": row["source_locator"],
                               "evidence": _decoded(row["evidence"])})
    return StoredRelease(row["id"], record, row["text"], row["source_id"], row["source_locator"],
                         row["start_offset"], row["end_offset"])


class ReleaseReads:
    _SELECT = ("SELECT r.*, s.locator AS source_locator FROM releases r "
               "JOIN sources s ON s.id = r.source_id")
    _stored = staticmethod(stored)
    _SEARCH: search_index.Dialect  # the backend's search statements (set by each backend)
    _ERRORS: tuple[type[Exception], ...]  # the errors its driver raises
    _unkept = 0  # releases stored since kept search answers were last brought up to date

    def release(self, id_prefix: str) -> StoredRelease | None:
        prefix = id_prefix.lower()
        # a range, not LIKE, so that the primary key index answers it (ids are lowercase hex)
        rows = self.db.execute(f"{self._SELECT} WHERE r.id >= ? AND r.id < ? LIMIT 2",
                               (prefix, prefix + "~")).fetchall()
        if len(rows) > 1:
            raise JikenboError(f"release id {id_prefix!r} is ambiguous; give more characters")
        return stored(rows[0]) if rows else None

    def release_versions(self, release_id: str) -> list[versions.ReleaseVersion]:
        return versions.versions(self.db, release_id)

    def occurrences(self, release_id: str) -> list[versions.Occurrence]:
        return versions.occurrences(self.db, release_id)

    def archived_source(self, source_id: int) -> versions.ArchivedSource | None:
        return versions.archived_source(self.db, source_id)

    def source_data(self, source_id: int) -> tuple[str, bytes, str]:
        row = self.db.execute("SELECT locator, data, text FROM sources WHERE id = ?",
                              (source_id,)).fetchone()
        return row["locator"], bytes(row["data"]), row["text"]

    def counts(self) -> dict[str, int]:
        """Sources, releases, incidents and cases (recounted only after the database changed)."""
        return dict(self.cached("counts", self._count))

    def _place(self, source_id: int, version: int, source_new: bool, source: SourceDocument,
               releases: Sequence[ReleaseRow]) -> SourceOutcome:
        """Store a source's releases (inside its write transaction): new ones as releases, a
        changed text as a version of its release, any other as an occurrence (store/versions.py)."""
        placements = versions.place(self.db, source_id, source.locator, releases)
        new = [release for release, placed in zip(releases, placements)
               if placed.kind == versions.NEW]
        self._add_releases(source_id, new)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        versions.add_first_versions(self.db, new, source_id, source.fetched_at, now)
        self._place_others(source_id, source, releases, placements, now)
        return versions.outcome(source_id, version, source_new, placements)

    def _place_others(self, source_id: int, source: SourceDocument,
                      releases: Sequence[ReleaseRow], placements: Sequence[versions.Placement],
                      now: str) -> None:
        """The rows that are no new release: a changed text becomes its release's record and
        a version of it, the same text an occurrence (giving a source's case number to a
        release that had none)."""
        for release, placed in zip(releases, placements):
            if placed.kind == versions.NEW:
                continue
            if placed.kind == versions.VERSION:
                self._replace_release(placed.release_id, source_id, release)
                self._count_up(kept.TEXT_CHANGES)  # search answers kept before no longer hold
                versions.add_version(self.db, placed.release_id, release, source_id,
                                     source.fetched_at, now)
            elif placed.kind == versions.OCCURRENCE and release.record.case_id:
                self._adopt_reference(placed.release_id, release.record.case_id)
            versions.add_occurrence(self.db, placed.release_id, source_id, release)

    def _keep_answers_current(self, outcomes: Sequence[object]) -> None:
        """After a write: once `kept.REWRITE_AT` releases were added since the last time, bring
        the kept search answers that fell behind up to date (search.refresh_kept)."""
        self._unkept += sum(item.new for item in outcomes if isinstance(item, SourceOutcome))
        if self._unkept >= kept.REWRITE_AT and not self.db.in_transaction:  # committed ones only
            self._unkept = 0
            self._refresh_kept(ended=False)

    def refresh_kept(self) -> int:
        """At the end of an ingest: the kept search answers at least `kept.REWRITE_AT` behind
        brought up to date (search.refresh_kept), so that the readers that follow look among
        fewer releases; how many were (one query of the kept terms when none is)."""
        self._unkept = 0
        return self._refresh_kept(ended=True)

    def _refresh_kept(self, ended: bool) -> int:
        """A courtesy like keeping answers: when the backend fails at it, the ingest goes on."""
        try:
            return search_index.refresh_kept(self.db, self._SEARCH, ended)
        except self._ERRORS:
            return 0

    def _count_up(self, name: str) -> None:
        """Add one to a count in store_state (inside the caller's write transaction)."""
        row = self.db.execute("SELECT value FROM store_state WHERE name = ?", (name,)).fetchone()
        self._set_state(name, str(int(row[0]) + 1 if row else 1))

    # -- cases ------------------------------------------------------------------------------
    def link_items(self) -> list[LinkItem]:
        """The linker's features of every release (computed and kept for older rows)."""
        items, missing = [], []
        for row in self.db.execute("SELECT id, link_item FROM releases ORDER BY rowid"):
            if row["link_item"]:
                items.append(LinkItem.from_json(json.loads(row["link_item"])))
            else:
                missing.append(row["id"])
        for release_id in missing:
            found = self.release(release_id)
            item = link_item(found.id, found.record, found.text)
            self.db.execute("UPDATE releases SET link_item = ? WHERE id = ?",
                            (json.dumps(item.to_json(), ensure_ascii=False), found.id))
            items.append(item)
        return items

    def links_stale(self) -> bool:
        """True when releases or corrections were stored after the last linking run."""
        row = self.db.execute("SELECT value FROM store_state WHERE name = 'links_stale'").fetchone()
        return row is not None and row[0] == "1"
