"""Migration benchmark: opening a casebook stored before 0008 (versions), 100,000 sources.

    .venv/bin/python bench/migrate_bench.py [--sources 100000] [--baseline 2000]

Builds a pre-0008 SQLite casebook (migrations 0001-0007) of file sources stored under full
paths, one release and one occurrence each, a tenth of the names shared by two paths; then times
every statement of the pending migrations (CPU time, so other processes on the machine do not
count), rolled back. The baseline is the file-name step as first written (a NOT EXISTS per
source, every pair compared), timed in the same run on `--baseline` and twice as many sources;
its growth is printed and extrapolated to `--sources`.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jikenbo.store.sqlite import _statements  # noqa: E402

PAIRWISE = """
UPDATE sources SET locator = substr(locator, length(rtrim(locator, replace(locator, '/', ''))) + 1)
WHERE locator LIKE '%/%' AND locator NOT LIKE '%://%' AND locator NOT LIKE 'posted:%'
  AND NOT EXISTS (
    SELECT 1 FROM sources other
    WHERE other.locator <> sources.locator
      AND substr(other.locator, length(rtrim(other.locator, replace(other.locator, '/', ''))) + 1)
          = substr(sources.locator, length(rtrim(sources.locator, replace(sources.locator, '/', ''))) + 1))
"""
FOLDER = resources.files("jikenbo.store").joinpath("migrations", "sqlite")


def old_casebook(path: Path, sources: int) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "applied_at TEXT NOT NULL)")
    for entry in sorted(FOLDER.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".sql") and entry.name < "0008":
            for statement in _statements(entry.read_text(encoding="utf-8")):
                db.execute(statement)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO sources (id, locator, version, sha256, kind, fetched_at, data, text) "
        "VALUES (?, ?, 1, ?, 'text', '2026-01-01', x'00', 'お知らせ')",
        [(n, f"/home/op/inbox/{n % 7}/{n % (sources - sources // 10)}.txt", str(n))
         for n in range(1, sources + 1)])
    db.executemany(
        "INSERT INTO releases (id, source_id, start_offset, end_offset, heading, text, title, "
        "earlier_releases, is_incident, supply_chain, vendors, categories, data_types, "
        "leak_status, evidence, ingested_at) VALUES (?, ?, 0, 4, 'h', 'お知らせ', 't', '[]', 1, "
        "0, '[]', '[]', '[]', 'unknown', '[]', '2026-01-02')",
        [(f"{n:064x}", n) for n in range(1, sources + 1)])
    db.execute("INSERT INTO occurrences SELECT id, source_id, 0, 4 FROM releases")
    db.execute("COMMIT")
    return db


def cpu(db: sqlite3.Connection, statements: list[str]) -> list[float]:
    """CPU seconds of each statement, rolled back afterwards."""
    spent = []
    db.execute("BEGIN")
    for statement in statements:
        started = time.process_time()
        db.execute(statement)
        spent.append(time.process_time() - started)
    db.execute("ROLLBACK")
    return spent


def pending() -> list[str]:
    return [statement for entry in sorted(FOLDER.iterdir(), key=lambda item: item.name)
            if entry.name.endswith(".sql") and entry.name >= "0008"
            for statement in _statements(entry.read_text(encoding="utf-8"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = old_casebook(Path(folder) / "old.db", args.sources)
        statements = pending()
        spent = cpu(db, statements)
        print(f"pending migrations on {args.sources:,} sources: {sum(spent):.2f} s CPU")
        for seconds, statement in sorted(zip(spent, statements), reverse=True)[:3]:
            print(f"  {seconds:7.2f} s  {' '.join(statement.split())[:80]}")
        renaming = spent[[s.startswith("UPDATE sources") for s in statements].index(True)]
        base = []
        for size in (args.baseline, 2 * args.baseline):
            small = old_casebook(Path(folder) / f"base{size}.db", size)
            base.append(cpu(small, [PAIRWISE])[0])
            print(f"baseline (pairwise file-name step) on {size:,} sources: {base[-1]:.2f} s CPU")
        growth = base[1] / base[0] if base[0] else float("nan")
        estimate = base[1] * (args.sources / (2 * args.baseline)) ** 2
        print(f"baseline growth for twice the sources: x{growth:.1f} (quadratic: x4); "
              f"extrapolated to {args.sources:,}: {estimate / 60:,.0f} min against "
              f"{renaming:.2f} s set-based (x{estimate / renaming:,.0f})")


if __name__ == "__main__":
    main()
