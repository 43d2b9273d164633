"""Scale benchmark: a million re-sampled releases on SQLite and PostgreSQL, measured in one run.

    .venv/bin/python bench/scale_bench.py [--releases 1000000] [--steps 100000,1000000]
        [--backends sqlite,postgresql] [--pg-url postgresql://…] [--jobs N] [--queries 40]
        [--keep DIR] [--chunk 100000] [--reread]

1. Generates the releases the way bench/extract_bench.py does (a real release of the project's
   corpus with another issuer, counts redrawn, paragraphs rotated, years moved back, a casebook
   number of its own) and, so that a million releases do not make a few hundred issuers with
   thousands of releases each, gives each issuer one of 400 two-kanji prefixes. They are
   streamed to text files, one step at a time (never all in memory), a thousand to a folder,
   each thousand drawn from a seed of its own by one of `--jobs` processes, and deleted once
   stored.
2. For each step and each backend: `jikenbo ingest --jobs N`'s library path in a process of its
   own (extraction in worker processes, batched writes), then a full relink in another, then
   `jikenbo serve` on loopback read by one client: searches of 1, 2 and 3+ characters and of
   several terms, half of them with a facet, and pages (latest, release, case, category).
3. Prints the machine, then each figure per backend and step side by side, and how it grew
   from the first step to the last: ingest releases/s, relink time, search and page p50/p95,
   the first search (the facet index being built), database size and the peak memory (maxrss)
   of every process — ingest parent, its workers, relink, server. The table so far is printed,
   and every figure saved to bench/out/scale-*.json, after each step.

PostgreSQL: `--pg-url` names an empty database; without it a throwaway cluster is started
(`initdb` + `pg_ctl` on a Unix socket in a temporary directory, UTF-8 ctype) and removed after.
A backend that cannot be opened is reported as skipped, with the reason, and the rest runs.

A run of a million takes hours. Each step is ingested `--chunk` releases at a time (generated,
stored on every backend, deleted). With `--keep DIR` the databases (the SQLite file, the
PostgreSQL cluster) and `DIR/progress.json` stay in DIR: run the same command again after an
interruption and it goes on from the last chunk every backend finished (a chunk cut off midway
is ingested again: what it had stored counts as seen, not new, so the rate counts only the
releases stored in the measured time). The ingest figures of a step are the sums (time, CPU,
releases) and maxima (memory) over its chunks. `--reread` with the same command measures the
reads of the kept casebooks again (no ingest, no relink) and prints them beside the figures saved
at their last step: a change to search measured at a million without storing it again.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import extract_bench  # noqa: E402

_TAGS = "東西南北上中下新大小本高山川田野村松宮森"
BLOCK = 1000          # releases per generated folder (and per generating task)
START_LIMIT_S = 1800  # a server that has not answered by then is reported, not waited for
VENDOR_TAGS = 20_000  # each contractor of the real corpus becomes up to this many contractors
_LEGAL = re.compile(r"株式会社|有限会社|\(株\)")
SEARCHES = {
    "1 char": ["漏", "市", "県", "社", "病", "学"],
    "2 chars": ["紛失", "誤送", "流出", "感染", "氏名", "委託"],
    "3+ chars": ["不正アクセス", "ランサムウェア", "個人情報", "パスワード", "委託先", "お詫び"],
    "multi-term": ["不正アクセス 個人情報", "紛失 USB", "誤送信 メール", "流出 委託先",
                   "ランサムウェア 暗号化", "市 漏えい"],
}
FACETS = [{"category": "unauthorized_access"}, {"category": "loss_theft"}, {"leak": "suspected"},
          {"supply_chain": "true"}, {"year": "2023"}, {"data_type": "name"}, {"sort": "affected"}]


# -- the releases --------------------------------------------------------------------------
def resampled(real: list[tuple[str, tuple[str, ...], str]], count: int,
              seed: int, first: int = 0) -> Iterator[str]:
    """extract_bench.synthetic, one release at a time, with a prefix on each issuer; the
    casebook numbers run from `first`."""
    rng = random.Random(seed)
    issuers = sorted({issuer for issuer, _, _ in real if len(issuer) >= 2})
    for serial in range(first, first + count):
        issuer, vendors, text = rng.choice(real)
        if issuer:
            text = text.replace(issuer, _tagged(rng.choice(issuers), rng))
        for vendor in vendors:
            tag = str(rng.randrange(VENDOR_TAGS))
            legal = _LEGAL.search(vendor)
            text = text.replace(vendor, vendor[:legal.start()] + tag + vendor[legal.start():]
                                if legal and legal.start() > 0 else vendor + tag)
        back = rng.randrange(7)
        text = extract_bench._YEAR.sub(lambda m: str(int(m.group(0)) - back), text)
        text = extract_bench._CASE_NUMBER.sub(
            lambda m: f"{m.group(1)}{int(m.group(2)) - back}-{100000 + serial}", text)
        text = extract_bench._COUNT.sub(
            lambda m: f"{rng.randint(1, 10 ** min(len(m.group(0)), 6)):,}", text)
        head, _, body = text.partition("\n")
        paragraphs = body.split("\n\n")
        if len(paragraphs) > 3:
            cut = rng.randrange(1, len(paragraphs))
            paragraphs = paragraphs[cut:] + paragraphs[:cut]
        yield head + "\n" + "\n\n".join(paragraphs)


def _tagged(issuer: str, rng: random.Random) -> str:
    """`白井市` → `山村白井市`; `株式会社X` → `株式会社山村X` (the extractor keeps either)."""
    tag = rng.choice(_TAGS) + rng.choice(_TAGS)
    legal = _LEGAL.match(issuer)
    return issuer[:legal.end()] + tag + issuer[legal.end():] if legal else tag + issuer


def write_block(real: list[tuple[str, tuple[str, ...], str]], count: int, seed: int,
                folder: Path, block: int) -> None:
    """Releases `block * 1000`…, a thousand to a folder, drawn with a seed of the block's own:
    the same releases whichever process writes them and however the steps are cut."""
    first = block * BLOCK
    releases = resampled(real, min(BLOCK, count - first), seed * 1_000_003 + block, first)
    for serial in range(first, min(first + BLOCK, count)):
        path = folder / f"{block:04d}" / f"{serial:07d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(next(releases), encoding="utf-8")


def write_step(real: list[tuple[str, tuple[str, ...], str]], count: int, seed: int,
               folder: Path, first: int, stop: int, jobs: int) -> None:
    """Releases `first`…`stop - 1` as text files, the blocks shared among `jobs` processes."""
    from concurrent.futures import ProcessPoolExecutor
    blocks = range(first // BLOCK, -(-stop // BLOCK))
    with ProcessPoolExecutor(max(1, jobs)) as pool:
        for done in pool.map(write_block, *zip(*[(real, stop, seed, folder, block)
                                                 for block in blocks])):
            pass


# -- the measured processes ----------------------------------------------------------------
def peaks() -> dict[str, float]:
    """Peak memory of this process and of its largest child (maxrss), and the CPU seconds of
    both together (what the machine's load does not change much)."""
    mine, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                          resource.RUSAGE_CHILDREN))
    return {"peak_mb": mine.ru_maxrss / 1024, "children_peak_mb": children.ru_maxrss / 1024,
            "cpu_s": sum(usage.ru_utime + usage.ru_stime for usage in (mine, children))}


