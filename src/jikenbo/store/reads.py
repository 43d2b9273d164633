"""What both backends read the same way: a stored release from its row, a release by id
prefix, its versions and occurrences, an archived source. Mixed into SQLiteStore and
PostgresStore, which give `db` (rows by name) and `cached`; `_count` is each backend's own."""
from __future__ import annotations

import json
from typing import Any

from jikenbo.errors import JikenboError
from jikenbo.record import Record
from jikenbo.store import versions
from jikenbo.store.base import StoredRelease

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
