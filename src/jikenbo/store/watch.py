"""The collector's tables (migration 0005): the watch list, the links each source has shown and
the releases each source brought. Every write is a single upsert or insert-or-ignore, so a
watcher killed mid-run leaves nothing half-written, and two watchers at once only ever write a
row with the same facts twice."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class WatchEntry:
    """One watched source: what the operator configured, and (once stored) how its checks went."""

    url: str
    kind: str = "auto"                 # auto, feed, page, sitemap
    every: int | None = None           # seconds between checks; None: every run
    organization: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_checked: str | None = None
    last_status: str | None = None
    last_message: str | None = None
    failures: int = 0
    next_check: str | None = None


@dataclass(frozen=True)
class SeenLink:
    url: str
    link_text: str
    decision: str                      # incident, skipped, failed
    reason: str
    signature: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Check:
    """The outcome of one check of a source, as the watch list keeps it."""

    status: str                        # ok, not_modified, failed, robots
    message: str
    failures: int
    next_check: str | None
    etag: str | None = None
    last_modified: str | None = None


class WatchTables:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    # -- the watch list ---------------------------------------------------------------------
    def add(self, entry: WatchEntry) -> bool:
        """Add a source or update its settings (its history is kept); True when it is new."""
        known = self.db.execute("SELECT 1 FROM watch_sources WHERE url = ?",
                                (entry.url,)).fetchone()
        self.db.execute(
            "INSERT INTO watch_sources (url, kind, every_seconds, organization, include, exclude, "
            "added_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
            "kind = excluded.kind, every_seconds = excluded.every_seconds, "
            "organization = excluded.organization, include = excluded.include, "
            "exclude = excluded.exclude",
            (entry.url, entry.kind, entry.every, entry.organization,
             json.dumps(list(entry.include), ensure_ascii=False),
             json.dumps(list(entry.exclude), ensure_ascii=False), _now()))
        return known is None

    def remove(self, url: str) -> bool:
        return self.db.execute("DELETE FROM watch_sources WHERE url = ?", (url,)).rowcount > 0

    def entries(self) -> list[WatchEntry]:
        return [_entry(row) for row in self.db.execute("SELECT * FROM watch_sources ORDER BY id")]

    def record_check(self, source_id: int, check: Check) -> None:
        """Keep a check's outcome; validators are replaced only by a fresh 200's."""
        self.db.execute(
            "UPDATE watch_sources SET last_checked = ?, last_status = ?, last_message = ?, "
            "failures = ?, next_check = ?, etag = CASE WHEN ? THEN ? ELSE etag END, "
            "last_modified = CASE WHEN ? THEN ? ELSE last_modified END WHERE id = ?",
            (_now(), check.status, check.message, check.failures, check.next_check,
             check.status == "ok", check.etag, check.status == "ok", check.last_modified,
             source_id))

    # -- links ------------------------------------------------------------------------------
    def seen(self, source_id: int, url: str) -> SeenLink | None:
        row = self.db.execute("SELECT * FROM watch_links WHERE source_id = ? AND url = ?",
                              (source_id, url)).fetchone()
        return None if row is None else SeenLink(
            row["url"], row["link_text"], row["decision"], row["reason"], row["signature"],
            row["etag"], row["last_modified"])

    def remember(self, source_id: int, link: SeenLink) -> None:
        now = _now()
        self.db.execute(
            "INSERT INTO watch_links (source_id, url, link_text, decision, reason, signature, "
            "etag, last_modified, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (source_id, url) DO UPDATE SET link_text = excluded.link_text, "
            "decision = excluded.decision, reason = excluded.reason, "
            "signature = excluded.signature, etag = excluded.etag, "
            "last_modified = excluded.last_modified, last_seen = excluded.last_seen",
            (source_id, link.url, link.link_text, link.decision, link.reason, link.signature,
             link.etag, link.last_modified, now, now))

    def add_collected(self, source_id: int, url: str, release_ids: list[str]) -> None:
        self.db.executemany("INSERT INTO watch_releases VALUES (?, ?, ?, ?) "
                            "ON CONFLICT DO NOTHING",
                            [(source_id, rid, url, _now()) for rid in release_ids])

    # -- reading, for the /sources page -----------------------------------------------------
    def link_counts(self) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        for row in self.db.execute("SELECT source_id, decision, COUNT(*) FROM watch_links "
                                   "GROUP BY 1, 2"):
            counts.setdefault(row[0], {})[row[1]] = row[2]
        return counts

    def collected(self, source_id: int, limit: int = 20) -> list[sqlite3.Row]:
        """The latest releases a source brought: id, heading, published, url, collected_at."""
        return self.db.execute(
            "SELECT r.id, r.heading, r.published, w.url, w.collected_at FROM watch_releases w "
            "JOIN releases r ON r.id = w.release_id WHERE w.source_id = ? "
            "ORDER BY w.collected_at DESC, r.published IS NULL, r.published DESC LIMIT ?",
            (source_id, limit)).fetchall()

    def collected_total(self, source_id: int) -> int:
        return self.db.execute("SELECT COUNT(*) FROM watch_releases WHERE source_id = ?",
                               (source_id,)).fetchone()[0]


def _entry(row: sqlite3.Row) -> WatchEntry:
    return WatchEntry(row["url"], row["kind"], row["every_seconds"], row["organization"],
                      tuple(json.loads(row["include"])), tuple(json.loads(row["exclude"])),
                      row["id"], row["etag"], row["last_modified"], row["last_checked"],
                      row["last_status"], row["last_message"], row["failures"],
                      row["next_check"])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