def child_ingest(location: str, folder: str, jobs: int) -> dict:
    from jikenbo import ingest_parallel as parallel
    from jikenbo.ingest_parallel import ingest_parallel
    # Nothing else of ours runs meanwhile: the workers need not yield to a web server (the
    # niceness they take by default), only compete as equals with whatever else the machine runs.
    parallel.WORKER_NICENESS = 0
    from jikenbo.sources import ReadOptions, expand
    from jikenbo.store import open_store
    store = open_store(location)
    started = time.perf_counter()
    summary = ingest_parallel(store, list(expand([folder])), ReadOptions(), jobs)
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds, "new": summary.new, "failed": summary.failed, **peaks()}


def child_relink(location: str) -> dict:
    from jikenbo.cases import curate
    from jikenbo.store import open_store
    store = open_store(location)
    started = time.perf_counter()
    outcome = curate.relink(store)
    seconds = time.perf_counter() - started
    counts = store.counts()
    store.close()
    return {"seconds": seconds, "cases": outcome.cases, "releases": counts["releases"],
            **peaks()}


def in_child(*args: str) -> dict:
    """Run one measured stage in a fresh process (its peak memory is its own)."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"stage {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- reading through the web server --------------------------------------------------------
@contextmanager
def server(location: str, port: int) -> Iterator[tuple[str, int, float]]:
    import httpx
    OUT.mkdir(exist_ok=True)
    log = (OUT / "scale-serve.log").open("ab")  # a reader error's traceback, kept to look at
    process = subprocess.Popen([sys.executable, "-m", "jikenbo", "serve", "--db", location,
                                "--port", str(port)], stderr=log)
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    try:
        # A server opens the casebook (migrating it when it is older) and builds its facet
        # index before it listens: at a million releases that takes minutes, so it is waited
        # for while it runs, and timed. Warming (web/warm.py) then goes on beside the reads.
        while process.poll() is None and time.perf_counter() - started < START_LIMIT_S:
            try:
                httpx.get(base + "/static/style.css", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"jikenbo serve did not answer (exit {process.poll()}, "
                             f"{time.perf_counter() - started:,.0f} s); see {log.name}")
        yield base, process.pid, time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def high_water_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def read_mix(base: str, queries: int, seed: int) -> dict[str, list[float]]:
    import httpx
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {}
    with httpx.Client(base_url=base, timeout=120) as http:
        started = time.perf_counter()
        found = http.get("/api/search", params={"q": "お詫び", "per_page": 100}).json()["items"]
        timings["first search"] = [(time.perf_counter() - started) * 1000]
        ids = [row["id"] for row in found] or ["0" * 64]
        cases = [row["case"] for row in found if row.get("case")] or ["J2024-0001"]

        def timed(kind: str, path: str, params: dict) -> None:
            started = time.perf_counter()
            try:
                status = http.get(path, params=params).status_code
            except httpx.TransportError as error:  # the server closed on us, or died
                status = f"{type(error).__name__}: {error}"
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            if status != 200:  # counted and shown (the server's log: bench/out/scale-serve.log)
                timings.setdefault("errors", []).append(0.0)
                print(f"    {path} {params} answered {status}", flush=True)

        for _ in range(queries):
            for kind, terms in SEARCHES.items():
                facet = rng.choice(FACETS) if rng.random() < 0.5 else {}
                timed(kind, "/search", {"q": rng.choice(terms), **facet})
            page = rng.choice(["/", f"/releases/{rng.choice(ids)}", f"/cases/{rng.choice(cases)}",
                               f"/categories/{rng.choice(['ransomware', 'loss_theft'])}"])
            timed("page", page, {})
    return timings


def database_mb(location: str) -> float:
    if location.startswith("postgresql://"):
        import psycopg
        try:
            with psycopg.connect(location) as connection:
                return connection.execute("SELECT pg_database_size(current_database())"
                                          ).fetchone()[0] / 1e6
        except psycopg.OperationalError as error:  # a figure missing, not the run lost
            print(f"    database size unknown: {str(error).splitlines()[0]}", flush=True)
            return float("nan")
    return sum(path.stat().st_size for path in Path(location).parent.glob(
        Path(location).name + "*")) / 1e6


# -- PostgreSQL ----------------------------------------------------------------------------
@contextmanager
def throwaway_postgres(keep: Path | None = None) -> Iterator[str]:
    """A PostgreSQL cluster of its own on a Unix socket, with a UTF-8 database; removed after,
    or, with `keep`, kept in that folder and started again by the next run.
    initdb refuses to run as root, so as root the server runs as the `postgres` user (its
    folder is a short one of its own in /tmp: a socket path has at most 107 bytes)."""
    home = Path(tempfile.mkdtemp(prefix="jikenbo-pg-"))  # the socket's folder
    data = keep / "postgresql" if keep else home / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    found = shutil.which("initdb")
    binaries = Path(found).parent if found else sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]

    def run(name: str, *arguments: str) -> None:
        subprocess.run([*as_user, str(binaries / name), *arguments], check=True,
                       capture_output=True)

    try:
        fresh = not (data / "PG_VERSION").exists()
        if fresh:
            data.mkdir(parents=True, exist_ok=True)
            if as_user:
                shutil.chown(data, "postgres")
            run("initdb", "-D", str(data), "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                "-A", "trust")
        log = data / "bench-server.log" if keep else home / "log"
        if not fresh and subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data),
                                         "status"], capture_output=True).returncode == 0:
            run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")  # left by a killed run
        run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-o",
            f"-k {home} -c listen_addresses='' -c shared_buffers=256MB", "start")
        try:
            import psycopg
            if fresh:
                with psycopg.connect(f"postgresql:///postgres?host={home}&user=postgres",
                                     autocommit=True) as connection:
                    connection.execute("CREATE DATABASE scale TEMPLATE template0 ENCODING "
                                       "'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'")
            yield f"postgresql:///scale?host={home}&user=postgres"
        finally:
            run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def open_backends(names: list[str], folder: Path, pg_url: str | None, stack,
                  keep: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """Backend name → location, and backend name → why it was skipped."""
    from jikenbo.store import open_store
    locations, skipped = {}, {}
    for name in names:
        try:
            if name == "sqlite":
                location = str(folder / "scale.db")
            elif pg_url:
                location = pg_url
            else:
                if not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin"))):
                    raise RuntimeError("no PostgreSQL server binary (initdb) found")
                location = stack.enter_context(throwaway_postgres(folder if keep else None))
            open_store(location).close()
            locations[name] = location
        except Exception as error:  # noqa: BLE001 — reported in the table, the rest runs
            skipped[name] = f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
    return locations, skipped


# -- the table -----------------------------------------------------------------------------
FIGURES = [  # (label, key, format)
    ("ingest, releases/s", "ingest_rate", "{:,.0f}"),
    ("ingest CPU ms/release", "ingest_cpu_ms", "{:,.2f}"),
    ("ingest parent peak MB", "ingest_mb", "{:,.0f}"),
    ("ingest workers peak MB", "workers_mb", "{:,.0f}"),
    ("relink all, s", "relink_s", "{:,.1f}"),
    ("relink peak MB", "relink_mb", "{:,.0f}"),
    ("cases", "cases", "{:,}"),
    ("server start, s", "start_s", "{:,.1f}"),
    ("first search, ms", "first_ms", "{:,.0f}"),
    *[(f"search {kind} p{share}, ms", f"{kind} p{share}", "{:,.1f}")
      for kind in SEARCHES for share in (50, 95)],
    ("page p50, ms", "page p50", "{:,.1f}"),
    ("page p95, ms", "page p95", "{:,.1f}"),
    ("reader errors (not 200)", "errors", "{:,}"),
    ("server peak MB", "server_mb", "{:,.0f}"),
    ("database MB", "database_mb", "{:,.0f}"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def write_figures(ingest: dict, relink: dict) -> dict[str, float]:
    return {"ingest_rate": ingest["new"] / ingest["seconds"],
            "ingest_cpu_ms": ingest["cpu_s"] * 1000 / max(1, ingest["new"]),
            "ingest_mb": ingest["peak_mb"], "workers_mb": ingest["children_peak_mb"],
            "relink_s": relink["seconds"], "relink_mb": relink["peak_mb"],
            "cases": relink["cases"]}


def read_figures(location: str, queries: int, seed: int) -> dict[str, float]:
    """`jikenbo serve` started on the casebook and read: how long it took to answer, the read
    mix's percentiles, the server's peak memory; and the database's size."""
    with server(location, free_port()) as (base, pid, start_s):
        print(f"    the server answered after {start_s:,.0f} s", flush=True)
        timings = read_mix(base, queries, seed)
        server_mb = high_water_mb(pid)
    found = {"start_s": start_s, "first_ms": timings["first search"][0], "server_mb": server_mb,
             "errors": len(timings.get("errors", ())), "database_mb": database_mb(location)}
    for kind in [*SEARCHES, "page"]:
        for share in (50, 95):
            found[f"{kind} p{share}"] = percentile(timings[kind], share / 100)
    return found


