import sys, cProfile, pstats, time, os
sys.path.insert(0, "src")
from jikenbo.sources import ReadOptions, expand
from jikenbo.store import open_store
from jikenbo.ingest_parallel import prepare, store_batch
locs = sorted(expand([sys.argv[1]]))
db = sys.argv[2]
if os.path.exists(db): os.remove(db)
store = open_store(db)
prepared = [prepare(l, ReadOptions()) for l in locs]
pr = cProfile.Profile(time.process_time); pr.enable()
t=time.process_time()
for i in range(0, len(prepared), 500):
    store_batch(store, prepared[i:i+500])
t1=time.process_time()
pr.disable()
print("store ms/rel", (t1-t)*1000/len(locs))
pstats.Stats(pr).sort_stats("tottime").print_stats(25)
