-- The releases holding a 1–2 character term, as one comma-separated list of rowids.
-- A character such as 漏 stands in half the releases, and the planner then prefers reading the
-- whole table, which detoasts every release's grams array (~3 kB each): 585 ms at 10k releases,
-- growing with the table. The GIN index answers `@>` exactly (no recheck), so fetching the
-- matching rows through it costs only their rowids: the function turns sequential scans off for
-- this one statement (a function's SET clause holds for its own body only).
CREATE FUNCTION jikenbo_gram_rowids(gram text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan = off
    AS $$ SELECT string_agg(rowid::text, ',') FROM releases WHERE grams @> ARRAY[gram] $$;
