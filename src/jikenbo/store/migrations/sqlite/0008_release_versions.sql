-- Versions, not duplicates (issue #12 items 3 and 4).
-- A release keeps the id of its first text; each changed text of it read again at a locator it
-- stood on is a numbered version. `releases.text` and the record are the newest version's.
CREATE TABLE release_versions (
    release_id   TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,         -- 1, 2, … in the order they were stored
    content_id   TEXT NOT NULL,            -- release_id() of this version's own text
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    text         TEXT NOT NULL,
    fetched_at   TEXT NOT NULL,            -- when its source was read
    added_at     TEXT NOT NULL,            -- when it was stored
    PRIMARY KEY (release_id, version)
);
CREATE INDEX release_versions_content ON release_versions(content_id);

-- An occurrence now says which text stood there: the release's own (a version) or a
-- near-duplicate of it; a text seen anywhere before is found by it and never stored twice.
ALTER TABLE occurrences ADD COLUMN content_id TEXT;
UPDATE occurrences SET content_id = release_id;
CREATE INDEX occurrences_content ON occurrences(content_id);
CREATE INDEX occurrences_source ON occurrences(source_id);

-- Every release stored so far is its own first version.
INSERT INTO release_versions (release_id, version, content_id, source_id, start_offset,
                              end_offset, text, fetched_at, added_at)
    SELECT r.id, 1, r.id, r.source_id, r.start_offset, r.end_offset, r.text, s.fetched_at,
           r.ingested_at
    FROM releases r JOIN sources s ON s.id = r.source_id;

-- A file input is stored by its name only, never a path of the ingesting machine. The name is
-- what follows the last '/' (rtrim strips the name's characters back to that slash); a path
-- whose name another stored path shares keeps its form rather than merge two files' versions.
-- Pages show the name of those too.
-- The names no other path shares are found once, by grouping, from the paths as they were: a
-- NOT EXISTS per source compared every pair (171 s of CPU for 10,000 sources) and saw the rows
-- it had renamed, so of two versions of one file only the first became its name.
UPDATE sources SET locator = named.name
FROM (SELECT id, substr(locator, length(rtrim(locator, replace(locator, '/', ''))) + 1) AS name
      FROM sources) AS named
WHERE named.id = sources.id
  AND sources.locator LIKE '%/%' AND sources.locator NOT LIKE '%://%'
  AND sources.locator NOT LIKE 'posted:%'
  AND named.name IN (
    SELECT substr(locator, length(rtrim(locator, replace(locator, '/', ''))) + 1)
    FROM sources GROUP BY 1 HAVING count(DISTINCT locator) = 1);
