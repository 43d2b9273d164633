"""Shared fixtures: the real corpus, the gold set, a fresh database, the CLI as a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def base(casebook: str) -> Iterator[str]:
    """The base URL of a real server on 127.0.0.1 over the module's `casebook`."""
    from tests.helpers import casebook_server  # helpers imports this module
    with casebook_server(casebook) as url:
        yield url
