-- Cases: the linker's features per release, the case number of each incident release, and the
-- curator's corrections, which every later linking run respects.
ALTER TABLE releases ADD COLUMN link_item TEXT;   -- JSON of cases.LinkItem

CREATE TABLE case_members (
    release_id TEXT PRIMARY KEY REFERENCES releases(id) ON DELETE CASCADE,
    number     TEXT NOT NULL                      -- YYYY-NNN
);
CREATE INDEX case_members_number ON case_members(number);

-- kind: together (a, b release ids), apart (a, b release ids), number (a release id, b number)
CREATE TABLE case_corrections (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('together', 'apart', 'number')),
    a          TEXT NOT NULL,
    b          TEXT NOT NULL,
    note       TEXT,
    created_at TEXT NOT NULL
);

-- Numbers a case had before a curator renumbered or merged it, so old references still resolve.
CREATE TABLE case_aliases (
    old_number TEXT PRIMARY KEY,
    number     TEXT NOT NULL
);
