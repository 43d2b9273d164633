"""The safety net per post: an over-long post or an over-long extraction is refused with one
clear line naming the input, and the rest of the batch is still extracted and stored."""
from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SHARED, run_cli


def _release() -> str:
    """A real release without a casebook header (one post per file)."""
    return (SHARED / "corpus" / "unnumbered" / "000-00.txt").read_text(encoding="utf-8")


def _oversized(tmp_path: Path, characters: int) -> Path:
    head, _, body = _release().partition("\n")
    path = tmp_path / "huge.txt"
    path.write_text(head + "\n" + body * (characters // len(body) + 1), encoding="utf-8")
    return path


def test_a_post_over_the_character_limit_is_refused_and_the_batch_goes_on(tmp_path: Path,
                                                                          db: str) -> None:
    huge = _oversized(tmp_path, 250_000)
    normal = tmp_path / "normal.txt"
    normal.write_text(_release(), encoding="utf-8")
    done = run_cli("ingest", "--db", db, str(huge), str(normal))
    errors = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1
    refused = [line for line in errors if line.startswith("error:")]
    assert len(refused) == 1 and str(huge) in refused[0] and "200,000" in refused[0]
    assert "Traceback" not in done.stderr.decode()
    assert "1 new" in errors[-1] and "1 failed" in errors[-1]


def test_the_character_limit_can_be_raised(tmp_path: Path) -> None:
    huge = _oversized(tmp_path, 250_000)
    done = run_cli("extract", str(huge), env={"JIKENBO_MAX_POST_CHARS": "300000"})
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["is_incident"] is True


def test_an_extraction_past_its_time_budget_is_stopped_with_a_clear_error(tmp_path: Path) -> None:
    # A 1 ms budget: reading ~100,000 characters of a real release takes far longer than that.
    slow = _oversized(tmp_path, 100_000)
    done = run_cli("extract", str(slow), env={"JIKENBO_POST_SECONDS": "0.001"})
    assert done.returncode == 1
    assert done.stdout == b""
    message = done.stderr.decode().strip()
    assert message.startswith(f"error: {slow}: extracting the post") and "0.001 s" in message
    assert len(message.splitlines()) == 1
