"""Crash safety: SIGKILL during a large ingest leaves a consistent database, and a re-run
completes the batch without duplicates."""
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
    """Write `copies` variants of every seed page, each post made unique; return the posts."""
    posts = 0
    pages = [page.read_text(encoding="utf-8") for page in sample_pages()]
    for copy in range(copies):
        for number, page in enumerate(pages):
            counter = iter(range(10_000))
            text = HEADER.sub(lambda match: f"{match.group(1)}\n\n整理番号 {copy}-{number}-{next(counter)}", page)
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


def test_sigkill_mid_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    incident_posts = _batch(folder, copies=20)
    db = tmp_path / "crash.db"
    command = [sys.executable, "-m", "jikenbo", "ingest", "--db", str(db), str(folder)]
    stored = []
    for delay in (0.8, 1.6, 2.4):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        stored.append(_check(db))
    assert 0 < stored[0] and stored == sorted(stored)
    finished = subprocess.run(command, capture_output=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    total = _check(db)
    assert total == incident_posts + 3  # the unrelated posts are the same text in every copy
    assert stored[-1] < total
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(DISTINCT id) FROM releases").fetchone()[0] == total
        assert connection.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 5 * 20
