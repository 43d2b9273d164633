"""PostgreSQL ingest: releases/s and CPU ms per release of the parent, its workers and the server.

    .venv/bin/python bench/pg_ingest_bench.py [--steps 10000,50000] [--jobs 2]
        [--baseline PATH/TO/OTHER/src] [--statements 12]

1. Writes re-sampled releases (bench/scale_bench.py's, the same seed and files) one step at a
   time: the first step's releases, then those up to the next step.
2. For each code tree — this checkout's src, and `--baseline`'s (another checkout's src, e.g.
   `git archive <commit> src | tar -x -C /tmp/base`) measured before it in the same run — a
   throwaway cluster of its own (scale_bench.throwaway_postgres, with pg_stat_statements
   loaded), and each step ingested by `ingest_parallel` in a process of its own with `--jobs`
   workers.
3. Per step: releases/s by wall clock, and CPU ms per release of the ingesting parent
   (RUSAGE_SELF), its workers (RUSAGE_CHILDREN) and the server (utime+stime of the postmaster's
   processes from /proc, ended ones through the postmaster's cutime/cstime), and the statements
   that cost the server the most time (pg_stat_statements, reset before each step). CPU time is
   what to compare: the machine may be shared, and wall clock moves with its load.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def child(location: str, folder: str, jobs: int) -> dict:
    """One step's ingest in this process, with the code tree of $JIKENBO_SRC."""
    from jikenbo import ingest_parallel as parallel
    from jikenbo.sources import ReadOptions, expand
    from jikenbo.store import open_store
    parallel.WORKER_NICENESS = 0  # nothing else of ours runs: the workers compete as equals
    store = open_store(location)
    started = time.perf_counter()
    summary = parallel.ingest_parallel(store, list(expand([folder])), ReadOptions(), jobs)
    seconds = time.perf_counter() - started
    store.close()
    mine, workers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return {"seconds": seconds, "new": summary.new, "failed": summary.failed,
            "parent_cpu_s": mine.ru_utime + mine.ru_stime,
            "workers_cpu_s": workers.ru_utime + workers.ru_stime}


def server_cpu_s(location: str) -> float:
    """CPU seconds the cluster's processes spent so far (ended backends included)."""
    home = parse_qs(urlsplit(location).query)["host"][0]
    postmaster = int((Path(home) / "data" / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        elif ppid == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def statements(location: str, top: int) -> list[tuple[float, int, str]]:
    import psycopg
    with psycopg.connect(location, autocommit=True) as connection:
        return [(round(row[0], 1), row[1], " ".join(row[2].split())[:110]) for row in
                connection.execute("SELECT total_exec_time, calls, query FROM pg_stat_statements "
                                   "ORDER BY total_exec_time DESC LIMIT %s", (top,))]


def reset_statements(location: str) -> None:
    import psycopg
    with psycopg.connect(location, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        connection.execute("SELECT pg_stat_statements_reset()")


def ingest_step(location: str, folder: Path, jobs: int, src: Path, top: int) -> dict:
    reset_statements(location)
    before = server_cpu_s(location)
    environment = {**os.environ, "PYTHONPATH": str(src), "JIKENBO_SRC": str(src)}
    done = subprocess.run([sys.executable, __file__, "--child", location, str(folder), str(jobs)],
                          capture_output=True, text=True, env=environment)
    if done.returncode != 0:
        raise SystemExit(f"ingest failed:\n{done.stderr[-3000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    time.sleep(2)  # the ingest's backends exit and are reaped: their CPU is the postmaster's
    if found["failed"]:
        raise SystemExit(f"{found['failed']} releases failed to ingest")
    count = found["new"]
    return {"releases": count, "rate": count / found["seconds"],
            "parent_ms": 1000 * found["parent_cpu_s"] / count,
            "workers_ms": 1000 * found["workers_cpu_s"] / count,
            "server_ms": 1000 * (server_cpu_s(location) - before) / count,
            "statements": statements(location, top)}


def print_table(results: dict[str, dict[int, dict]]) -> None:
    print("\n" + " " * 24 + "".join(f"{name:>16} {step // 1000:>3}k" for name in results
                                      for step in results[name]))
    for label, key in (("releases/s", "rate"), ("parent CPU ms/release", "parent_ms"),
                       ("workers CPU ms/release", "workers_ms"),
                       ("server CPU ms/release", "server_ms")):
        print(f"{label:<24}" + "".join(f"{results[name][step][key]:>21,.2f}"
                                       for name in results for step in results[name]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="10000,50000")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline", help="another checkout's src folder, measured first")
    parser.add_argument("--statements", type=int, default=12,
                        help="the statements costing the server most, shown per step")
    parser.add_argument("--only-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, os.environ["JIKENBO_SRC"])
        print(json.dumps(child(args.child[0], args.child[1], int(args.child[2]))))
        return
    sys.path.insert(0, str(ROOT / "src"))
    import extract_bench
    import scale_bench
    steps = sorted({int(step) for step in args.steps.split(",")})
    trees = {"baseline": Path(args.baseline).resolve()} if args.baseline else {}
    if not args.only_baseline:
        trees["this checkout"] = ROOT / "src"
    print(f"machine: {extract_bench.machine()}; {args.jobs} workers; load average "
          f"{', '.join(f'{load:.1f}' for load in os.getloadavg())}", flush=True)
    real = extract_bench.real_releases()
    original = scale_bench.subprocess.run

    def run(command, *rest, **kwargs):  # the bench's cluster, with pg_stat_statements loaded
        command = [part.replace("-c shared_buffers", "-c shared_preload_libraries="
                                "pg_stat_statements -c shared_buffers") for part in command]
        return original(command, *rest, **kwargs)

    scale_bench.subprocess.run = run
    results: dict[str, dict[int, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="jikenbo-pgingest-") as tmp:
        previous = 0
        for step in steps:
            scale_bench.write_step(real, steps[-1], args.seed, Path(tmp) / f"step-{step}",
                                   previous, step, args.jobs)
            previous = step
        for name, src in trees.items():
            with scale_bench.throwaway_postgres() as location:
                for step in steps:
                    found = ingest_step(location, Path(tmp) / f"step-{step}", args.jobs, src,
                                        args.statements)
                    results.setdefault(name, {})[step] = found
                    print(f"{name}, up to {step:,}: {found['releases']:,} releases at "
                          f"{found['rate']:,.0f}/s; CPU ms/release parent "
                          f"{found['parent_ms']:.2f}, workers {found['workers_ms']:.2f}, server "
                          f"{found['server_ms']:.2f}", flush=True)
                    for total, calls, query in found["statements"]:
                        print(f"    {total:>10,.0f} ms {calls:>8,}×  {query}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"pg-ingest-{int(time.time())}.json").write_text(json.dumps(results, indent=1))
    print_table(results)

if __name__ == "__main__":
    main()
