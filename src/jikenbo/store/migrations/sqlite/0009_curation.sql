-- Field curation and review.
-- release_corrections: a curator's value for one field of one release, logged as a curator
-- action (case_actions) and undone with it. The releases columns hold the value in force (the
-- latest correction of the field, else the extractor's), so search, facets, exports and
-- statistics read corrected values; `extracted` keeps what the extractor said, shown beside the
-- correction, scored by the reviewed-accuracy figures and put back when the correction is undone.
CREATE TABLE release_corrections (
    id          INTEGER PRIMARY KEY,
    release_id  TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,             -- JSON of the record value
    extracted   TEXT NOT NULL,             -- JSON of the extractor's value
    note        TEXT,
    created_at  TEXT NOT NULL,
    action_id   INTEGER NOT NULL           -- case_actions.id
);
CREATE INDEX release_corrections_release ON release_corrections(release_id, field);
CREATE INDEX release_corrections_action ON release_corrections(action_id);

-- Review state: a release is 確認済み while it has a row here (未確認 otherwise).
CREATE TABLE release_reviews (
    id          INTEGER PRIMARY KEY,
    release_id  TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    note        TEXT,
    created_at  TEXT NOT NULL,
    action_id   INTEGER NOT NULL           -- case_actions.id
);
CREATE INDEX release_reviews_release ON release_reviews(release_id);
CREATE INDEX release_reviews_action ON release_reviews(action_id);
