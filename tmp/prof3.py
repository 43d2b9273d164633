import sys, time, os, collections
sys.path.insert(0, "src")
from jikenbo.sources import ReadOptions, expand
from jikenbo.store import open_store
from jikenbo.ingest_parallel import prepare, store_batch
locs = sorted(expand([sys.argv[1]]))
db = sys.argv[2]
if os.path.exists(db): os.remove(db)
store = open_store(db)
prepared = [prepare(l, ReadOptions()) for l in locs]
cost = collections.Counter(); calls = collections.Counter()
class Proxy:
    def __init__(s, db): s._db = db
    def __getattr__(s, n): return getattr(s._db, n)
    def execute(s, sql, *a):
        t = time.process_time(); r = s._db.execute(sql, *a); cost[sql[:70]] += time.process_time() - t; calls[sql[:70]] += 1; return r
    def executemany(s, sql, *a):
        t = time.process_time(); r = s._db.executemany(sql, *a); cost["MANY "+sql[:65]] += time.process_time() - t; calls["MANY "+sql[:65]] += 1; return r
store.db = Proxy(store.db)
t=time.process_time()
for i in range(0, len(prepared), 500):
    store_batch(store, prepared[i:i+500])
t1=time.process_time()
print("store ms/rel", (t1-t)*1000/len(locs))
for k, v in cost.most_common(20): print(f"{v*1000/len(locs):.3f} ms/rel {calls[k]:6d}  {k}")
