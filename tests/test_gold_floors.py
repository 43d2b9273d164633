"""Evaluation gate: per-field scores on each gold set may only rise (raise a floor when a change
lifts a field; never lower one to make a change pass), and the naive keyword baseline never beats
the extractor.

Two gold sets: `dev` (casebook posts, each with its header) and `releases` (real releases, most
without one: bare bodies, raw notices, pages opening with a date or a site label).
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from jikenbo import evaluate
from jikenbo.pipeline import extract_source
from jikenbo.sources import load
from tests.conftest import SHARED, sample_pages

FLOORS = {
    "dev": {
        "found": 1.0, "is_incident": 1.0, "case_id": 1.0, "organization": 1.0, "title": 1.0,
        "published": 1.0, "earlier_releases": 1.0, "supply_chain": 1.0, "affected_count": 0.985,
        "leak_status": 0.985, "categories_f1": 0.983, "data_types_f1": 0.966, "vendors_f1": 0.981,
    },
    "releases": {
        "found": 1.0, "is_incident": 1.0, "case_id": 1.0, "organization": 1.0, "title": 1.0,
        "published": 1.0, "earlier_releases": 1.0, "supply_chain": 1.0, "affected_count": 0.984,
        "leak_status": 0.984, "categories_f1": 1.0, "data_types_f1": 0.984, "vendors_f1": 1.0,
    },
}


def _scorer():
    path = SHARED / "tools" / "score.py"
    if not path.exists():
        pytest.skip(f"scorer not found at {path}")
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gold_and_pages(name: str) -> tuple[list[dict], list[Path]]:
    gold = SHARED / "gold" / f"{name}.jsonl"
    if not gold.exists():
        pytest.skip(f"gold set not found at {gold}")
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line]
    if name == "dev":
        return rows, sample_pages()
    pages = sorted((SHARED / "corpus" / name).glob("*.txt"))
    if not pages:
        pytest.skip(f"corpus not found at {SHARED / 'corpus' / name}")
    return rows, pages


def _records(pages: list[Path]) -> list[dict]:
    return [json.loads(json.dumps(record.to_dict()))
            for page in pages for record in extract_source(load(str(page))).records]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_gold_floors(name: str) -> None:
    gold, pages = _gold_and_pages(name)
    result, misses = _scorer().score(gold, _records(pages))
    assert result["spurious_posts"] == 0
    below = {field: round(result[field], 3) for field, floor in FLOORS[name].items()
             if result[field] < floor}
    assert not below, f"{name}: fields below their floors: {below}; misses: {misses[:10]}"


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_baseline_never_beats_the_extractor(name: str) -> None:
    gold, pages = _gold_and_pages(name)
    posts = [(post, page) for page in pages for post in extract_source(load(str(page))).posts]
    naive = [evaluate.baseline_record(post, str(page)) for post, page in posts]
    ours = evaluate.score(gold, _records(pages)).values
    base = evaluate.score(gold, naive).values
    ahead = {field: (round(ours[field], 3), round(base[field], 3)) for field in FLOORS[name]
             if base[field] > ours[field]}
    assert not ahead, f"{name}: the baseline beats jikenbo on {ahead}"