def _short(count: int) -> str:
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    return f"{count // 1000}k" if count % 1000 == 0 else f"{count:,}"


def print_table(results: dict[str, dict[int, dict]], skipped: dict[str, str],
                steps: list[int]) -> None:
    columns = [(name, step) for name in results for step in steps if step in results[name]]
    growth = len(steps) > 1
    header = f"{'':28}" + "".join(f"{f'{name} {_short(step)}':>17}" for name, step in columns)
    if growth:
        header += "".join(f"{f'{name} x{_short(steps[0])}→{_short(steps[-1])}':>22}"
                          for name in results)
    print(header)
    for label, key, form in FIGURES:
        line = f"{label:28}" + "".join(
            f"{form.format(results[n][s][key]) if key in results[n][s] else '—':>17}"
            for n, s in columns)  # a figure added after a kept run's first step: —
        if growth:
            for name in results:
                first = results[name][steps[0]].get(key)
                last = results[name][steps[-1]].get(key)
                line += f"{last / first:>21.2f}x" if first and last is not None else f"{'—':>22}"
        print(line)
    for name, reason in skipped.items():
        print(f"{name}: skipped — {reason}")
    last = steps[-1]
    for name in results:
        found = results[name][last]
        print(f"targets at {_short(last)} on {name}: ingest ≥ 1,000 releases/s -> "
              f"{'met' if found['ingest_rate'] >= 1000 else 'NOT met'} "
              f"({found['ingest_rate']:,.0f}); {search_target(found)}")


