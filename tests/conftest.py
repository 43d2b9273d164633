"""Shared fixtures: the real corpus, the gold set, a fresh database, the CLI as a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(str(resources.files("jikenbo").joinpath("sample")))
# The project's shared material (gold records, scorer, unnumbered corpus): $JIKENBO_SHARED, the
# checkout's sibling ../shared, or the copy kept in tests/shared so that CI scores the same way.
SHARED = Path(os.environ.get("JIKENBO_SHARED") or next(
    (path for path in (ROOT.parent / "shared", ROOT / "tests" / "shared")
     if (path / "gold" / "dev.jsonl").exists()), ROOT / "tests" / "shared"))


def sample_pages() -> list[Path]:
    return sorted(SAMPLE.glob("*.txt"))


def gold_rows() -> list[dict]:
    path = SHARED / "gold" / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"gold set not found at {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "casebook.db")


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `jikenbo ARGS` as a user would, capturing bytes."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "jikenbo", *args], input=stdin,
                          capture_output=True, env=full_env, timeout=timeout)


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled sample casebook ingested into a database of the test module's own (a
    module that needs other inputs defines its own `casebook`)."""
    location = str(tmp_path_factory.mktemp("casebook") / "casebook.db")
    assert run_cli("ingest", "--db", location, str(SAMPLE)).returncode == 0
    return location


@pytest.fixture
def casebook_copy(casebook: str, tmp_path: Path) -> str:
    """A copy of the module's `casebook` of the test's own, for a test that writes to it."""
    import shutil
    copy = tmp_path / "casebook.db"
    shutil.copy(casebook, copy)
    return str(copy)


def shirai_release(location: str) -> str:
    """The id of 白井市's release of casebook #2024-313 in an ingested sample casebook."""
    from jikenbo.store import open_store
    return next(r.id for r in open_store(location).releases()
                if r.record.case_id == "2024-313" and r.record.organization == "白井市")


@pytest.fixture(scope="module")
def base(casebook: str) -> Iterator[str]:
    """The base URL of a real server on 127.0.0.1 over the module's `casebook`."""
    from tests.helpers import casebook_server  # helpers imports this module
    with casebook_server(casebook) as url:
        yield url


# -- PostgreSQL: one throwaway cluster per session, a fresh database per test ------------------
PG_BINARIES = ("initdb", "pg_ctl")


def _pg_bin() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/*/bin."""
    import shutil
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if all((folder / name).exists() for name in PG_BINARIES):
            return folder
    return None


def _as_server_user(command: list[str]) -> tuple[list[str], str | None]:
    """initdb refuses to run as root: as root, run the server as `postgres` (or `nobody`)."""
    if os.geteuid() != 0:
        return command, None
    import pwd
    user = next((name for name in ("postgres", "nobody") if _user_exists(pwd, name)), None)
    if user is None:
        pytest.skip("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")
    return ["runuser", "-u", user, "--", *command], user


def _user_exists(pwd, name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL maintenance database: $JIKENBO_TEST_PG, else a cluster of our own
    (initdb in a temporary folder, listening on a Unix socket there only), stopped at the end."""
    if os.environ.get("JIKENBO_TEST_PG"):
        yield os.environ["JIKENBO_TEST_PG"]
        return
    import shutil
    import tempfile
    folder = _pg_bin()
    if folder is None:
        reason = ("no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin (install "
                  "postgresql, or set JIKENBO_TEST_PG)")
        if os.environ.get("CI"):  # .ci/run installs it: its absence is a failure
            pytest.fail(f"PostgreSQL contract tests cannot run: {reason}")
        pytest.skip(f"PostgreSQL contract tests skipped: {reason}")
    home = Path(tempfile.mkdtemp(prefix="jikenbo-pg-"))  # short: a socket path has 107 bytes
    data = home / "data"
    run = lambda *args: subprocess.run(  # noqa: E731
        _as_server_user([str(folder / args[0]), *args[1:]])[0], check=True, capture_output=True)
    _, user = _as_server_user([])
    if user:
        shutil.chown(home, user)
    try:
        run("initdb", "-D", str(data), "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust",
            "-U", "postgres")
        run("pg_ctl", "-D", str(data), "-w", "-l", str(home / "log"), "-o",
            f"-k {home} -c listen_addresses='' -c max_connections=300 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off", "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(home, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {error.stderr.decode(errors='replace')}")
    try:
        yield f"postgresql:///postgres?host={home}&user=postgres"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    """A migrated database to copy: CREATE DATABASE … TEMPLATE is faster than migrating."""
    from jikenbo.store.postgres import PostgresStore, close_pool
    name = f"jikenbo_template_{os.getpid()}"
    _pg_admin(pg_server, f"DROP DATABASE IF EXISTS {name}",
              f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
              "LC_CTYPE 'C.UTF-8'")
    url = _pg_database(pg_server, name)
    PostgresStore(url).close()
    close_pool(url)  # a template must have no connections
    return name


_PG_COUNT = iter(range(1, 1_000_000))


@contextmanager
def pg_database(server: str, template: str = "template0") -> Iterator[str]:
    """A new database (a copy of `template`: a migrated one, or template0 for an empty one
    with the UTF-8 ctype), dropped afterwards."""
    from jikenbo.store.postgres import close_pool
    name = f"jikenbo_test_{os.getpid()}_{next(_PG_COUNT)}"
    _pg_admin(server, f"CREATE DATABASE {name} TEMPLATE {template}" + (
        " ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'" if template == "template0" else ""))
    url = _pg_database(server, name)
    try:
        yield url
    finally:
        close_pool(url)
        _pg_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_server: str, pg_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of this test's own, dropped afterwards."""
    with pg_database(pg_server, pg_template) as url:
        yield url


def _pg_database(server: str, name: str) -> str:
    return server.replace("/postgres?", f"/{name}?", 1)


def _pg_admin(server: str, *statements: str) -> None:
    import psycopg
    with psycopg.connect(server, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)
