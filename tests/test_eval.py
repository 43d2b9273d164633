"""`jikenbo eval`: the scorer's definitions, a naive baseline beside them, misses with evidence."""
from __future__ import annotations

import importlib.util
import json

import pytest

from jikenbo import evaluate
from jikenbo.pipeline import extract_source
from jikenbo.sources import load
from tests.conftest import SHARED, gold_rows, run_cli, sample_pages


def _official_scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _predicted() -> list[dict]:
    return [record.to_dict() for page in sample_pages()
            for record in extract_source(load(str(page))).records]


def test_scores_agree_with_the_official_scorer() -> None:
    gold, predicted = gold_rows(), _predicted()
    official, _ = _official_scorer().score(gold, predicted)
    ours = evaluate.score(gold, predicted).values
    assert ours == pytest.approx(official)


def test_a_wrong_field_is_a_miss_and_lowers_its_figure() -> None:
    gold = gold_rows()
    predicted = _predicted()
    first = next(row for row in predicted if row["is_incident"])
    first["organization"] = "どこかの会社"
    scores = evaluate.score(gold, predicted)
    assert scores.values["organization"] < 1.0
    assert any(miss.field == "organization" and miss.predicted == "どこかの会社"
               for miss in scores.misses)


def test_eval_prints_jikenbo_beside_the_baseline_with_evidence_for_misses() -> None:
    pages = [str(page) for page in sample_pages()]
    result = run_cli("eval", str(SHARED / "gold" / "dev.jsonl"), *pages)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert out.splitlines()[0].split() == ["field", "jikenbo", "baseline", "ratio"]
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:] if line[:1].isalpha()}
    assert float(rows["organization"][0]) == 1.0
    assert float(rows["affected_count"][0]) > float(rows["affected_count"][1])
    assert "misses:" in out and "evidence " in out


def test_eval_json_has_both_sets_of_figures() -> None:
    pages = [str(page) for page in sample_pages()]
    result = run_cli("eval", "--json", str(SHARED / "gold" / "dev.jsonl"), *pages)
    figures = json.loads(result.stdout)
    assert set(figures) == {"jikenbo", "baseline"}
    assert figures["jikenbo"]["title"] > figures["baseline"]["title"]


def test_eval_refuses_a_gold_file_that_is_not_gold(tmp_path) -> None:
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"title": "x"}\n', encoding="utf-8")
    result = run_cli("eval", str(bad), str(sample_pages()[0]))
    assert result.returncode == 1
    assert b"needs 'heading'" in result.stderr and b"Traceback" not in result.stderr


def test_eval_with_cases_scores_the_linking() -> None:
    files = sorted(map(str, (SHARED / "corpus" / "unnumbered").glob("*.txt")))
    result = run_cli("eval", "--cases", "--json", str(SHARED / "gold" / "cases.jsonl"), *files)
    figures = json.loads(result.stdout)
    assert figures["jikenbo"]["case_pairs_precision"] >= 0.98
    assert figures["jikenbo"]["case_pairs_recall"] >= 0.95
    # the baseline puts releases together by organisation name: it misses every contractor case
    assert figures["baseline"]["case_pairs_recall"] < figures["jikenbo"]["case_pairs_recall"]
