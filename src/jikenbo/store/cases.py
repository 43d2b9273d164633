"""The SQLite tables of cases: members, the number registry, corrections and curator actions.

Mixed into SQLiteStore and PostgresStore (which give `db`, `writing`, `_SELECT`, `_stored` and
`_set_state`). The SQL is the part both speak; `_NO_LIMIT` is the one word they do not share.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from jikenbo.cases import Constraints, Issued
from jikenbo.cases.numbering import PREFIX
from jikenbo.errors import UsageError
from jikenbo.store.reads import RELEASE_COLUMNS

# (number, anchor release, preferred) — a registry row as an action sets it
Anchoring = tuple[str, str, int]
# (database, name) → (case_list_stamp, value): what `shared` keeps for every connection
_SHARED: dict[tuple[str, str], tuple[str, Any]] = {}
_SHARING = threading.RLock()  # a computation may ask for another shared value


@dataclass(frozen=True)
class Action:
    id: int
    kind: str
    summary: str
    note: str
    created_at: str
    undone_at: str | None


class CaseTables:
    db: sqlite3.Connection
    _NO_LIMIT: int | None = -1  # what LIMIT takes for "all rows"

    def case_numbers(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT release_id, number FROM case_members").fetchall())

    def registry(self) -> list[Issued]:
        return [Issued(row[0], row[1], row[2], row[3], bool(row[4])) for row in self.db.execute(
            "SELECT number, anchor, seq, preferred, own FROM case_registry ORDER BY seq")]

    def replace_case_numbers(self, numbers: dict[str, str],
                             issued: Sequence[tuple[str, str]] = ()) -> int:
        """Store a linking run's numbers and the numbers it issued in one transaction and mark
        the links current; returns how many releases moved."""
        with self.writing():
            self.db.executemany("INSERT INTO case_registry (number, anchor, issued_at) "
                                "VALUES (?, ?, ?)", [(n, a, _now()) for n, a in issued])
            before = self.case_numbers()
            changed = [(rid, number) for rid, number in numbers.items() if before.get(rid) != number]
            gone = [(rid,) for rid in before if rid not in numbers]
            self.db.executemany("DELETE FROM case_members WHERE release_id = ?", gone)
            self.db.executemany("INSERT INTO case_members VALUES (?, ?) ON CONFLICT (release_id) "
                                "DO UPDATE SET number = excluded.number", changed)
            if changed or gone:  # what change_mark() reads: feeds and exports revalidate
                self._set_state("links_changed", datetime.now(timezone.utc).isoformat())
            self._set_state("links_stale", "0")
        return len(changed) + len(gone)

    def corrections(self) -> Constraints:
        """The curator's corrections in force: pairs together and pairs apart."""
        constraints = Constraints()
        for row in self.db.execute("SELECT kind, a, b FROM case_corrections "
                                   "WHERE kind IN ('together', 'apart') ORDER BY id"):
            getattr(constraints, row["kind"]).append((row["a"], row["b"]))
        return constraints

    def record_action(self, kind: str, summary: str, note: str,
                      rows: Sequence[tuple[str, str, str]] = (),
                      drop: Sequence[tuple[str, str, str]] = (),
                      anchoring: Sequence[Anchoring] = ()) -> int:
        """Store a curator's action atomically: add (kind, a, b) corrections, drop those they
        overrule, set registry rows; and how to revert all of it."""
        with self.writing():
            dropped, previous = [], []
            for kind_, a, b in drop:
                found = self.db.execute(
                    "SELECT id, kind, a, b, note, created_at, action_id FROM case_corrections "
                    "WHERE kind = ? AND ((a = ? AND b = ?) OR (a = ? AND b = ?))",
                    (kind_, a, b, b, a)).fetchall()
                dropped.extend(list(row) for row in found)
                self.db.executemany("DELETE FROM case_corrections WHERE id = ?",
                                    [(row[0],) for row in found])
            for number, anchor, preferred in anchoring:
                row = self.db.execute("SELECT anchor, preferred FROM case_registry WHERE number = ?",
                                      (number,)).fetchone()
                if row is None:
                    self.db.execute("INSERT INTO case_registry (number, anchor, preferred, "
                                    "issued_at) VALUES (?, ?, ?, ?)",
                                    (number, anchor, preferred, _now()))
                    previous.append((number, anchor, 0))
                else:
                    previous.append((number, row[0], row[1]))
                    self.db.execute("UPDATE case_registry SET anchor = ?, preferred = ? "
                                    "WHERE number = ?", (anchor, preferred, number))
            action = self.db.execute(
                "INSERT INTO case_actions (kind, summary, note, created_at, revert) "
                "VALUES (?, ?, ?, ?, '{}')", (kind, summary, note, _now())).lastrowid
            added = [self.db.execute("INSERT INTO case_corrections (kind, a, b, note, created_at, "
                                     "action_id) VALUES (?, ?, ?, ?, ?, ?)",
                                     (k, a, b, summary, _now(), action)).lastrowid
                     for k, a, b in rows]
            revert = {"added": added, "dropped": dropped, "registry": previous}
            self.db.execute("UPDATE case_actions SET revert = ? WHERE id = ?",
                            (json.dumps(revert, ensure_ascii=False), action))
            self._set_state("links_stale", "1")
            return action

    def undo_action(self, action_id: int | None = None) -> tuple[Action, list[Anchoring]]:
        """Revert a curator action (the latest one not yet undone, or the one given); returns it
        and the registry rows as they were before it (anchors are the caller's to restore)."""
        with self.writing():
            where = "id = ?" if action_id is not None else "undone_at IS NULL"
            row = self.db.execute(f"SELECT * FROM case_actions WHERE {where} ORDER BY id DESC "
                                  "LIMIT 1", () if action_id is None else (action_id,)).fetchone()
            if row is None:
                raise UsageError(f"no case correction {action_id}; list them with 'jikenbo case log'"
                                 if action_id is not None else "no case correction to undo")
            if row["undone_at"]:
                raise UsageError(f"case correction {row['id']} was already undone")
            revert = json.loads(row["revert"])
            self.db.executemany("DELETE FROM case_corrections WHERE id = ?",
                                [(rid,) for rid in revert["added"]])
            self.db.executemany("INSERT INTO case_corrections (id, kind, a, b, note, created_at, "
                                "action_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                revert["dropped"])
            # Only the preference is reverted here: an anchor goes back only once relinking shows
            # it is in the number's case again (curate.undo), so no number jumps to another case.
            self.db.executemany("UPDATE case_registry SET preferred = ? WHERE number = ?",
                                [(p, n) for n, _, p in revert["registry"]])
            self.db.execute("UPDATE case_actions SET undone_at = ? WHERE id = ?",
                            (_now(), row["id"]))
            self._set_state("links_stale", "1")
            return (_action(self.db.execute("SELECT * FROM case_actions WHERE id = ?",
                                            (row["id"],)).fetchone()),
                    [tuple(item) for item in revert["registry"]])

    def move_anchor(self, number: str, anchor: str) -> None:
        with self.writing():
            self.db.execute("UPDATE case_registry SET anchor = ? WHERE number = ?", (anchor, number))

    def describe_action(self, action_id: int, summary: str) -> None:
        self.db.execute("UPDATE case_actions SET summary = ? WHERE id = ?", (summary, action_id))

    def actions(self) -> list[Action]:
        return [_action(row) for row in self.db.execute("SELECT * FROM case_actions ORDER BY id")]

    def highest_preference(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(preferred), 0) FROM case_registry").fetchone()[0]

    def issued(self, number: str) -> Issued | None:
        row = self.db.execute("SELECT number, anchor, seq, preferred, own FROM case_registry "
                              "WHERE number = ?", (number,)).fetchone()
        return Issued(row[0], row[1], row[2], row[3], bool(row[4])) if row else None

    def resolve_case(self, number: str) -> str:
        """The number a case shows now, for any number it was ever given (its anchor release's
        case) or a casebook number a source states for one of its releases."""
        number = number.strip()
        row = self.db.execute("SELECT m.number FROM case_registry g JOIN case_members m "
                              "ON m.release_id = g.anchor WHERE g.number = ?", (number,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT m.number FROM releases r JOIN case_members m ON "
                                  "m.release_id = r.id WHERE r.case_id = ? GROUP BY m.number "
                                  "ORDER BY COUNT(*) DESC, m.number LIMIT 1", (number,)).fetchone()
        return row[0] if row else number

    def case_aliases(self, number: str) -> list[str]:
        """The other numbers that lead to this case (absorbed by a merge, renumbered)."""
        return [row[0] for row in self.db.execute(
            "SELECT g.number FROM case_registry g JOIN case_members m ON m.release_id = g.anchor "
            "WHERE m.number = ? AND g.number != ? ORDER BY g.seq", (number, number))]

    def case_references(self, number: str) -> list[str]:
        """Casebook numbers sources state for the releases of this case."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT r.case_id FROM releases r JOIN case_members m ON m.release_id = r.id "
            "WHERE m.number = ? AND r.case_id IS NOT NULL ORDER BY r.case_id", (number,))]

    def case_releases(self, number: str) -> list:
        query = (f"{self._SELECT} JOIN case_members m ON m.release_id = r.id WHERE m.number = ? "
                 "ORDER BY r.published IS NULL, r.published, r.rowid")
        return [self._stored(row) for row in self.db.execute(query, (number,))]

    def releases_of_cases(self, numbers: Sequence[str]) -> dict[str, list]:
        """The releases of each of these cases, in timeline order, without their text and
        evidence, read in one statement (a page of the case list shows a hundred cases: a query
        per case cost a query per row)."""
        found: dict[str, list] = {number: [] for number in numbers}
        if not found:
            return found
        marks = ", ".join("?" * len(found))
        # records only: their text and evidence, most of a row, are not read
        query = ("SELECT m.number AS case_number, r.id, r.source_id, r.start_offset, "
                 f"r.end_offset, r.heading, {', '.join('r.' + name for name in RELEASE_COLUMNS)}, "
                 "'' AS text, '[]' AS evidence, s.locator AS source_locator FROM releases r "
                 "JOIN sources s ON s.id = r.source_id "
                 f"JOIN case_members m ON m.release_id = r.id WHERE m.number IN ({marks}) "
                 "ORDER BY r.published IS NULL, r.published, r.rowid")
        for row in self.db.execute(query, list(found)):
            found[row["case_number"]].append(self._stored(row))
        return found

    def case_list_stamp(self) -> str:
        """A token that moves whenever a case list row may change: releases added, links
        moved, curator actions, and corrections of stored records (store/curation.py)."""
        edits = self.db.execute("SELECT value FROM store_state WHERE name = 'record_edits'"
                                ).fetchone()
        return f"{self.change_mark()[0]}|{edits[0] if edits else '0'}"

    def shared(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, kept until `case_list_stamp` moves and shared by every connection to
        this database in the process: a web server holds one connection per thread, and the
        whole case list of a large casebook takes seconds to read and figure."""
        location = getattr(self, "path", None) or getattr(self, "url", "")
        if location == ":memory:":  # each such connection is a database of its own
            return self.cached(name, compute)
        key = (location, name)
        stamp = self.case_list_stamp()
        kept = _SHARED.get(key)
        if kept is None or kept[0] != stamp:
            with _SHARING:  # one connection computes; the others wait for its answer
                kept = _SHARED.get(key)
                if kept is None or kept[0] != stamp:
                    kept = _SHARED[key] = (stamp, compute())
        return kept[1]

    def case_list(self, year: str | None = None, limit: int | None = None,
                  offset: int = 0) -> list[sqlite3.Row]:
        """number, releases, first and latest release date, organisations, references,
        categories and the title of the first release; in number order, `limit` cases from
        `offset` (all when no limit)."""
        where = "WHERE number LIKE ?" if year else ""
        return self.db.execute(
            f"WITH shown AS (SELECT DISTINCT number FROM case_members {where} ORDER BY number "
            "LIMIT ? OFFSET ?) "
            "SELECT m.number, COUNT(DISTINCT r.id) AS releases, MIN(r.published) AS first, "
            "MAX(r.published) AS latest, GROUP_CONCAT(DISTINCT r.organization) AS organizations, "
            "GROUP_CONCAT(DISTINCT r.case_id) AS refs, "
            "GROUP_CONCAT(DISTINCT c.category) AS categories, "
            "(SELECT r2.title FROM case_members m2 JOIN releases r2 ON r2.id = m2.release_id "
            " WHERE m2.number = m.number ORDER BY r2.published IS NULL, r2.published, r2.id "
            " LIMIT 1) AS title "
            "FROM shown JOIN case_members m USING (number) "
            "JOIN releases r ON r.id = m.release_id "
            "LEFT JOIN release_categories c ON c.release_id = r.id "
            "GROUP BY m.number ORDER BY m.number",
            (*((f"{PREFIX}{year}-%",) if year else ()), self._NO_LIMIT if limit is None else limit,
             offset)).fetchall()

    def case_total(self, year: str | None = None) -> int:
        where = "WHERE number LIKE ?" if year else ""
        return self.db.execute(f"SELECT COUNT(DISTINCT number) FROM case_members {where}",
                               (f"{PREFIX}{year}-%",) if year else ()).fetchone()[0]

    def case_numbers_of(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        return dict(self.db.execute(f"SELECT release_id, number FROM case_members "
                                    f"WHERE release_id IN ({marks})", list(ids)).fetchall())


def _action(row: sqlite3.Row) -> Action:
    return Action(row["id"], row["kind"], row["summary"], row["note"] or "", row["created_at"],
                  row["undone_at"])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
