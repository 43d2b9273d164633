-- Storing a batch of releases spent most of its time in the full-text index (issue #15).

-- FTS5 keeps the terms of the releases being stored in memory until `hashsize` bytes, then
-- writes them out as a new segment that later merges rewrite again, level after level. With
-- the default 1 MB a 500-release batch of the trigram index became several small segments;
-- with 8 MB it is one, and the index written per release stops growing as fast with its size.
-- The setting is kept in the tables' own configuration, so every connection uses it.
INSERT INTO release_fts(release_fts, rank) VALUES ('hashsize', 8388608);
INSERT INTO release_grams(release_grams, rank) VALUES ('hashsize', 8388608);

-- Indexes that every stored release wrote into and no query reads: facets are counted from
-- in-memory columns (store/facet_columns.py), statistics join the tags on release_id (their
-- primary key), a release's versions are found by release_id, and nothing sorts or filters
-- by affected_count in SQL.
DROP INDEX IF EXISTS releases_affected;
DROP INDEX IF EXISTS release_categories_category;
DROP INDEX IF EXISTS release_data_types_type;
DROP INDEX IF EXISTS release_versions_content;
