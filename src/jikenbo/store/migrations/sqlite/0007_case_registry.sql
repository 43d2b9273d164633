-- Permanent case numbers and the curator's history.
-- case_registry: every case number ever issued (never deleted, never issued again). A number
-- names the case that holds its anchor release; `preferred` > 0 marks the one a curator chose
-- (highest wins) when a case holds several anchors; `own` = 0 marks numbers of the old
-- YYYY-NNN form, which still resolve but are no longer shown.
CREATE TABLE case_registry (
    seq        INTEGER PRIMARY KEY,
    number     TEXT NOT NULL UNIQUE,
    anchor     TEXT NOT NULL,
    own        INTEGER NOT NULL DEFAULT 1,
    preferred  INTEGER NOT NULL DEFAULT 0,
    issued_at  TEXT NOT NULL
);
CREATE INDEX case_registry_anchor ON case_registry(anchor);

-- One row per curator action (merge, split, renumber): what it did, why, and how to revert it
-- (JSON: correction rows added and dropped, registry rows as they were before).
CREATE TABLE case_actions (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    summary    TEXT NOT NULL,
    note       TEXT,
    created_at TEXT NOT NULL,
    revert     TEXT NOT NULL,
    undone_at  TEXT
);
ALTER TABLE case_corrections ADD COLUMN action_id INTEGER;

-- The numbers linking gave before: kept as aliases of the cases that hold them now.
INSERT INTO case_registry (number, anchor, own, issued_at)
    SELECT number, MIN(release_id), 0, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM case_members GROUP BY number ORDER BY number;
INSERT OR IGNORE INTO case_registry (number, anchor, own, issued_at)
    SELECT a.old_number, r.anchor, 0, r.issued_at
    FROM case_aliases a JOIN case_registry r ON r.number = a.number;
-- Old pinned numbers named cases by the old form; the registry names them now.
DELETE FROM case_corrections WHERE kind = 'number';
INSERT OR REPLACE INTO store_state SELECT 'links_stale', '1' WHERE EXISTS (SELECT 1 FROM releases);
