"""The CLI contract: extract, ingest, export, show, stats; bad input never gives a traceback."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_cli, sample_pages
from tests.helpers import SHIRAI, http_server, release_html, release_pdf

RECORD_KEYS = {"case_id", "organization", "title", "published", "earlier_releases", "is_incident",
               "categories", "supply_chain", "vendors", "affected_count", "data_types",
               "leak_status", "heading", "source", "discovered"}


def _records(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def test_extract_prints_one_record_per_post() -> None:
    result = run_cli("extract", str(sample_pages()[0]))
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    assert len(records) == 30
    assert all(set(record) == RECORD_KEYS | {"confidence", "review_fields"} for record in records)
    shirai = records[0]
    assert shirai["case_id"] == "2024-313" and shirai["organization"] == "白井市"
    assert shirai["published"] == "2024-07-23"


def test_extract_reads_stdin_and_keeps_evidence() -> None:
    result = run_cli("extract", "--evidence", "-", stdin=SHIRAI.encode("euc_jp", errors="replace"))
    assert result.returncode == 0, result.stderr
    [record] = _records(result.stdout)
    assert record["organization"] == "白井市"
    evidence = {item["field"]: item for item in record["evidence"]}
    assert evidence["published"]["text"] == "2024/7/23"
    text = SHIRAI.encode("euc_jp", errors="replace").decode("euc_jp")
    count = evidence["affected_count"]
    assert text[count["start"]:count["end"]] == count["text"] == "約8千6百件"


def test_bad_inputs_are_reported_and_the_rest_stored(db: str, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "encrypted.pdf").write_bytes(release_pdf(password="pw"))
    (tmp_path / "notext.html").write_text("<html><body><script>1</script></body></html>")
    (tmp_path / "good.pdf").write_bytes(release_pdf())
    (tmp_path / "good.html").write_text(release_html(), encoding="utf-8")
    routes = {"/gone": (404, {}, b"")}
    with http_server(routes) as base:
        result = run_cli("ingest", "--db", db, str(tmp_path), "/no/such/file.txt",
                         f"{base}/gone", str(sample_pages()[1]))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1
    assert "Traceback" not in stderr
    for name in ("empty.txt", "binary.pdf", "blob.txt", "encrypted.pdf", "notext.html",
                 "/no/such/file.txt", "/gone"):
        assert any(name in line and line.startswith("error: ") for line in stderr.splitlines()), name
    assert stderr.strip().splitlines()[-1] == \
        "10 files, 10 posts, 9 new, 1 unchanged, 7 failed"  # the PDF and HTML carry one text


def test_usage_errors_exit_2() -> None:
    assert run_cli("ingest").returncode == 2
    assert run_cli("export", "--format", "xml").returncode == 2
    result = run_cli("show", "abc")
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def test_db_from_environment_and_export_formats(db: str) -> None:
    assert run_cli("ingest", str(SAMPLE), env={"JIKENBO_DB": db}).returncode == 0
    jsonl = _records(run_cli("export", "--format", "jsonl", env={"JIKENBO_DB": db}).stdout)
    assert len(jsonl) == 74 and RECORD_KEYS <= set(jsonl[0])
    rows = list(csv.DictReader(io.StringIO(
        run_cli("export", "--db", db, "--format", "csv").stdout.decode("utf-8-sig"))))
    assert len(rows) == 74
    assert {row["organization"] for row in rows} >= {"白井市", "シークス株式会社"}
    bundle = json.loads(run_cli("export", "--db", db, "--format", "stix").stdout)
    incidents = [item for item in bundle["objects"] if item["type"] == "incident"]
    assert len(incidents) == len(set(json.loads(line)["case"] for line in  # one per case
                                     run_cli("export", "--db", db).stdout.splitlines()) - {None})
    assert any(item["type"] == "identity" and item["name"] == "白井市" for item in bundle["objects"])


def test_show_and_stats(db: str) -> None:
    run_cli("ingest", "--db", db, str(sample_pages()[0]))
    some = _records(run_cli("export", "--db", db).stdout)[0]
    shown = json.loads(run_cli("show", "--db", db, some["id"][:10]).stdout)
    assert shown["heading"] == some["heading"] and shown["evidence"]
    archive = run_cli("show", "--db", db, "--archive", some["id"][:10]).stdout.decode("utf-8")
    assert some["heading"] in archive
    stats = run_cli("stats", "--db", db).stdout.decode("utf-8")
    assert stats.startswith("30 releases (29 incidents) from 1 sources")
    missing = run_cli("show", "--db", db, "ffffffffff")
    assert missing.returncode == 1 and b"no release" in missing.stderr


@pytest.mark.parametrize("command", ["extract", "ingest", "export", "show", "stats", "start", "serve", "eval", "cases", "case", "link"])
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and b"Usage:" in result.stdout


def test_start_ingests_the_bundled_sample(db: str) -> None:
    result = run_cli("start", "--no-serve", "--db", db)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "74 releases (71 incidents)" in out and "jikenbo export" in out