def search_target(found: dict) -> str:
    """Whether the worst kind of search met the issue's p95 target."""
    worst = max(found[f"{kind} p95"] for kind in SEARCHES)
    return (f"search p95 < 100 ms -> {'met' if worst < 100 else 'NOT met'} "
            f"(worst kind {worst:,.1f})")


def reread(progress: Progress, locations: dict[str, str], queries: int,
           seed: int) -> dict[str, dict[str, dict]]:
    """The reads of each kept casebook measured again (no ingest, no relink), beside the
    figures saved at its last finished step: how a change of the server's code or of the
    schema (migrated when the server opens the casebook) moves them at full size."""
    again: dict[str, dict[str, dict]] = {}
    for name, location in locations.items():
        done = progress.done.get(name, {})
        if not done:
            print(f"{name}: no finished step is kept; nothing to read again", flush=True)
            continue
        last = max(done, key=int)
        print(f"  {name} at {_short(int(last))}, read again:", flush=True)
        again[name] = {"step": int(last), "saved": done[last],
                       "now": read_figures(location, queries, seed)}
    return again


def print_reread(again: dict[str, dict[str, dict]], skipped: dict[str, str]) -> None:
    header = f"{'':28}"
    for name, found in again.items():
        header += f"{name + ' ' + _short(found['step']) + ' saved':>22}{'now':>10}{'now/saved':>11}"
    print(header)
    for label, key, form in FIGURES:
        if not any(key in found["now"] for found in again.values()):
            continue  # ingest and relink figures: not measured again
        line = f"{label:28}"
        for found in again.values():
            saved, now = found["saved"].get(key), found["now"][key]
            line += f"{'—' if saved is None else form.format(saved):>22}{form.format(now):>10}"
            line += f"{now / saved:>10.2f}x" if saved else f"{'—':>11}"
        print(line)
    for name, reason in skipped.items():
        print(f"{name}: skipped — {reason}")
    for name, found in again.items():
        print(f"target at {_short(found['step'])} on {name}, read again: "
              f"{search_target(found['now'])}")


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ingest_chunk(location: str, folder: Path, jobs: int, before: dict | None) -> dict:
    """Ingest one chunk in a process of its own; the step's ingest figures so far with it."""
    ingest = in_child("ingest", location, str(folder), str(jobs))
    if ingest["failed"]:
        raise SystemExit(f"{ingest['failed']} generated releases failed to ingest")
    print(f"    ingested {ingest['new']:,} new in {ingest['seconds']:,.0f} s", flush=True)
    if before is None:
        return ingest
    return {**{key: before[key] + ingest[key] for key in ("seconds", "new", "failed", "cpu_s")},
            **{key: max(before[key], ingest[key]) for key in ("peak_mb", "children_peak_mb")}}


