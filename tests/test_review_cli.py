"""`jikenbo release correct`, `jikenbo review`, `case log/undo` of curation and
`jikenbo corrections export` → `jikenbo eval`, run as a user runs them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from jikenbo.store import open_store
from tests.conftest import SAMPLE, run_cli, shirai_release


@pytest.fixture
def db(casebook_copy: str) -> str:
    return casebook_copy


def _out(result) -> str:
    return result.stdout.decode("utf-8")


def _err(result) -> str:
    return result.stderr.decode("utf-8")


def test_correct_log_and_undo(db: str) -> None:
    release = shirai_release(db)
    corrected = run_cli("release", "correct", "--db", db, release[:8],
                        "categories=ランサムウェア,不正アクセス", "affected_count=8,700",
                        "--note", "第2報で訂正")
    assert corrected.returncode == 0, _err(corrected)
    assert "affected_count 8600 → 8700" in _out(corrected)
    record = open_store(db).release(release).record
    assert (record.categories, record.affected_count) == (("ransomware", "unauthorized_access"),
                                                          8700)
    log = _out(run_cli("case", "log", "--db", db))
    assert f"corrected {release[:12]}" in log and "第2報で訂正" in log
    state = _out(run_cli("review", "--db", db, release))
    assert "未確認" in state and "affected_count = 8700 (extracted: 8600" in state
    undone = run_cli("case", "undo", "--db", db)
    assert undone.returncode == 0 and "undid: corrected" in _out(undone)
    assert open_store(db).release(release).record.affected_count == 8600
    assert "[undone" in _out(run_cli("case", "log", "--db", db))


@pytest.mark.parametrize("arguments, message", [
    (["colour=red"], "error: unknown field 'colour'; correctable fields: case_id,"),
    (["published=2024-13-01"], "error: published: '2024-13-01' is not a date YYYY-MM-DD"),
    (["leak_status=maybe"], "error: leak_status: 'maybe' is not one of confirmed, none,"),
    (["organization=白井市水道課", "affected_count=many"], "error: affected_count: 'many' is not"),
])
def test_a_bad_correction_is_one_line_exit_2_and_stores_nothing(db: str, arguments: list[str],
                                                                message: str) -> None:
    result = run_cli("release", "correct", "--db", db, shirai_release(db), *arguments)
    assert result.returncode == 2
    assert _err(result).startswith(message) and _err(result).count("\n") == 1
    assert "Traceback" not in _err(result)
    assert open_store(db).release(shirai_release(db)).record.organization == "白井市"
    assert open_store(db).actions() == []


def test_an_unknown_release_is_a_clear_error(db: str) -> None:
    result = run_cli("release", "correct", "--db", db, "abcdef123456", "organization=x")
    assert result.returncode == 1 and _err(result).startswith("error: no release with id")


def test_the_queue_lists_least_sure_first_and_review_ok_takes_a_release_off(db: str) -> None:
    listed = run_cli("review", "--db", db, "--limit", "74")
    lines = _out(listed).splitlines()
    assert _err(listed).startswith("74 releases 未確認") and len(lines) == 74
    defaults = [line.count("(既定値)") for line in lines]
    assert defaults == sorted(defaults, reverse=True) and defaults[0] > defaults[-1]
    first = lines[0].split()[0]
    marked = run_cli("review", "--db", db, first, "--ok", "--note", "原文と照合")
    assert marked.returncode == 0 and "確認済み" in _out(marked)
    after = run_cli("review", "--db", db, "--limit", "74")
    assert _err(after).startswith("73 releases 未確認")
    assert first not in _out(after)
    again = run_cli("review", "--db", db, first, "--ok")
    assert again.returncode == 2 and "already 確認済み" in _err(again)
    assert "原文と照合" in _out(run_cli("case", "log", "--db", db))


def test_corrections_export_is_gold_that_eval_scores(db: str, tmp_path: Path) -> None:
    release = shirai_release(db)
    empty = run_cli("corrections", "export", "--db", db)
    assert empty.returncode == 0 and _out(empty) == "" and "no reviewed" in _err(empty)
    assert run_cli("release", "correct", "--db", db, release, "organization=白井市水道課",
                   "--reviewed").returncode == 0
    other = next(r.id for r in open_store(db).releases()
                 if r.record.organization == "熊本市")
    assert run_cli("review", "--db", db, other, "--ok").returncode == 0
    gold = tmp_path / "curated.jsonl"
    exported = run_cli("corrections", "export", "--db", db, "-o", str(gold))
    assert exported.returncode == 0 and "2 curated releases exported (2 確認済み)" in _err(exported)
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert {row["organization"] for row in rows} == {"白井市水道課", "熊本市"}
    assert all(row["file"].endswith(".txt") and "/" not in row["file"] for row in rows)
    scored = run_cli("eval", "--gold", str(gold), "--json", str(SAMPLE))
    assert scored.returncode == 0, _err(scored)
    figures = json.loads(_out(scored))["jikenbo"]
    assert figures["posts"] == 2 and figures["found"] == 1.0
    assert figures["organization"] == 0.5  # the extractor said 白井市, the curator 白井市水道課
    assert figures["affected_count"] == 1.0
