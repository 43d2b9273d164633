"""Web benchmark: search and page latency with 100,000 releases in SQLite, on loopback.

    .venv/bin/python bench/web_bench.py [--releases 100000] [--requests 2000] [--concurrency 4]

1. Builds (once; kept in bench/out/) a SQLite casebook of re-sampled real releases, made the way
   bench/extract_bench.py makes them, through the normal ingest path (extract, store, index,
   link).
2. Starts `jikenbo serve` on 127.0.0.1 in its own process.
3. A bounded load generator (a fixed number of concurrent clients, each waiting for its answer
   before the next request) sends a reproducible mix of searches (popular terms and 1–4
   character pieces of random titles, with and without facets and sorting) and pages (latest, release, case, category),
   and prints p50/p95/p99 per kind with the machine's figures. The baseline in the same run is
   the cheapest request the server answers (the static stylesheet), so the ratios show what
   the casebook's own work costs on top of HTTP.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import extract_bench  # noqa: E402

OUT = ROOT / "bench" / "out"
TERMS = ["紛失", "誤送", "漏", "市", "USB", "不正アクセス", "ランサムウェア", "個人情報", "委託先",
         "メール", "サポート詐欺", "誤送信", "流出", "水道", "病院", "大学", "パスワード", "氏名",
         "感染", "お詫び"]
FACETS = [{}, {"category": "unauthorized_access"}, {"category": "loss_theft"},
          {"leak": "suspected"}, {"supply_chain": "true"}, {"year": "2024"},
          {"data_type": "name"}, {"sort": "affected"}]


def _extract(locator: str):
    from jikenbo.pipeline import extract_source
    from jikenbo.sources import ReadOptions, load
    return extract_source(load(locator, ReadOptions()))


def build(path: Path, releases: int, seed: int, batch: int = 2000) -> None:
    """The casebook through the pipeline's own stages (extract, store, link), extraction in
    one process per core and a transaction per `batch` sources: the result is what
    `jikenbo ingest` stores, in a fraction of its time (one transaction per file)."""
    from jikenbo.cases import curate
    from jikenbo.pipeline import store_extracted
    from jikenbo.store import open_store

    texts = extract_bench.synthetic(extract_bench.real_releases(), releases, seed)
    partial = path.with_suffix(".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    store = open_store(str(partial))
    started, stored, waiting = time.perf_counter(), 0, []

    def flush() -> None:
        nonlocal stored
        with store.writing():
            for extracted in waiting:
                stored += store_extracted(store, extracted)[0]
        waiting.clear()

    with tempfile.TemporaryDirectory(prefix="jikenbo-web-bench-") as folder, \
            multiprocessing.Pool(os.cpu_count() or 1) as pool:
        paths = extract_bench.write_corpus(texts, folder)
        for done, extracted in enumerate(pool.imap(_extract, paths, chunksize=64), 1):
            waiting.append(extracted)
            if len(waiting) >= batch:
                flush()
                print(f"  stored {done:,}/{len(paths):,} ({time.perf_counter() - started:.0f} s)",
                      flush=True)
        flush()
    outcome = curate.relink(store)
    store.close()
    partial.rename(path)
    print(f"built {path.name}: {stored:,} releases; {outcome.line()} in "
          f"{time.perf_counter() - started:.0f} s")


def requests_mix(db: Path, count: int, seed: int) -> list[tuple[str, str, dict]]:
    rng = random.Random(seed)
    with sqlite3.connect(db) as connection:
        ids = [row[0] for row in connection.execute(
            "SELECT id FROM releases WHERE is_incident ORDER BY id LIMIT 5000")]
        cases = [row[0] for row in connection.execute(
            "SELECT DISTINCT number FROM case_members ORDER BY number LIMIT 5000")]
        titles = [row[0] for row in connection.execute(
            "SELECT title FROM releases WHERE is_incident ORDER BY id LIMIT 5000")]
    out = []
    for _ in range(count):
        if rng.random() < 0.5:
            # Half the terms are popular ones, half are cut from a random title (1–4
            # characters), so many searches meet a term no earlier search asked for.
            term = rng.choice(TERMS)
            if rng.random() < 0.5:
                title = rng.choice(titles).replace(" ", "")
                size = rng.randint(1, 4)
                start = rng.randrange(max(1, len(title) - size))
                term = title[start:start + size] or term
            params = {"q": term, **rng.choice(FACETS)}
            if rng.random() < 0.2:
                params["page"] = str(rng.randint(2, 5))
            out.append(("search", "/search", params))
        else:
            kind = rng.choice(("latest", "release", "case", "category"))
            path = {"latest": "/", "release": f"/releases/{rng.choice(ids)}",
                    "case": f"/cases/{rng.choice(cases)}",
                    "category": f"/categories/{rng.choice(['ransomware', 'loss_theft', 'misdelivery'])}"}[kind]
            out.append(("page", path, {}))
    return out


async def load(base: str, mix: list[tuple[str, str, dict]], concurrency: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for item in mix:
        queue.put_nowait(item)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while not queue.empty():
                kind, path, params = queue.get_nowait()
                started = time.perf_counter()
                response = await http.get(path, params=params)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{path} {params} answered {response.status_code}")
                timings.setdefault(kind, []).append(elapsed)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--workers", type=int, default=2,
                        help="jikenbo serve --workers (default: one per core of this machine)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db = OUT / f"web-{args.releases}-{args.seed}.db"
    print(f"machine: {extract_bench.machine().replace(' (this run pinned to one)', '')}")
    if not db.exists():
        print(f"building {db.name} (once) …", flush=True)
        build(db, args.releases, args.seed)
    with sqlite3.connect(db) as connection:
        count = connection.execute("SELECT COUNT(*) FROM releases").fetchone()[0]
    server = subprocess.Popen([sys.executable, "-m", "jikenbo", "serve", "--db", str(db),
                               "--port", str(args.port), "--workers", str(args.workers)],
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/static/style.css", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        mix = requests_mix(db, args.requests, args.seed)
        asyncio.run(load(base, mix[:100], args.concurrency))  # warm-up, not counted
        baseline = asyncio.run(load(base, [("static", "/static/style.css", {})] * 300,
                                    args.concurrency))["static"]
        timings = asyncio.run(load(base, mix, args.concurrency))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    floor = percentile(baseline, 0.95)
    print(f"casebook: {count:,} releases in SQLite ({db.stat().st_size / 1e6:,.0f} MB); "
          f"{args.requests:,} requests, {args.concurrency} concurrent clients on loopback, "
          f"{args.workers} server process{'es' if args.workers > 1 else ''}")
    print(f"{'kind':8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95/static':>11}")
    for kind, values in [("static", baseline), *sorted(timings.items())]:
        p95 = percentile(values, 0.95)
        print(f"{kind:8} {len(values):5d} {percentile(values, 0.5):8.1f} {p95:8.1f} "
              f"{percentile(values, 0.99):8.1f} {p95 / floor:10.1f}x")
    search95 = percentile(timings["search"], 0.95)
    page95 = percentile(timings["page"], 0.95)
    print(f"targets: p95 search < 50 ms -> {'met' if search95 < 50 else 'NOT met'} "
          f"({search95:.1f}); p95 page < 100 ms -> {'met' if page95 < 100 else 'NOT met'} "
          f"({page95:.1f})")


if __name__ == "__main__":
    main()
