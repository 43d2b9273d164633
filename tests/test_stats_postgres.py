"""The statistics SQL (store/stats.py) run as written on a real PostgreSQL 15 — booleans as
`boolean`, a UTF-8 database — over the sample casebook copied from SQLite, giving the very
counts SQLite gives. Skipped, with the reason, only when no PostgreSQL server binary is found."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from jikenbo.store import open_store, stats

PG_BIN = Path("/usr/lib/postgresql/15/bin")
INITDB = shutil.which("initdb") or (str(PG_BIN / "initdb") if (PG_BIN / "initdb").exists()
                                    else None)
pytestmark = pytest.mark.skipif(INITDB is None or shutil.which("psql") is None,
                                reason="no PostgreSQL server binary (initdb) or psql found")
# The columns the statistics read, with the types the PostgreSQL backend gives them.
SCHEMA = """
CREATE TABLE releases (id text PRIMARY KEY, organization text, published text,
                       is_incident boolean NOT NULL, supply_chain boolean NOT NULL,
                       leak_status text NOT NULL);
CREATE TABLE release_categories (release_id text REFERENCES releases(id), category text);
CREATE TABLE case_members (release_id text PRIMARY KEY REFERENCES releases(id), number text);
"""
_FIELD, _NULL = "\x1f", "\x1e"  # psql's field separator and NULL marker: never in the data


class Psql:
    """`execute(sql)` through psql: what a DB-API connection gives statistics()."""

    def __init__(self, socket_dir: str) -> None:
        self.command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir,
                        "-U", "jikenbo", "-d", "postgres"]

    def run(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([*self.command, *args], input=stdin, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        assert not parameters
        out = self.run("-A", "-t", "-F", _FIELD, "-P", f"null={_NULL}", "-c", sql)
        rows = [tuple(None if cell == _NULL else cell for cell in line.split(_FIELD))
                for line in out.split("\n") if line]  # not splitlines(): it splits at \x1e too
        if "COUNT(*)" in sql:  # the count is the last column; months and years stay text
            rows = [(*row[:-1], int(row[-1])) for row in rows]
        return rows


def _as_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres() -> Iterator[Psql]:
    folder = tempfile.mkdtemp(prefix="jikenbo-pg-")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, pg_ctl = f"{folder}/data", str(Path(INITDB).with_name("pg_ctl"))
    subprocess.run(_as_user([INITDB, "-D", data, "-A", "trust", "-U", "jikenbo", "-E", "UTF8",
                             "--locale=C.UTF-8"]), check=True, capture_output=True, timeout=120)
    subprocess.run(_as_user([pg_ctl, "-D", data, "-l", f"{folder}/log", "-w", "-o",
                             f"-k {folder} -c listen_addresses=''", "start"]),
                   check=True, capture_output=True, timeout=120)
    try:
        yield Psql(folder)
    finally:
        subprocess.run(_as_user([pg_ctl, "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _csv(rows: list[tuple]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _copy(postgres: Psql, table: str, rows: list[tuple]) -> None:
    postgres.run("-c", f"COPY {table} FROM STDIN WITH (FORMAT csv)", stdin=_csv(rows))


def test_postgresql_counts_what_sqlite_counts(postgres: Psql, casebook: str) -> None:
    store = open_store(casebook)
    postgres.run("-c", SCHEMA)
    releases = list(store.releases())
    _copy(postgres, "releases", [
        (r.id, r.record.organization, r.record.published, r.record.is_incident,
         r.record.supply_chain, r.record.leak_status) for r in releases])
    _copy(postgres, "release_categories",
          [(r.id, category) for r in releases for category in r.record.categories])
    _copy(postgres, "case_members", list(store.case_numbers().items()))

    on_postgres, on_sqlite = stats.statistics(postgres), store.statistics()
    assert sorted(on_postgres.by_month) == sorted(on_sqlite.by_month)
    assert sorted(on_postgres.by_year, key=repr) == sorted(on_sqlite.by_year, key=repr)
    assert any(year is None for year, _, _ in on_postgres.by_year)  # undated: NULL, as SQLite
    assert on_postgres.leak == on_sqlite.leak
    assert on_postgres.supply_chain_cases == on_sqlite.supply_chain_cases
    assert on_sqlite.supply_chain_cases and on_sqlite.by_month
