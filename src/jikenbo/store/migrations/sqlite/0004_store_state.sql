-- Facts about the store as a whole. `links_stale` is set in the same transaction as any write
-- that changes what linking sees (new releases, corrections) and cleared in the transaction that
-- stores a linking run's numbers: a run killed in between is found and repaired by the next
-- command. A database from before this table is marked stale if it holds releases.
CREATE TABLE store_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO store_state SELECT 'links_stale', '1' WHERE EXISTS (SELECT 1 FROM releases);
