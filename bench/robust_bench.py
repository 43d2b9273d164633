"""Robustness benchmark: hostile servers, hostile files and concurrent writers, on loopback.

    .venv/bin/python bench/robust_bench.py [--src DIR] [--only NAME ...]

Runs each scenario against the jikenbo whose sources are in `--src` (default: this checkout),
always through the command line or the web server in processes of their own, so the same
script measures an older checkout for the before/after figures:

    git archive <old commit> src | tar -x -C /tmp/before
    .venv/bin/python bench/robust_bench.py --src /tmp/before/src

- bomb: `jikenbo extract URL` of a 1.8 KB double-gzip answer holding 1 GB (time, peak RSS).
- trickle: a server that sends one byte every 0.5 s for 80 s (time until the fetch ends).
- redirect: a page on 127.0.0.2 that redirects to a "secret" on 127.0.0.1 (fetched or refused).
- batch: one ingest of ten hostile files (10^20 count, PDF surrogates, AES, bomb, deep HTML …):
  files stored, tracebacks.
- post: GET latency while a 0.7 MB POST /api/ingest is extracted, and HTTP 5xx among GETs
  while CLI ingests write (the search index race).
- relink: into a casebook that has cases, a batch ingest SIGKILLed just after its last source
  is stored; incident releases without a case after the next `jikenbo ingest`.
"""
from __future__ import annotations

import argparse
import gzip
import os
import re
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402  (builders of hostile files from real text)
from tests.conftest import SAMPLE, sample_pages  # noqa: E402
from tests.helpers import SHIRAI, release_html  # noqa: E402
from tests.test_crash import _batch  # noqa: E402


def _serve(handle, host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, str]:
    handler = type("H", (BaseHTTPRequestHandler,), {
        "do_GET": lambda self: handle(self), "log_message": lambda self, *a: None})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


def _reply(request, body: bytes, **headers: str) -> None:
    request.send_response(200)
    for name, value in headers.items():
        request.send_header(name.replace("_", "-"), value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    try:
        request.wfile.write(body)
    except OSError:
        pass


class Jikenbo:
    def __init__(self, src: Path) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(src)}

    def run(self, *args: str, timeout: float = 600) -> tuple[float, int, str, int]:
        """(seconds, exit status, last stderr line, peak RSS in MB of the child)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "jikenbo", *args], capture_output=True,
                              env=self.env, timeout=timeout)
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        lines = done.stderr.decode(errors="replace").strip().splitlines() or [""]
        tail = "Traceback … " + lines[-1] if "Traceback" in done.stderr.decode(errors="replace") \
            else lines[-1]
        return seconds, done.returncode, tail[:150], max(peak, before) // 1024

    def popen(self, *args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "jikenbo", *args], env=env or self.env,
                                **kwargs)


def _gzip_of_zeros(size: int) -> bytes:
    """gzip of `size` zero bytes, made a megabyte at a time (the zeros never sit in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    return b"".join([*(packer.compress(block) for _ in range(size >> 20)), packer.flush()])


def bomb(jikenbo: Jikenbo, work: Path) -> None:
    body = gzip.compress(_gzip_of_zeros(1 << 30), 9)
    server, base = _serve(lambda r: _reply(r, body, Content_Type="text/plain",
                                           Content_Encoding="gzip, gzip"))
    # the child's own peak (GNU time), not one inherited from this process
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "jikenbo",
                           "extract", base + "/bomb.txt"], capture_output=True, env=jikenbo.env,
                          timeout=600)
    server.shutdown()
    lines = done.stderr.decode(errors="replace").strip().splitlines()
    rss = int(lines[-1]) // 1024 if lines and lines[-1].isdigit() else -1
    message = next((line for line in reversed(lines[:-1])
                    if line.strip() and not line.startswith("Command exited")), "")
    print(f"bomb     {len(body):,} B double gzip of 1 GiB: peak RSS {rss} MB, exit "
          f"{done.returncode}: {message[:150]}")


def trickle(jikenbo: Jikenbo, work: Path) -> None:
    def slowly(request) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/plain; charset=utf-8")
        request.end_headers()
        try:
            for _ in range(160):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass
    server, base = _serve(slowly)
    seconds, status, line, _ = jikenbo.run("extract", base + "/trickle.txt")
    server.shutdown()
    print(f"trickle  1 byte / 0.5 s for 80 s: fetch ended after {seconds:.1f} s, exit {status}: "
          f"{line}")


