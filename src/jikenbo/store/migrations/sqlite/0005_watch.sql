-- Collection: the watch list, every link a source has shown (so each is looked at once), and
-- the releases each source brought.
CREATE TABLE watch_sources (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL DEFAULT 'auto',  -- auto, feed, page, sitemap
    every_seconds  INTEGER,                       -- NULL: checked on every run
    organization   TEXT,                          -- issuer for notices that do not name one
    include        TEXT NOT NULL DEFAULT '[]',    -- JSON list of patterns a link must match
    exclude        TEXT NOT NULL DEFAULT '[]',    -- JSON list of patterns a link must not match
    added_at       TEXT NOT NULL,
    etag           TEXT,                          -- validators of the last 200, for 304s
    last_modified  TEXT,
    last_checked   TEXT,
    last_status    TEXT,                          -- ok, not_modified, failed, robots
    last_message   TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,    -- consecutive; drives the back-off
    next_check     TEXT                           -- NULL: due now
);

-- One row per link seen on a source. decision: incident (stored), skipped (not an incident,
-- or refused by robots.txt) or failed (retried on a later run).
CREATE TABLE watch_links (
    source_id      INTEGER NOT NULL REFERENCES watch_sources(id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    link_text      TEXT NOT NULL,
    decision       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    signature      TEXT NOT NULL DEFAULT '',      -- the feed's updated date or sitemap lastmod
    etag           TEXT,
    last_modified  TEXT,
    first_seen     TEXT NOT NULL,
    last_seen      TEXT NOT NULL,
    PRIMARY KEY (source_id, url)
);

CREATE TABLE watch_releases (
    source_id      INTEGER NOT NULL REFERENCES watch_sources(id) ON DELETE CASCADE,
    release_id     TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    collected_at   TEXT NOT NULL,
    PRIMARY KEY (source_id, release_id)
);
