-- The day the issuer became aware of the incident (extension field `discovered`, YYYY-MM-DD);
-- PPC reporting deadlines count from it. Releases stored before this migration read null
-- until they are extracted again.
ALTER TABLE releases ADD COLUMN discovered TEXT;
