"""Crash safety: SIGKILL during a large ingest — while storing, and inside the linking run after
the last source is stored — leaves a consistent database; the next command completes the batch
without duplicates and repairs the links, so that every incident release has a case."""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import sample_pages

HEADER = re.compile(r"^(【セキュリティ事件簿#.*)$", re.M)


def _batch(folder: Path, copies: int) -> int:
    """Write `copies` variants of every seed page, each post made a release of its own; return
    the posts. The mark goes on the heading line: a post that differs from another copy by a
    line of its body only is a near-duplicate, one release (issue #12 item 3)."""
    posts = 0
    pages = [page.read_text(encoding="utf-8") for page in sample_pages()]
    for copy in range(copies):
        for number, page in enumerate(pages):
            counter = iter(range(10_000))
            text = HEADER.sub(lambda match: f"{match.group(1)} 整理番号 {copy}-{number}-{next(counter)}", page)
            (folder / f"{copy:03d}-{number}.txt").write_text(text, encoding="utf-8")
    for page in pages:
        posts += len(HEADER.findall(page))
    return posts * copies


def _check(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = connection.execute(
            "SELECT r.text, substr(s.text, r.start_offset + 1, r.end_offset - r.start_offset), "
            "r.categories, (SELECT COUNT(*) FROM release_categories c WHERE c.release_id = r.id) "
            "FROM releases r JOIN sources s ON s.id = r.source_id").fetchall()
        for text, in_source, categories, category_rows in rows:
            assert text == in_source
            assert categories.count('"') // 2 == category_rows
        return len(rows)


def _sources(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as connection:
            return connection.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
    except sqlite3.OperationalError:  # not created or migrated yet
        return 0


def _kill_when(command: list[str], db: Path, sources: int) -> bool:
    """Start `command`, SIGKILL it as soon as `sources` sources are stored; True if it was
    still running then."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _sources(db) < sources and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    killed = process.poll() is None
    if killed:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return killed


def _unlinked(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT COUNT(*) FROM releases WHERE is_incident AND id NOT IN "
                                  "(SELECT release_id FROM case_members)").fetchone()[0]


def test_sigkill_mid_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    incident_posts = _batch(folder, copies=20)
    db = tmp_path / "crash.db"
    # one process commits each source on its own (the parallel ingest's batches: test_ingest_parallel)
    command = [sys.executable, "-m", "jikenbo", "ingest", "--jobs", "1", "--db", str(db),
               str(folder)]
    stored = []
    for sources in (10, 35, 60):
        assert _kill_when(command, db, sources)
        stored.append(_check(db))
    assert 0 < stored[0] < stored[1] < stored[2]
    finished = subprocess.run(command, capture_output=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    total = _check(db)
    assert total == incident_posts + 3  # the unrelated posts are the same text in every copy
    assert stored[-1] < total
    assert _unlinked(db) == 0
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(DISTINCT id) FROM releases").fetchone()[0] == total
        assert connection.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 5 * 20


def test_sigkill_inside_the_linking_run_is_repaired_by_the_next_command(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    _batch(folder, copies=6)
    db = tmp_path / "crash.db"
    command = [sys.executable, "-m", "jikenbo", "ingest", "--db", str(db), str(folder)]
    # every source is stored: the process is linking (or about to) when it is killed
    assert _kill_when(command, db, 5 * 6)
    total = _check(db)
    with sqlite3.connect(db) as connection:
        stale = connection.execute("SELECT value FROM store_state "
                                   "WHERE name = 'links_stale'").fetchone()[0]
    assert stale == "1" and _unlinked(db) > total // 2  # killed before the numbers were stored
    again = subprocess.run(command, capture_output=True, timeout=600)  # nothing new to store
    assert again.returncode == 0, again.stderr
    assert b"0 new" in again.stderr and b"cases:" in again.stderr
    assert _unlinked(db) == 0 and _check(db) == total
