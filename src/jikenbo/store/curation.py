"""The SQLite tables of field curation: corrections of release fields and the review state.

Mixed into SQLiteStore ahead of CaseTables (it gives `db`, `writing`, `_SELECT`, `_stored`,
`_set_state` and `record_action`): every correction and review is a curator action of the case
log, so `jikenbo case log` lists it and `case undo` reverts it.

The releases columns always hold the value in force — the latest correction of a field, else the
extractor's — so every reader (search, facets, exports, statistics, linking) sees corrected
values without knowing about curation; the extractor's value is kept beside each correction.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

# Record fields a curator may correct; each is the releases column of the same name.
CORRECTABLE = ("case_id", "organization", "title", "published", "discovered", "earlier_releases",
               "is_incident", "categories", "supply_chain", "vendors", "affected_count",
               "data_types", "leak_status")
_JSON_COLUMNS = {"earlier_releases", "vendors", "categories", "data_types"}
_BOOL_COLUMNS = {"is_incident", "supply_chain"}
# Fields that are also facet tables (search counts them from there).
_FACET_TABLES = {"categories": ("release_categories", "category"),
                 "data_types": ("release_data_types", "data_type")}
# Bumped by every change of stored field values: the search facet index rebuilds when it moves.
EDITS_STATE = "record_edits"


@dataclass(frozen=True)
class Correction:
    release_id: str
    field: str
    value: Any
    extracted: Any  # the extractor's value of the field
    note: str
    created_at: str
    action_id: int


@dataclass(frozen=True)
class Review:
    release_id: str
    note: str
    created_at: str
    action_id: int


class CurationTables:
    db: sqlite3.Connection

    # -- writing ----------------------------------------------------------------------------
    def correct_release(self, release_id: str, values: Mapping[str, Any], summary: str,
                        note: str = "", reviewed: bool = False) -> int:
        """Store a curator's values for fields of one release (and, with `reviewed`, mark it
        確認済み) as one logged action; returns the action's id."""
        with self.writing():
            action = self.record_action("correct", summary, note)
            now = _now()
            for field, value in values.items():
                self.db.execute(
                    "INSERT INTO release_corrections (release_id, field, value, extracted, note, "
                    "created_at, action_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (release_id, field, _json(value),
                     _json(self._extracted_value(release_id, field)), note, now, action))
            self._write_fields(release_id, values)
            if reviewed:
                self._insert_review(release_id, note, action)
            return action

    def review_release(self, release_id: str, summary: str, note: str = "") -> int:
        """Mark a release 確認済み as one logged action; returns the action's id."""
        with self.writing():
            action = self.record_action("review", summary, note)
            self._insert_review(release_id, note, action)
            return action

    def overlay_corrections(self, release_id: str, extracted: Mapping[str, Any]) -> None:
        """Store a re-extraction of a release: the extractor's new values (a record dict) go into
        its columns and are kept as the extracted values of its corrected fields, whose
        corrections stay in force (a curator's value outlives any re-extraction)."""
        with self.writing():
            in_force = self.corrections_in_force([release_id]).get(release_id, {})
            for field in in_force:
                self.db.execute("UPDATE release_corrections SET extracted = ? "
                                "WHERE release_id = ? AND field = ?",
                                (_json(extracted.get(field)), release_id, field))
            self._write_fields(release_id, {
                field: in_force[field].value if field in in_force else extracted.get(field)
                for field in CORRECTABLE if field in extracted or field in in_force})

    def undo_action(self, action_id: int | None = None):
        """Revert a curator action: the corrections and review it stored here, the case
        corrections it stored in CaseTables (which also marks it undone)."""
        with self.writing():
            where = "id = ?" if action_id is not None else "undone_at IS NULL"
            row = self.db.execute(f"SELECT id, undone_at FROM case_actions WHERE {where} "
                                  "ORDER BY id DESC LIMIT 1",
                                  () if action_id is None else (action_id,)).fetchone()
            if row is not None and row[1] is None:
                self._revert_curation(row[0])
            return super().undo_action(action_id)  # type: ignore[misc]

    def _revert_curation(self, action_id: int) -> None:
        removed = self.db.execute("SELECT release_id, field, extracted FROM release_corrections "
                                  "WHERE action_id = ? ORDER BY id", (action_id,)).fetchall()
        self.db.execute("DELETE FROM release_corrections WHERE action_id = ?", (action_id,))
        self.db.execute("DELETE FROM release_reviews WHERE action_id = ?", (action_id,))
        restored: dict[str, dict[str, Any]] = {}
        for release_id, field, extracted in removed:
            restored.setdefault(release_id, {})[field] = json.loads(extracted)
        for release_id, values in restored.items():
            in_force = self.corrections_in_force([release_id]).get(release_id, {})
            self._write_fields(release_id, {field: in_force[field].value if field in in_force
                                            else value for field, value in values.items()})

    def _insert_review(self, release_id: str, note: str, action: int) -> None:
        self.db.execute("INSERT INTO release_reviews (release_id, note, created_at, action_id) "
                        "VALUES (?, ?, ?, ?)", (release_id, note, _now(), action))

    def _extracted_value(self, release_id: str, field: str) -> Any:
        """The extractor's value: kept by an earlier correction of the field, else in force."""
        row = self.db.execute("SELECT extracted FROM release_corrections WHERE release_id = ? "
                              "AND field = ? ORDER BY id LIMIT 1", (release_id, field)).fetchone()
        if row is not None:
            return json.loads(row[0])
        column = self.db.execute(f"SELECT {_column(field)} FROM releases WHERE id = ?",
                                 (release_id,)).fetchone()[0]
        return _from_column(field, column)

    def _write_fields(self, release_id: str, values: Mapping[str, Any]) -> None:
        """Put field values into a release's columns and facet tables; its linking features are
        computed again from them at the next linking run."""
        if not values:
            return
        for field, value in values.items():
            self.db.execute(f"UPDATE releases SET {_column(field)} = ?, link_item = NULL "
                            "WHERE id = ?", (_to_column(field, value), release_id))
            if field in _FACET_TABLES:
                table, column = _FACET_TABLES[field]
                self.db.execute(f"DELETE FROM {table} WHERE release_id = ?", (release_id,))
                self.db.executemany(f"INSERT INTO {table} (release_id, {column}) VALUES (?, ?)",
                                    [(release_id, item) for item in dict.fromkeys(value)])
        self._count_up(EDITS_STATE)
        self._set_state("links_stale", "1")

    # -- reading ----------------------------------------------------------------------------
    def corrections_in_force(self, ids: Sequence[str] | None = None
                             ) -> dict[str, dict[str, Correction]]:
        """Release id → field → its latest correction, for these releases (all when None)."""
        found: dict[str, dict[str, Correction]] = {}
        for row in self._rows("release_corrections", ids):
            found.setdefault(row["release_id"], {})[row["field"]] = Correction(
                row["release_id"], row["field"], json.loads(row["value"]),
                json.loads(row["extracted"]), row["note"] or "", row["created_at"],
                row["action_id"])
        return found

    def reviews(self, ids: Sequence[str] | None = None) -> dict[str, Review]:
        """Release id → its review (確認済み), for these releases (all when None)."""
        return {row["release_id"]: Review(row["release_id"], row["note"] or "",
                                          row["created_at"], row["action_id"])
                for row in self._rows("release_reviews", ids)}

    def unreviewed_releases(self) -> list:
        """Every release not yet marked 確認済み (StoredRelease, with evidence)."""
        query = (f"{self._SELECT} WHERE NOT EXISTS (SELECT 1 FROM release_reviews v "
                 "WHERE v.release_id = r.id) ORDER BY r.rowid")
        return [self._stored(row) for row in self.db.execute(query)]

    def curated_releases(self) -> list:
        """Every release a curator reviewed or corrected, in the order they were stored."""
        query = (f"{self._SELECT} WHERE EXISTS (SELECT 1 FROM release_reviews v WHERE "
                 "v.release_id = r.id) OR EXISTS (SELECT 1 FROM release_corrections c WHERE "
                 "c.release_id = r.id) ORDER BY r.rowid")
        return [self._stored(row) for row in self.db.execute(query)]

    def _rows(self, table: str, ids: Sequence[str] | None) -> Iterable[sqlite3.Row]:
        if ids is None:
            return self.db.execute(f"SELECT * FROM {table} ORDER BY id")
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        return self.db.execute(f"SELECT * FROM {table} WHERE release_id IN ({marks}) "
                               "ORDER BY id", list(ids))


def _column(field: str) -> str:
    if field not in CORRECTABLE:  # the name goes into SQL: only the known columns may
        raise ValueError(f"not a correctable field: {field!r}")
    return field


def _to_column(field: str, value: Any) -> Any:
    if field in _JSON_COLUMNS:
        return json.dumps(list(value or ()), ensure_ascii=False)
    if field in _BOOL_COLUMNS:
        return bool(value)  # sqlite3 stores it as 1/0, PostgreSQL as a boolean
    return value


def _from_column(field: str, value: Any) -> Any:
    if field in _JSON_COLUMNS:
        return json.loads(value) if value else []
    if field in _BOOL_COLUMNS:
        return bool(value)
    return value


def _json(value: Any) -> str:
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
