-- Search's columns in a table of their own (issue #15, measured at a million releases).
--
-- A term is looked up through a GIN index, which gives the pages of the matching rows; each page
-- is then read for the rows' rowids. In `releases` a row is ~1.5 kB (its record beside the
-- search columns), six to a page: a character pair in 750,000 of a million releases read
-- 158,000 pages, 1.2 GB, for 750,000 numbers. Here a row is its rowid and two pointers into the
-- TOAST table, ~120 bytes: toast_tuple_target 128 moves the folded text out of the row too (at
-- the default, 2 kB, a folded text that compresses to under 2 kB stays in it: 1.1 kB a row).
--
-- And the lookups run with work_mem enough for an exact bitmap of those pages. With the default
-- 4 MB the bitmap of a common pair at a million releases turns lossy, and every row of a lossy
-- page is tested again, which reads its whole grams array or folded text: 30 s where the exact
-- bitmap took 1 s. 64 MB holds the exact bitmap of ~900,000 pages.
SET LOCAL maintenance_work_mem = '256MB';

CREATE TABLE release_search (
    rowid  bigint PRIMARY KEY REFERENCES releases(rowid) ON DELETE CASCADE,
    folded text NOT NULL,     -- heading and text normalised and folded (terms of 3+ characters)
    grams  text[] NOT NULL    -- their distinct characters and character pairs (紛失, 誤送, 市)
) WITH (toast_tuple_target = 128);
DO $$
BEGIN
    ALTER TABLE release_search ALTER COLUMN folded SET COMPRESSION lz4,
                               ALTER COLUMN grams SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END $$;
INSERT INTO release_search (rowid, folded, grams)
    SELECT rowid, folded, grams FROM releases ORDER BY rowid;
ALTER TABLE releases DROP COLUMN folded, DROP COLUMN grams;  -- and their indexes
CREATE INDEX release_search_folded ON release_search USING gin (folded gin_trgm_ops);
CREATE INDEX release_search_grams ON release_search USING gin (grams);

-- 0004's function, on the new table (sequential scans stay off: see 0004).
CREATE OR REPLACE FUNCTION jikenbo_gram_rowids(gram text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan = off
    SET work_mem = '64MB'
    AS $$ SELECT string_agg(rowid::text, ',') FROM release_search WHERE grams @> ARRAY[gram] $$;

-- The releases whose folded text is LIKE a pattern (a term of 3+ characters), as one
-- comma-separated list. EXECUTE plans the statement for the pattern given: pg_trgm's estimate
-- of how many rows match decides between the index and reading the table.
CREATE FUNCTION jikenbo_text_rowids(pattern text) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET work_mem = '64MB'
    AS $$
DECLARE
    found text;
BEGIN
    EXECUTE 'SELECT string_agg(rowid::text, '','') FROM release_search WHERE folded LIKE $1'
        INTO found USING pattern;
    RETURN found;
END $$;
