"""Evaluation gate: per-field scores on the dev gold set may only rise (raise a floor when a
change lifts a field; never lower one to make a change pass)."""
from __future__ import annotations

import importlib.util
import json

import pytest

from jikenbo.pipeline import extract_source
from jikenbo.sources import load
from tests.conftest import SHARED, gold_rows, sample_pages

FLOORS = {
    "found": 1.0, "is_incident": 1.0, "case_id": 1.0, "organization": 1.0, "title": 1.0,
    "published": 1.0, "earlier_releases": 1.0, "supply_chain": 1.0, "affected_count": 0.90,
    "leak_status": 0.97, "categories_f1": 0.947, "data_types_f1": 0.94, "vendors_f1": 0.96,
}


def _scorer():
    path = SHARED / "tools" / "score.py"
    if not path.exists():
        pytest.skip(f"scorer not found at {path}")
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_gold_floors() -> None:
    gold = gold_rows()
    predicted = [json.loads(json.dumps(record.to_dict()))
                 for page in sample_pages() for record in extract_source(load(str(page))).records]
    result, misses = _scorer().score(gold, predicted)
    assert result["spurious_posts"] == 0
    below = {name: round(result[name], 3) for name, floor in FLOORS.items() if result[name] < floor}
    assert not below, f"fields below their floors: {below}; misses: {misses[:10]}"