def finish_step(location: str, ingest: dict, queries: int, seed: int) -> dict:
    """Relink everything, read through the web server: the step's figures."""
    relink = in_child("relink", location)
    print(f"    relinked {relink['releases']:,} releases into {relink['cases']:,} cases in "
          f"{relink['seconds']:,.0f} s", flush=True)
    return {**write_figures(ingest, relink), **read_figures(location, queries, seed)}


class Progress:
    """What is done: each backend's figures per finished step, and of the step under way the
    releases stored and the ingest figures so far. Written to a file after every chunk when
    the run is kept (`--keep`), so that the same command goes on where an interrupted one
    stopped."""

    def __init__(self, path: Path | None, settings: dict) -> None:
        self.path, self.settings = path, settings
        self.done: dict[str, dict[str, dict]] = {}
        self.partial: dict[str, dict] = {}
        if path is not None and path.exists():
            saved = json.loads(path.read_text())
            if saved["settings"] != settings:
                raise SystemExit(f"{path} was made with {saved['settings']}; run with the same "
                                 "options, or give another --keep folder")
            self.done, self.partial = saved["done"], saved["partial"]

    def upto(self, name: str, step_start: int) -> int:
        """How many releases `name` has stored (the start of the step when none of it)."""
        return self.partial.get(name, {}).get("upto", step_start)

    def save(self) -> None:
        if self.path is not None:
            self.path.write_text(json.dumps({"settings": self.settings, "done": self.done,
                                             "partial": self.partial}, indent=1))


