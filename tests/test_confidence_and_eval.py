"""How sure each field is (stated / inferred / fallback) and the fields a curator should check;
`jikenbo eval` over several gold files."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from jikenbo.pipeline import extract_source
from jikenbo.record import Evidence
from jikenbo.sources import from_bytes
from tests.conftest import SHARED, run_cli, sample_pages


def _record(text: str):
    return extract_source(from_bytes("release", text.encode(), "text/plain")).records[0]


def test_a_casebook_heading_states_its_fields() -> None:
    record = _record("【セキュリティ事件簿#2024-010】青葉市 書類の紛失について 2024/5/1\n\n"
                     "個人情報を含む書類を紛失しました。\n")
    grades = record.confidence()
    assert {name: grades[name] for name in ("case_id", "organization", "title", "published",
                                            "is_incident")} == dict.fromkeys(
        ("case_id", "organization", "title", "published", "is_incident"), "stated")
    assert not {"case_id", "organization", "title", "published"} & set(record.review_fields())


def test_a_name_put_together_from_the_body_goes_to_review() -> None:
    record = _record("書類の紛失について\nこのたび、当町の窓口で申請書を紛失しました。\n"
                     "青葉町として事案を把握しました。個人情報の管理を徹底します。\n")
    assert record.organization == "青葉町"
    assert record.confidence()["organization"] == "inferred"
    assert "organization" in record.review_fields()
    assert "case_id" not in record.review_fields()  # no casebook number is the normal answer


def test_a_missing_value_is_a_fallback_and_goes_to_review() -> None:
    record = _record("書類の紛失について\n個人情報を含む書類を紛失しました。お詫びします。\n")
    assert record.published is None and record.confidence()["published"] == "fallback"
    assert "published" in record.review_fields()


def test_a_post_that_is_no_incident_asks_only_about_the_gate() -> None:
    record = _record("春の新商品のご案内\n新しいカタログを公開しました。\n")
    assert not record.is_incident
    assert set(record.review_fields()) <= {"is_incident"}


def test_a_rule_the_table_does_not_know_counts_as_inferred() -> None:
    record = _record("【セキュリティ事件簿#2024-011】青葉市 書類の紛失について 2024/5/2\n\n本文。\n")
    odd = replace(record, evidence=(Evidence("affected_count", "a_rule_added_later", 0, 0, ""),))
    assert odd.confidence() == {"affected_count": "inferred"}
    assert odd.to_dict()["review_fields"] == ["affected_count"]


def test_extract_evidence_shows_confidence_and_review_fields() -> None:
    result = run_cli("extract", "--evidence", str(sample_pages()[0]))
    record = json.loads(result.stdout.decode().splitlines()[0])
    assert record["confidence"]["case_id"] == "stated"
    assert isinstance(record["review_fields"], list) and record["evidence"]


def _golds() -> list[str]:
    paths = [SHARED / "gold" / "dev.jsonl", SHARED / "gold" / "releases.jsonl"]
    if not all(path.exists() for path in paths) or not (SHARED / "corpus" / "releases").is_dir():
        pytest.skip("the dev and releases gold sets are not here")
    return [str(path) for path in paths]


def test_eval_scores_each_gold_file_and_their_union() -> None:
    dev, releases = _golds()
    pages = [*map(str, sample_pages()), str(SHARED / "corpus" / "releases")]
    result = run_cli("eval", "--no-misses", "--gold", dev, "--gold", releases, *pages)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert [line for line in out.splitlines() if line.startswith("==")] == [
        f"== {dev}", f"== {releases}", "== union"]
    spurious = [line.split()[1:] for line in out.splitlines() if line.startswith("spurious_posts")]
    assert spurious == [["0", "0"]] * 3  # a post of one set is no stray in the other


def test_eval_json_carries_each_file_and_the_union() -> None:
    dev, releases = _golds()
    pages = [*map(str, sample_pages()), str(SHARED / "corpus" / "releases")]
    figures = json.loads(run_cli("eval", "--json", "--gold", dev, "--gold", releases,
                                 *pages).stdout)
    assert set(figures) == {"jikenbo", "baseline", "files"}
    assert set(figures["files"]) == {dev, releases}
    both = figures["files"][dev]["jikenbo"]["posts"] + figures["files"][releases]["jikenbo"]["posts"]
    assert figures["jikenbo"]["posts"] == both


def test_eval_needs_paths_after_its_gold_file() -> None:
    result = run_cli("eval", str(SHARED / "gold" / "cases.jsonl"))
    assert result.returncode == 2 and b"PATHS" in result.stderr
    assert b"Traceback" not in result.stderr


def test_the_release_page_lists_the_fields_to_review(tmp_path) -> None:
    import httpx

    from jikenbo.store import open_store
    from tests.helpers import casebook_server

    notice = tmp_path / "notice.txt"
    notice.write_text("書類の紛失について\nこのたび、当町の窓口で申請書を紛失しました。\n"
                      "青葉町として事案を把握しました。個人情報の管理を徹底します。\n", encoding="utf-8")
    location = str(tmp_path / "casebook.db")
    assert run_cli("ingest", "--db", location, str(notice)).returncode == 0
    release = next(iter(open_store(location).releases()))
    with casebook_server(location) as url:
        page = httpx.get(f"{url}/releases/{release.id}", timeout=30).text
    assert "要確認の項目" in page and "review-inferred" in page and "review-fallback" in page
