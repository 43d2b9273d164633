"""Web benchmark: search and page latency with 100,000 releases in SQLite, on loopback, for
this checkout's code and for the code of an earlier revision ("before", default `main`) in
the same run.

    .venv/bin/python bench/web_bench.py [--releases 100000] [--requests 2000] [--before main]

1. Builds (once per size and seed; kept in bench/out/) a SQLite casebook of re-sampled real
   releases, made as bench/scale_bench.py makes them (every issuer with a prefix of its own, so
   that 100,000 releases are 100,000 distinct releases, not occurrences of a few thousand),
   stored as `jikenbo ingest --jobs N` stores them and relinked.
2. Starts `jikenbo serve` on 127.0.0.1 in its own process: first the "before" revision's code
   (exported with `git archive` into a temporary folder), then this checkout's, each over the
   same casebook with the same request mix.
3. A bounded load generator (a fixed number of concurrent clients, each waiting for its answer
   before the next request) sends a reproducible mix of searches (1-, 2- and 3+-character
   terms, several words, phrases, and several facet values chosen or excluded with a date
   range) and pages (latest, release, case, category, organisation, case list, vendor), and
   prints p50/p95 per kind for both. Folding and snippets are on in both (the "before" code has
   them as this branch found them). The static stylesheet is the floor: what HTTP alone costs.
   A kind the earlier code cannot answer (a page it does not have) shows "-".
   The load generator is aiohttp (`make bench` installs it): it costs about 0.5 ms CPU per
   request where httpx cost 1.8, and on two cores shared with the server that CPU was queueing
   in front of every answer. The run prints what the generator spent per request.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

try:
    import aiohttp
except ImportError:
    raise SystemExit("bench/web_bench.py needs aiohttp: run `make bench` first") from None

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import extract_bench  # noqa: E402

OUT = ROOT / "bench" / "out"
GENERATOR_CPU: list[float] = []  # the load generator's own CPU ms per request, per measure()
TERMS = ["紛失", "誤送", "漏", "市", "USB", "不正アクセス", "ランサムウェア", "個人情報", "委託先",
         "メール", "サポート詐欺", "誤送信", "流出", "水道", "病院", "大学", "パスワード", "氏名",
         "感染", "お詫び"]


def build(path: Path, releases: int, seed: int) -> None:
    """The casebook as `jikenbo ingest --jobs N` and `jikenbo relink` store it, from releases
    re-sampled as bench/scale_bench.py makes them (each issuer with one of 400 prefixes, so
    that the releases stay distinct ones rather than occurrences of a few hundred)."""
    import scale_bench

    from jikenbo.cases import curate
    from jikenbo.ingest_parallel import default_jobs, ingest_parallel
    from jikenbo.sources import ReadOptions, expand
    from jikenbo.store import open_store

    partial = path.with_suffix(".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jikenbo-web-bench-") as folder:
        scale_bench.write_step(extract_bench.real_releases(), releases, seed, Path(folder), 0,
                               releases, default_jobs())
        print(f"  generated {releases:,} releases ({time.perf_counter() - started:.0f} s)",
              flush=True)
        store = open_store(str(partial))
        summary = ingest_parallel(store, list(expand([folder])), ReadOptions(), default_jobs())
    print(f"  stored {summary.new:,} releases ({time.perf_counter() - started:.0f} s)", flush=True)
    outcome = curate.relink(store)
    store.close()
    partial.rename(path)
    print(f"built {path.name}: {summary.new:,} releases; {outcome.line()} in "
          f"{time.perf_counter() - started:.0f} s")


PHRASES = ["「個人情報」", '"不正アクセス"', "「ランサムウェア」", '"委託先"', "「お詫び」"]
FACET_PICKS = [[("category", "unauthorized_access"), ("category", "ransomware")],
               [("category", "loss_theft"), ("category", "misdelivery"), ("leak", "confirmed")],
               [("not_category", "unauthorized_access"), ("year", "2024"), ("year", "2023")],
               [("from", "2023-04"), ("to", "2024-03"), ("data_type", "name")],
               [("year", "unknown"), ("supply_chain", "true")],
               [("month", "2024-07"), ("not_leak", "none"), ("sort", "affected")]]


def requests_mix(db: Path, count: int, seed: int) -> list[tuple[str, str, list]]:
    """(kind, path, parameters): half searches of six kinds, half pages of seven."""
    rng = random.Random(seed)
    with sqlite3.connect(db) as connection:
        ids = [row[0] for row in connection.execute(
            "SELECT id FROM releases WHERE is_incident ORDER BY id LIMIT 5000")]
        cases = [row[0] for row in connection.execute(
            "SELECT DISTINCT number FROM case_members ORDER BY number LIMIT 5000")]
        titles = [row[0].replace(" ", "") for row in connection.execute(
            "SELECT title FROM releases WHERE is_incident ORDER BY id LIMIT 5000")]
        organizations = [row[0] for row in connection.execute(
            "SELECT organization FROM releases WHERE is_incident AND organization IS NOT NULL "
            "ORDER BY id LIMIT 5000")]
        vendors = [json.loads(row[0])[0] for row in connection.execute(
            "SELECT vendors FROM releases WHERE is_incident AND vendors <> '[]' "
            "ORDER BY id LIMIT 5000")]

    def piece(size: int) -> str:
        """`size` characters cut from a random title: often a term no earlier search asked."""
        title = rng.choice([t for t in rng.sample(titles, 20) if len(t) > size] or titles)
        start = rng.randrange(max(1, len(title) - size))
        return title[start:start + size]

    searches = {
        "s:1char": lambda: [("q", piece(1))],
        "s:2char": lambda: [("q", rng.choice([piece(2), "紛失", "誤送", "流出", "感染"]))],
        "s:3+char": lambda: [("q", rng.choice([piece(rng.randint(3, 5)), *TERMS]))],
        "s:words": lambda: [("q", f"{rng.choice(TERMS)} {rng.choice(TERMS)}")],
        "s:phrase": lambda: [("q", rng.choice(PHRASES))],
        "s:facets": lambda: [("q", rng.choice(TERMS + [""])), *rng.choice(FACET_PICKS)],
    }
    pages = {
        "p:latest": lambda: ("/", []),
        "p:release": lambda: (f"/releases/{rng.choice(ids)}", []),
        "p:case": lambda: (f"/cases/{rng.choice(cases)}", []),
        "p:category": lambda: (f"/categories/{rng.choice(['ransomware', 'loss_theft', 'misdelivery'])}",
                               [("page", str(rng.randint(1, 5)))]),
        "p:org": lambda: (f"/organizations/{quote(rng.choice(organizations), safe='')}", []),
        "p:cases": lambda: ("/cases", [("page", str(rng.randint(1, 3)))]),
        "p:vendor": lambda: (f"/vendors/{quote(rng.choice(vendors), safe='')}", []),
    }
    out = []
    for _ in range(count):
        if rng.random() < 0.5:
            kind = rng.choice(sorted(searches))
            params = searches[kind]()
            if rng.random() < 0.2:
                params.append(("page", str(rng.randint(2, 5))))
            out.append((kind, "/search", params))
        else:
            kind = rng.choice(sorted(pages))
            out.append((kind, *pages[kind]()))
    return out


async def load(base: str, mix: list[tuple[str, str, list]], concurrency: int,
               strict: bool = True) -> dict[str, list[float]]:
    """Latency in ms per kind. Not strict (the earlier code): answers other than 200 (a page
    it does not have) are left out of the figures instead of stopping the run."""
    timings: dict[str, list[float]] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for item in mix:
        queue.put_nowait(item)

    async def client(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            kind, path, params = queue.get_nowait()
            started = time.perf_counter()
            async with http.get(path, params=params) as response:
                await response.read()
                status = response.status
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                if strict:
                    raise SystemExit(f"{path} {params} answered {status}")
                continue
            timings.setdefault(kind, []).append(elapsed)

    # a connection per request: a kept-alive connection stays with the server process that
    # accepted it, and a run in which three or four of the four landed on one process measured
    # that process alone (the same code came out up to 2x apart between runs); a new connection
    # is accepted by whichever process is waiting, as many people's browsers would be served
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=True)
    async with aiohttp.ClientSession(base, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=60)) as http:
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(db: Path, mix: list, args: argparse.Namespace, source: Path | None
            ) -> tuple[list[float], dict[str, list[float]]]:
    """Serve the casebook with the code under `source` (this checkout's when None) and time
    the static floor and the mix."""
    env = {**os.environ}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    server = subprocess.Popen([sys.executable, "-m", "jikenbo", "serve", "--db", str(db),
                               "--port", str(args.port), "--workers", str(args.workers)],
                              stderr=subprocess.DEVNULL, env=env,
                              cwd=str(source) if source else None)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/static/style.css", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        asyncio.run(load(base, mix[:100], args.concurrency, strict=False))  # warm-up
        floor = asyncio.run(load(base, [("static", "/static/style.css", [])] * 300,
                                 args.concurrency))["static"]
        spent = time.process_time()
        timings = asyncio.run(load(base, mix, args.concurrency, strict=source is None))
        GENERATOR_CPU.append((time.process_time() - spent) * 1000 / len(mix))
        return floor, timings
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def exported(revision: str, folder: str) -> Path:
    """The source tree of a git revision, unpacked into `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return Path(folder)


def report(before: dict[str, list[float]], after: dict[str, list[float]]) -> None:
    def cell(values: list[float] | None, share: float) -> str:
        return f"{percentile(values, share):8.1f}" if values else f"{'-':>8}"

    print(f"{'kind':10} {'n':>5} {'before p50':>10} {'p95':>8} {'after p50':>10} {'p95':>8}")
    for kind in sorted(after, key=lambda k: (k != "static", k)):
        print(f"{kind:10} {len(after[kind]):5d} {cell(before.get(kind), .5):>10} "
              f"{cell(before.get(kind), .95)} {cell(after[kind], .5):>10} "
              f"{cell(after[kind], .95)}")
    for name, prefix in (("search", "s:"), ("page", "p:")):
        for label, timings in (("before", before), ("after", after)):
            every = [v for kind, values in timings.items() if kind.startswith(prefix)
                     for v in values]
            if every:
                print(f"{name + ' (all)':14} {label:6} n={len(every):5d} "
                      f"p50 {percentile(every, .5):6.1f}  p95 {percentile(every, .95):6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--workers", type=int, default=2,
                        help="jikenbo serve --workers (default: one per core of this machine)")
    parser.add_argument("--before", default="main",
                        help="git revision whose code gives the 'before' figures ('' to skip)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db = OUT / f"web-{args.releases}-{args.seed}-distinct.db"
    print(f"machine: {extract_bench.machine().replace(' (this run pinned to one)', '')}; "
          f"load average {os.getloadavg()[0]:.1f}")
    if not db.exists():
        print(f"building {db.name} (once) …", flush=True)
        build(db, args.releases, args.seed)
    with sqlite3.connect(db) as connection:
        count = connection.execute("SELECT COUNT(*) FROM releases").fetchone()[0]
    mix = requests_mix(db, args.requests, args.seed)
    before: dict[str, list[float]] = {}
    if args.before:
        with tempfile.TemporaryDirectory(prefix="jikenbo-before-") as folder:
            floor, before = measure(db, mix, args, exported(args.before, folder))
            before["static"] = floor
    floor, after = measure(db, mix, args, None)
    after["static"] = floor
    print(f"casebook: {count:,} releases in SQLite ({db.stat().st_size / 1e6:,.0f} MB); "
          f"{args.requests:,} requests, {args.concurrency} concurrent clients on loopback, "
          f"{args.workers} server process{'es' if args.workers > 1 else ''}; "
          f"before = {args.before or '(skipped)'}, after = this checkout")
    report(before, after)
    names = ["before", "after"][-len(GENERATOR_CPU):]
    print("load generator (aiohttp), CPU ms per request: "
          + ", ".join(f"{name} {ms:.2f}" for name, ms in zip(names, GENERATOR_CPU)))
    search95 = percentile([v for k, vs in after.items() if k.startswith("s:") for v in vs], .95)
    page95 = percentile([v for k, vs in after.items() if k.startswith("p:") for v in vs], .95)
    print(f"targets (after): p95 search < 50 ms -> {'met' if search95 < 50 else 'NOT met'} "
          f"({search95:.1f}); p95 page < 100 ms -> {'met' if page95 < 100 else 'NOT met'} "
          f"({page95:.1f})")


if __name__ == "__main__":
    main()
