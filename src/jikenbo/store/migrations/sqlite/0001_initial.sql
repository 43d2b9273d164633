-- Sources keep the archived original (リリース文アーカイブ): bytes as fetched and decoded text.
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    locator      TEXT NOT NULL,            -- path as given, URL, or "-"
    version      INTEGER NOT NULL,         -- 1, 2, … for changed content at the same locator
    sha256       TEXT NOT NULL,
    kind         TEXT NOT NULL,            -- text, html, pdf
    encoding     TEXT,
    title        TEXT,
    fetched_at   TEXT NOT NULL,
    data         BLOB NOT NULL,
    text         TEXT NOT NULL,
    UNIQUE (locator, sha256),
    UNIQUE (locator, version)
);

CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    number       TEXT UNIQUE,              -- YYYY-NNN
    created_at   TEXT NOT NULL
);

-- One row per distinct release text (id = sha256 of its normalised text).
CREATE TABLE releases (
    id               TEXT PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES sources(id),
    start_offset     INTEGER NOT NULL,
    end_offset       INTEGER NOT NULL,
    heading          TEXT NOT NULL,
    text             TEXT NOT NULL,
    case_id          TEXT,
    organization     TEXT,
    title            TEXT NOT NULL,
    published        TEXT,
    earlier_releases TEXT NOT NULL,        -- JSON list of dates
    is_incident      INTEGER NOT NULL,
    supply_chain     INTEGER NOT NULL,
    vendors          TEXT NOT NULL,        -- JSON list
    categories       TEXT NOT NULL,        -- JSON list; also in release_categories for facets
    data_types       TEXT NOT NULL,        -- JSON list; also in release_data_types for facets
    affected_count   INTEGER,
    leak_status      TEXT NOT NULL,
    evidence         TEXT NOT NULL,        -- JSON list of {field, rule, start, end, text}
    case_ref         INTEGER REFERENCES cases(id),
    ingested_at      TEXT NOT NULL
);
CREATE INDEX releases_published ON releases(published);
CREATE INDEX releases_organization ON releases(organization);
CREATE INDEX releases_case_id ON releases(case_id);

CREATE TABLE release_categories (
    release_id TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    category   TEXT NOT NULL,
    PRIMARY KEY (release_id, category)
);
CREATE TABLE release_data_types (
    release_id TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    data_type  TEXT NOT NULL,
    PRIMARY KEY (release_id, data_type)
);

-- Every place a release text was seen (the same post can stand on several pages).
CREATE TABLE occurrences (
    release_id   TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    PRIMARY KEY (release_id, source_id, start_offset)
);
