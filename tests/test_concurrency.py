"""One casebook under everything at once: three `jikenbo ingest` processes with overlapping
inputs, `jikenbo link` run again and again, and two `jikenbo serve` processes read in a loop
(keeping every search answer in the casebook as they go, store/kept.py, which the ingesters
bring up to date after each write). Afterwards no release is lost or stored twice, no source is
stored twice, no case number was issued twice, every incident release has a case, no reader
ever saw an error, and the answers kept find what one ingest alone finds. The same test runs
on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from jikenbo.store import open_store
from jikenbo.store import search as search_index
from jikenbo.store.search import Query
from tests.conftest import SHARED, run_cli

# every answer costly and worth storing again: readers keep them, ingesters bring them up to date
KEEP_ALL = {**os.environ, "JIKENBO_KEEP_AT": "1", "JIKENBO_KEEP_REWRITE_AT": "1"}
READS = ("/", "/api/search?q=不正アクセス&per_page=100", "/search?q=紛失", "/cases",
         "/api/releases?sort=added&per_page=100", "/feeds/releases.atom")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    try:
        return request.getfixturevalue("pg_url")
    except pytest.FixtureLookupError:
        pytest.skip("PostgreSQL backend not merged in this branch")


def _inputs() -> list[list[str]]:
    """The unnumbered corpus (71 real releases, several of them follow-ups of one another) in
    three overlapping runs: the first half, the middle half, and the last half with the first
    quarter. Its releases are distinct, so what is stored does not depend on the order."""
    files = [str(path) for path in sorted((SHARED / "corpus" / "unnumbered").glob("*.txt"))]
    half, quarter = len(files) // 2, len(files) // 4
    return [files[:half], files[quarter:quarter + half], files[half:] + files[:quarter]]


@contextmanager
def _serve(location: str) -> Iterator[str]:
    """`jikenbo serve` in a process of its own on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "jikenbo", "serve", "--db", location,
                               "--port", str(port)], stderr=subprocess.DEVNULL, env=KEEP_ALL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/static/style.css", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def _read_in_loop(base: str, stop: threading.Event, seen: list[tuple[str, int]]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        while not stop.is_set():
            for path in READS:
                seen.append((path, client.get(path).status_code))


def _relink_in_loop(location: str, stop: threading.Event, outcomes: list) -> None:
    while not stop.is_set():
        outcomes.append(run_cli("link", "--db", location, timeout=300))
        time.sleep(0.2)


def _run_together(location: str, runs: list[list[str]]) -> tuple[list, list, list]:
    """The three ingesters, the relinker and the two servers' readers at once; returns the
    finished ingesters, the relink runs and every (path, status) a reader got."""
    stop = threading.Event()
    seen: list[tuple[str, int]] = []
    relinks: list = []
    with ExitStack() as stack:
        bases = [stack.enter_context(_serve(location)) for _ in range(2)]
        threads = [threading.Thread(target=_read_in_loop, args=(base, stop, seen))
                   for base in bases]
        threads.append(threading.Thread(target=_relink_in_loop, args=(location, stop, relinks)))
        for thread in threads:
            thread.start()
        ingesters = [subprocess.Popen([sys.executable, "-m", "jikenbo", "ingest", "--db",
                                       location, "--jobs", str(jobs), *run],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      env=KEEP_ALL)
                     for jobs, run in zip((2, 1, 2), runs)]
        finished = [(process.wait(timeout=900), process.stderr.read()) for process in ingesters]
        stop.set()
        for thread in threads:
            thread.join(timeout=300)
    return finished, relinks, seen


def test_ingesters_relinker_and_readers_at_once(location: str, tmp_path: Path) -> None:
    runs = _inputs()
    assert run_cli("ingest", "--db", location, runs[0][0]).returncode == 0  # the servers' schema
    finished, relinks, seen = _run_together(location, runs)

    for code, errors in finished:
        assert code == 0 and b"Traceback" not in errors and b"busy" not in errors, errors
    assert relinks and all(done.returncode == 0 for done in relinks), relinks[-1].stderr
    assert len(seen) > 20 and {status for _, status in seen} == {200}, [
        item for item in seen if item[1] != 200][:5]

    alone = str(tmp_path / "alone.db")  # the same inputs, one ingest at a time, nothing else
    assert run_cli("ingest", "--db", alone, "--jobs", "1", *sorted(set(sum(runs, [])))
                   ).returncode == 0
    shared, reference = open_store(location), open_store(alone)
    try:
        ids = [release.id for release in shared.releases()]
        assert len(ids) == len(set(ids))                                      # no duplicate
        assert set(ids) == {release.id for release in reference.releases()}   # none lost
        assert shared.counts()["sources"] == len(set(sum(runs, [])))
        registry = [issued.number for issued in shared.registry()]
        assert len(registry) == len(set(registry))                # no number issued twice
        numbers = shared.case_numbers()
        incidents = {release.id for release in shared.releases() if release.record.is_incident}
        assert set(numbers) == incidents and set(numbers.values()) <= set(registry)
        assert not shared.links_stale()
        assert shared.counts()["cases"] == reference.counts()["cases"]
        # what the readers kept while the ingesters wrote answers as the casebook does now
        kept = {row[0] for row in shared.db.execute("SELECT term FROM kept_terms")}
        assert {"不正アクセス", "紛失"} <= kept, kept
        search_index._INDEXES.clear()
        for term in sorted(kept):
            found, expected = (store.search(Query(q=term, per_page=100)).ids
                               for store in (shared, reference))
            assert set(found) == set(expected), term
    finally:
        shared.close()
        reference.close()
