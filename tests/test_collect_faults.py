"""Faults stay with their source: slow, 500, redirect loop, garbage and 50 MB sources are
reported and backed off while the good source still runs; two watchers at once, or one killed
mid-run, store nothing twice."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timezone

from jikenbo.store import open_store
from tests.collect_site import fixture_site
from tests.conftest import run_cli

FAULTS = {  # path → what the progress line says
    "/slow/feed.xml": "timed out",
    "/broken/feed.xml": "HTTP 500",
    "/loop/a": "redirect loop",
    "/garbage/feed.bin": "binary file",
    "/huge/sitemap.xml": "larger than the 20,971,520-byte limit",
    "/unsized/sitemap.xml": "larger than the 20,971,520-byte limit",
}


def test_faulty_sources_are_reported_backed_off_and_the_rest_runs(tmp_path) -> None:
    db = str(tmp_path / "c.db")
    with fixture_site() as site:
        site.slow_seconds = 8
        for path in [*FAULTS, "/city/news/index.html"]:
            assert run_cli("watch", "add", site.url(path), "--db", db).returncode == 0
        started = time.monotonic()
        result = run_cli("watch", "--db", db, "--once", "--json", "--delay", "0",
                         "--timeout", "2", "--concurrency", "4")
        took = time.monotonic() - started
        err = result.stderr.decode()
        assert result.returncode == 1 and "Traceback" not in err
        lines = {line.split()[1].rstrip(":"): line for line in err.splitlines()
                 if line.startswith(("failed", "ok"))}
        for path, reason in FAULTS.items():
            assert lines[site.url(path)].startswith("failed") and reason in lines[site.url(path)]
        assert "2 new incidents" in lines[site.url("/city/news/index.html")]
        assert len(result.stdout.splitlines()) == 2
        assert "6 sources" not in err and "7 sources" in err and "6 failed" in err
        assert took < 60  # the slow source is cut at its time limit, not waited for

        with closing(open_store(db)) as store:
            entries = {entry.url: entry for entry in store.watch.entries()}
        now = datetime.now(timezone.utc)
        for path in FAULTS:
            entry = entries[site.url(path)]
            assert entry.failures == 1 and datetime.fromisoformat(entry.next_check) > now
        # the next run leaves the failed sources alone until their back-off ends
        again = run_cli("watch", "--db", db, "--once", "--delay", "0", "--timeout", "1")
        assert "1 sources (6 not due)" in again.stderr.decode()
        # --force tries them now; a second failure doubles the wait
        run_cli("watch", "--db", db, "--once", "--force", "--delay", "0", "--timeout", "1")
        with closing(open_store(db)) as store:
            broken = next(e for e in store.watch.entries() if e.url.endswith("/broken/feed.xml"))
        assert broken.failures == 2
        wait = (datetime.fromisoformat(broken.next_check) - now).total_seconds()
        assert 9 * 60 < wait < 11 * 60  # 5 minutes after one failure, 10 after two


def _counts(db: str) -> tuple:
    with closing(open_store(db)) as store:
        one = lambda sql: store.execute(sql)[0][0]  # noqa: E731
        return (one("SELECT COUNT(*) FROM sources"),
                one("SELECT COUNT(DISTINCT locator || '#' || version) FROM sources"),
                one("SELECT COUNT(*) FROM releases"), one("SELECT COUNT(*) FROM watch_releases"),
                one("SELECT MAX(version) FROM sources"))


def _add_all(db: str, site) -> None:
    for path in ("/company/news.rss", "/city/news/index.html", "/city/sitemap.xml"):
        assert run_cli("watch", "add", site.url(path), "--db", db).returncode == 0


def _start_watcher(db: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "jikenbo", "watch", "--db", db, "--once",
                             "--json", "--delay", "0", "--concurrency", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_watchers_at_once_store_and_report_each_incident_once(tmp_path) -> None:
    db = str(tmp_path / "c.db")
    with fixture_site() as site:
        site.page_delay = 0.3
        _add_all(db, site)
        watchers = [_start_watcher(db), _start_watcher(db)]
        outputs = [watcher.communicate(timeout=120) for watcher in watchers]
    assert all(watcher.returncode == 0 for watcher in watchers), outputs
    logged = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    assert len(logged) == len({row["release_id"] for row in logged}) == 4
    assert _counts(db) == (4, 4, 4, 4, 1)


def test_a_watcher_killed_mid_run_leaves_nothing_to_store_twice(tmp_path) -> None:
    db = str(tmp_path / "c.db")
    with fixture_site() as site:
        site.page_delay = 1.0
        _add_all(db, site)
        watcher = _start_watcher(db)
        deadline = time.monotonic() + 60
        while _counts(db)[2] < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(watcher.pid, signal.SIGKILL)
        watcher.wait()
        part = _counts(db)
        assert 1 <= part[2] < 4  # killed with some notices stored and others not yet
        site.page_delay = 0
        rest = run_cli("watch", "--db", db, "--once", "--json", "--delay", "0")
    assert rest.returncode == 0, rest.stderr
    assert len(rest.stdout.splitlines()) == 4 - part[2]
    assert _counts(db) == (4, 4, 4, 4, 1)
    with closing(open_store(db)) as store:
        assert len(store.case_numbers()) == 4  # every incident linked into a case
