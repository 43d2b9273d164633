-- Full-text search over releases (both indexes hold normalised text, so ＵＳＢ finds USB):
-- release_fts: FTS5 trigram, for terms of three characters or more;
-- release_grams: every distinct character and character pair of a release as a token, for
-- one- and two-character terms such as 紛失 or 誤送, which a trigram index cannot answer.
CREATE VIRTUAL TABLE release_fts USING fts5(heading, body, content='', tokenize='trigram');
CREATE VIRTUAL TABLE release_grams USING fts5(grams, content='', detail=none,
                                              tokenize='unicode61 remove_diacritics 0');
ALTER TABLE releases ADD COLUMN searchable INTEGER NOT NULL DEFAULT 0;
CREATE INDEX releases_unsearchable ON releases(searchable) WHERE searchable = 0;
CREATE INDEX releases_incident_published ON releases(is_incident, published);
CREATE INDEX releases_affected ON releases(affected_count);
CREATE INDEX release_categories_category ON release_categories(category, release_id);
CREATE INDEX release_data_types_type ON release_data_types(data_type, release_id);
