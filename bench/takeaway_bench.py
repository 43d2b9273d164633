"""Take-away benchmark: what streaming a list's CSV costs the server, beside the export that
renders the whole casebook first, on the same casebook in the same run.

    .venv/bin/python bench/takeaway_bench.py [--releases 20000]

1. Builds (once; kept in bench/out/) a SQLite casebook of re-sampled real releases, the way
   bench/web_bench.py builds it (the normal ingest path).
2. Starts `jikenbo serve` in its own process and downloads, one after the other, every release
   as CSV twice: `/search.csv` (streamed a chunk at a time) and the baseline `/api/export/csv`
   (the export renderer: all rows in memory, then sent). Each download is timed to its first byte
   and to its last; the server's peak resident memory (VmHWM) is read after each (the
   streamed one first, as the peak only grows).
3. Prints both and their ratios. The streamed download's memory should stay near the idle
   server's whatever the casebook's size; the baseline's grows with it.
"""
from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import web_bench  # noqa: E402

OUT = ROOT / "bench" / "out"


def peak_kb(pid: int) -> int:
    """The process's peak resident memory so far (Linux /proc), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc status")


def download(base: str, path: str) -> tuple[float, float, int]:
    """(seconds to the first byte, seconds to the last, bytes) of one GET."""
    started = time.perf_counter()
    first, size = None, 0
    with httpx.stream("GET", base + path, timeout=600) as answer:
        answer.raise_for_status()
        for piece in answer.iter_raw():
            if first is None:
                first = time.perf_counter() - started
            size += len(piece)
    return first or 0.0, time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db = OUT / f"web-{args.releases}-{args.seed}.db"
    if not db.exists():
        print(f"building {db.name} (once) …", flush=True)
        web_bench.build(db, args.releases, args.seed)
    with sqlite3.connect(db) as connection:
        count = connection.execute("SELECT COUNT(*) FROM releases WHERE is_incident").fetchone()[0]
    server = subprocess.Popen([sys.executable, "-m", "jikenbo", "serve", "--db", str(db),
                               "--port", str(args.port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/static/style.css", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        httpx.get(base + "/search", timeout=60)  # warm the search index before measuring
        idle = peak_kb(server.pid)
        streamed = download(base, "/search.csv")
        streamed_peak = peak_kb(server.pid)
        rendered = download(base, "/api/export/csv")
        rendered_peak = peak_kb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
    print(f"casebook: {count:,} incident releases; idle server peak {idle / 1024:,.0f} MB")
    for name, (first, last, size), peak in (("streamed /search.csv", streamed, streamed_peak),
                                            ("baseline /api/export/csv", rendered,
                                             rendered_peak)):
        print(f"{name:26} first byte {first * 1000:8.0f} ms  all {last:6.2f} s  "
              f"{size / 1e6:6.1f} MB  server peak +{(peak - idle) / 1024:,.0f} MB")
    print(f"ratio streamed/baseline: first byte {streamed[0] / max(rendered[0], 1e-9):.2f}, "
          f"total {streamed[1] / max(rendered[1], 1e-9):.2f}")


if __name__ == "__main__":
    main()
