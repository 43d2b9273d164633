"""Ingest throughput on SQLite: what the parent of `jikenbo ingest --jobs N` spends per release.

    .venv/bin/python bench/store_bench.py [--releases 3000] [--jobs 2] [--batch 500]

1. Writes `--releases` re-sampled releases (bench/scale_bench.py's way: real releases of the
   corpus with other issuers, counts and years) to a temporary folder.
2. Extraction in this process, timed alone: CPU ms per release of reading, extracting and
   preparing the rows a worker hands back (ingest_parallel.prepare).
3. Storing alone, timed: the prepared releases stored in batches of `--batch` sources
   (ingest_parallel.store_batch) into a new database — the parent's CPU ms per release, which
   caps the whole pipeline since one process writes.
4. End to end: `ingest_parallel.ingest_parallel` with `--jobs` workers into another new
   database; releases/s by wall clock and the parent's CPU ms per release (resource.getrusage,
   so that the workers' time is not counted). The machine may be shared: the CPU figures are
   the ones to compare.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import extract_bench  # noqa: E402
import scale_bench  # noqa: E402
from jikenbo.ingest_parallel import ingest_parallel, prepare, store_batch  # noqa: E402
from jikenbo.sources import ReadOptions, expand  # noqa: E402
from jikenbo.store import open_store  # noqa: E402


def _parent_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(folder: Path, work: Path, jobs: int, batch: int) -> dict[str, float]:
    locators = sorted(expand([str(folder)]))
    count = len(locators)
    started = time.process_time()
    prepared = [prepare(locator, ReadOptions()) for locator in locators]
    extract = time.process_time() - started
    store = open_store(str(work / "stored.db"))
    started = time.process_time()
    for first in range(0, count, batch):
        store_batch(store, prepared[first:first + batch])
    stored = time.process_time() - started
    store.close()
    del prepared
    store = open_store(str(work / "parallel.db"))
    cpu, wall = _parent_cpu(), time.perf_counter()
    summary = ingest_parallel(store, locators, ReadOptions(), jobs)
    cpu, wall = _parent_cpu() - cpu, time.perf_counter() - wall
    store.close()
    assert summary.failed == 0, summary.errors[:3]
    return {"releases": count, "extract_ms": 1000 * extract / count,
            "store_ms": 1000 * stored / count, "parent_ms": 1000 * cpu / count,
            "per_s": count / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="store-bench-") as temporary:
        work = Path(temporary)
        real = extract_bench.real_releases()
        scale_bench.write_step(real, args.releases, 2026, work / "releases", 0, args.releases,
                               args.jobs)
        figures = measure(work / "releases", work, args.jobs, args.batch)
    print(f"releases            {figures['releases']}")
    print(f"extract (CPU)       {figures['extract_ms']:.2f} ms/release")
    print(f"store alone (CPU)   {figures['store_ms']:.2f} ms/release")
    print(f"ingest --jobs {args.jobs}     {figures['per_s']:.0f} releases/s (wall), parent "
          f"{figures['parent_ms']:.2f} ms/release (CPU)")


if __name__ == "__main__":
    main()