def run_steps(steps: list[int], locations: dict[str, str], skipped: dict[str, str],
              progress: Progress, folder: Path, args: argparse.Namespace,
              saved: Path) -> dict[str, dict[int, dict]]:
    real = extract_bench.real_releases()
    previous = 0
    for step in steps:
        for first in range(previous, step, args.chunk):
            stop = min(step, first + args.chunk)
            todo = [name for name in locations
                    if str(step) not in progress.done.get(name, {})
                    and progress.upto(name, previous) < stop]
            if not todo:
                continue
            chunk = folder / f"chunk-{first}"
            started = time.perf_counter()
            write_step(real, args.releases, args.seed, chunk, first, stop, args.jobs)
            print(f"{_short(step)}: generated releases {first:,}–{stop - 1:,} from "
                  f"{len(real)} real ones in {time.perf_counter() - started:,.0f} s", flush=True)
            for name in todo:
                print(f"  {name}:", flush=True)
                before = progress.partial.get(name, {}).get("ingest")
                ingest = ingest_chunk(locations[name], chunk, args.jobs, before)
                progress.partial[name] = {"upto": stop, "ingest": ingest}
                progress.save()
            shutil.rmtree(chunk)
        for name, location in locations.items():
            if str(step) in progress.done.get(name, {}):
                continue
            print(f"  {name} at {_short(step)}:", flush=True)
            found = finish_step(location, progress.partial[name]["ingest"], args.queries,
                                args.seed)
            progress.done.setdefault(name, {})[str(step)] = found
            progress.partial[name] = {"upto": step, "ingest": None}
            progress.save()
        previous = step
        results = {name: {int(done): found for done, found in steps_done.items()}
                   for name, steps_done in progress.done.items()}
        # every step's table as soon as it is measured: a long run stopped later keeps it
        if step != steps[-1]:
            print_table(results, skipped, [done for done in steps if done <= step])
        saved.write_text(json.dumps({"machine": extract_bench.machine(), "skipped": skipped,
                                     "results": results}, indent=1))
        print(f"  (saved to {saved.relative_to(ROOT)})", flush=True)
    return results


def main() -> None:
    from contextlib import ExitStack

    from jikenbo.ingest_parallel import default_jobs
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1_000_000)
    parser.add_argument("--steps", default="100000,1000000",
                        help="casebook sizes to measure at, comma-separated (default 100k, 1M)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database (default: a throwaway "
                                         "cluster of the bench's own)")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--queries", type=int, default=40,
                        help="rounds of reads per measurement (one search of each kind, one page)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", help="keep the databases and the progress in this folder; "
                                        "the same command run again goes on from there")
    parser.add_argument("--chunk", type=int, default=100_000,
                        help="releases generated and ingested at a time (default 100,000)")
    parser.add_argument("--reread", action="store_true",
                        help="with --keep DIR of a run: start the server on each kept casebook "
                             "and measure its reads again, beside the figures saved")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reread and not args.keep:
        parser.error("--reread measures the casebooks of a kept run again: give its --keep DIR")
    if args.child:
        stage, *rest = args.child
        found = child_ingest(rest[0], rest[1], int(rest[2])) if stage == "ingest" else \
            child_relink(rest[0])
        print(json.dumps(found))
        return
    steps = sorted({min(int(step), args.releases) for step in args.steps.split(",")}
                   | {args.releases})
    print(f"machine: {extract_bench.machine().replace(' (this run pinned to one)', '')}; "
          f"ingest with {args.jobs} worker processes; load average "
          f"{', '.join(f'{load:.1f}' for load in os.getloadavg())} at the start")
    OUT.mkdir(exist_ok=True)
    saved = OUT / f"scale-{args.releases}-{int(time.time())}.json"
    settings = {"releases": args.releases, "steps": steps, "backends": args.backends,
                "seed": args.seed, "chunk": args.chunk}
    with ExitStack() as stack:
        if args.keep:
            folder = Path(args.keep).resolve()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jikenbo-scale-")))
        progress = Progress(folder / "progress.json" if args.keep else None, settings)
        locations, skipped = open_backends(args.backends.split(","), folder, args.pg_url,
                                           stack, keep=bool(args.keep))
        if args.reread:
            again = reread(progress, locations, args.queries, args.seed)
            saved.with_name(saved.name.replace("scale-", "scale-reread-")).write_text(
                json.dumps({"machine": extract_bench.machine(), "skipped": skipped,
                            "again": again}, indent=1))
            print_reread(again, skipped)
            return
        results = run_steps(steps, locations, skipped, progress, folder, args, saved)
    print(f"load average at the end: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print_table(results, skipped, steps)


if __name__ == "__main__":
    main()