def redirect(jikenbo: Jikenbo, work: Path) -> None:
    secret_text = "社外秘 管理画面 " + SHIRAI
    secret, secret_base = _serve(lambda r: _reply(r, secret_text.encode(),
                                                  Content_Type="text/plain; charset=utf-8"))
    def moved(request) -> None:
        request.send_response(302)
        request.send_header("Location", secret_base + "/admin")
        request.send_header("Content-Length", "0")
        request.end_headers()
    public, public_base = _serve(moved, host="127.0.0.2")
    done = subprocess.run([sys.executable, "-m", "jikenbo", "extract", public_base + "/notice"],
                          capture_output=True, env=jikenbo.env, timeout=120)
    public.shutdown()
    secret.shutdown()
    leaked = "社外秘" in done.stdout.decode(errors="replace")
    line = (done.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
    print(f"redirect 127.0.0.2 → 127.0.0.1: secret page {'FETCHED' if leaked else 'not fetched'}, "
          f"exit {done.returncode}: {line[:150]}")


def batch(jikenbo: Jikenbo, work: Path) -> None:
    folder = work / "hostile"
    folder.mkdir()
    files = {"01-valid.txt": SHIRAI.encode(), "02-huge-count.txt": hostile.huge_count_text().encode(),
             "03-surrogates.pdf": hostile.surrogate_pdf(), "04-aes.pdf": hostile.aes256_pdf(),
             "05-bomb.pdf": hostile.bomb_pdf(), "06-controls.txt": hostile.control_text().encode(),
             "07-references.html": hostile.control_reference_html().encode(),
             "08-deep.html": hostile.deep_html(300).encode(),
             "09-cyclic.pdf": hostile.cyclic_pdf(),
             "10-valid.html": release_html(extra_body="<p>再発防止に努めます。</p>").encode()}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    db = work / "hostile.db"
    seconds, status, line, _ = jikenbo.run("ingest", "--db", str(db), str(folder))
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
    done = subprocess.run([sys.executable, "-m", "jikenbo", "ingest", "--db", str(db),
                           str(folder)], capture_output=True, env=jikenbo.env)
    reports = len(re.findall(rb"please report", done.stderr))
    print(f"batch    10 hostile files: {stored} sources stored, exit {status}: {line}; "
          f"'please report' lines on re-run: {reports}")


def post(jikenbo: Jikenbo, work: Path) -> None:
    db = work / "web.db"
    jikenbo.run("ingest", "--db", str(db), str(SAMPLE))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = jikenbo.popen("serve", "--db", str(db), "--port", str(port),
                           stderr=subprocess.DEVNULL, env={**jikenbo.env, "JIKENBO_TOKEN": "t"})
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base)
        pages = "\n\n".join(page.read_text(encoding="utf-8") for page in sample_pages())
        body = "\n\n".join(f"{pages}\n整理番号 {n}" for n in range(3)).encode()
        latencies, errors = _reads_during(base, lambda: httpx.post(
            base + "/api/ingest", content=body, headers={"Authorization": "Bearer t"},
            timeout=600))
        _report("post", "GETs during a 0.7 MB POST", latencies, errors)
        folder = work / "batch"
        folder.mkdir()
        _batch(folder, copies=3)
        def cli_ingests() -> None:
            for _ in range(2):
                jikenbo.run("ingest", "--db", str(db), str(folder))
                for path in folder.iterdir():  # new text each round: the index changes again
                    path.write_text(path.read_text(encoding="utf-8") + "\n追記", encoding="utf-8")
        latencies, errors = _reads_during(base, cli_ingests, path="/api/search?q=不正アクセス")
        _report("index", "searches during CLI ingests", latencies, errors)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/api/stats", timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _reads_during(base: str, write, path: str = "/") -> tuple[list[float], int]:
    writer = threading.Thread(target=write)
    writer.start()
    latencies, errors = [], 0
    with httpx.Client(timeout=600) as client:
        while writer.is_alive():
            started = time.monotonic()
            status = client.get(base + path).status_code
            latencies.append(time.monotonic() - started)
            errors += status >= 500
    writer.join()
    return sorted(latencies), errors


def _report(name: str, what: str, latencies: list[float], errors: int) -> None:
    if not latencies:
        print(f"{name:8} {what}: no request finished")
        return
    pick = lambda share: latencies[min(len(latencies) - 1, int(len(latencies) * share))]  # noqa: E731
    print(f"{name:8} {len(latencies)} {what}: median {pick(0.5) * 1000:.0f} ms, p99 "
          f"{pick(0.99) * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; HTTP 5xx: {errors}")


def relink(jikenbo: Jikenbo, work: Path) -> None:
    folder = work / "relink"
    folder.mkdir()
    _batch(folder, copies=20)
    db = work / "relink.db"
    jikenbo.run("ingest", "--db", str(db), str(SAMPLE))  # a casebook that already has cases
    process = jikenbo.popen("ingest", "--db", str(db), str(folder),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        try:
            with sqlite3.connect(db, timeout=30) as connection:
                if connection.execute("SELECT COUNT(*) FROM sources").fetchone()[0] >= 105:
                    break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.01)
    killed = process.poll() is None
    process.kill()
    process.wait()
    jikenbo.run("ingest", "--db", str(db), str(folder))
    with sqlite3.connect(db) as connection:
        total, unlinked = connection.execute(
            "SELECT COUNT(*), SUM(id NOT IN (SELECT release_id FROM case_members)) FROM releases "
            "WHERE is_incident").fetchone()
    print(f"relink   killed after the last source ({'in time' if killed else 'too late'}); "
          f"after the next ingest {unlinked} of {total} incident releases have no case")


SCENARIOS = {"bomb": bomb, "trickle": trickle, "redirect": redirect, "batch": batch,
             "post": post, "relink": relink}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    args = parser.parse_args()
    print(f"jikenbo from {args.src}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    jikenbo = Jikenbo(args.src.resolve())
    for name in args.only:
        with tempfile.TemporaryDirectory(prefix=f"jikenbo-robust-{name}-") as work:
            SCENARIOS[name](jikenbo, Path(work))


if __name__ == "__main__":
    main()
