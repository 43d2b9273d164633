import sys, time, os, collections
sys.path.insert(0, "src")
from jikenbo.sources import ReadOptions, expand
from jikenbo.store import open_store
from jikenbo.ingest_parallel import prepare, store_batch
locs = sorted(expand([sys.argv[1]]))
prepared = [prepare(l, ReadOptions()) for l in locs]
for cfg in [(), (("hashsize", 16<<20),), (("hashsize", 16<<20), ("automerge", 8))]:
    db = "/tmp/sqlfast-t.db"
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db+ext): os.remove(db+ext)
    store = open_store(db)
    for name, value in cfg:
        for table in ("release_fts", "release_grams"):
            store.db.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)", (name, value))
    t=time.process_time()
    for i in range(0, len(prepared), 500):
        store_batch(store, prepared[i:i+500])
    t1=time.process_time()
    q=time.process_time()
    for term in ["不正アクセス", "個人情報", "パスワード", "ランサムウェア"]*20:
        store.db.execute("SELECT group_concat(rowid) FROM release_fts WHERE release_fts MATCH ?", ('"'+term+'"',)).fetchone()
    for term in ["紛失", "漏", "委託"]*20:
        store.db.execute("SELECT group_concat(rowid) FROM release_grams WHERE release_grams MATCH ?", ('"'+term+'"',)).fetchone()
    q1=time.process_time()
    segs = store.db.execute("SELECT count(*) FROM release_fts_data").fetchone()[0]
    print(cfg, f"store {(t1-t)*1000/len(locs):.3f} ms/rel, 140 queries {1000*(q1-q):.1f} ms, fts data rows {segs}", flush=True)
    store.close()
