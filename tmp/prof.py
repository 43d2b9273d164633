import sys, cProfile, pstats, time
sys.path.insert(0, "src")
from jikenbo.sources import ReadOptions, expand
from jikenbo.store import open_store
from jikenbo.pipeline import extract_source, stored_source, release_rows
from jikenbo.sources import load
from jikenbo.ingest_parallel import Prepared, store_batch
import os
locs = list(expand([sys.argv[1]]))
db = sys.argv[2]
if os.path.exists(db): os.remove(db)
store = open_store(db)
t=time.process_time()
prepared = []
pr = cProfile.Profile(); pr.enable()
for l in locs:
    ex = extract_source(load(l, ReadOptions()))
    prepared.append(Prepared(l, stored_source(ex), tuple(release_rows(ex))))
pr.disable()
t1=time.process_time()
print("extract ms/rel", (t1-t)*1000/len(locs))
pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
pr = cProfile.Profile(); pr.enable()
t=time.process_time()
for i in range(0, len(prepared), 500):
    store_batch(store, prepared[i:i+500])
t1=time.process_time()
pr.disable()
print("store ms/rel", (t1-t)*1000/len(locs))
pstats.Stats(pr).sort_stats("tottime").print_stats(30)
