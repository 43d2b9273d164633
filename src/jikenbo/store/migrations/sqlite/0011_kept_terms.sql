-- Answers to costly search terms, kept so that the next ingest, restart or web worker does not
-- look them up again in full (store/kept.py): the rowids of the releases containing `term`,
-- up to and including `upto`, as a compressed bitmap; valid while the store's text_changes
-- count and the fold rules give the same `stamp`.
CREATE TABLE kept_terms (
    term    TEXT PRIMARY KEY,
    stamp   TEXT NOT NULL,
    upto    INTEGER NOT NULL,
    matches INTEGER NOT NULL,
    bits    BLOB NOT NULL,
    kept_at TEXT NOT NULL
);
