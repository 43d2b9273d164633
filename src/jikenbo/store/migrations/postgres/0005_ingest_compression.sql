-- Ingest (issue #15 item 5): every release's text is stored four times (the source's bytes and
-- text, the release, its first version), its folded text, grams array and evidence beside it;
-- each is compressed as it goes in, and pglz cost the server more CPU per release than any
-- index. lz4 compresses several times faster (new rows only; stored rows stay readable as they
-- are). A server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE sources ALTER COLUMN data SET COMPRESSION lz4,
                        ALTER COLUMN text SET COMPRESSION lz4;
    ALTER TABLE releases ALTER COLUMN text SET COMPRESSION lz4,
                         ALTER COLUMN evidence SET COMPRESSION lz4,
                         ALTER COLUMN link_item SET COMPRESSION lz4,
                         ALTER COLUMN folded SET COMPRESSION lz4,
                         ALTER COLUMN grams SET COMPRESSION lz4;
    ALTER TABLE release_versions ALTER COLUMN text SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END $$;
