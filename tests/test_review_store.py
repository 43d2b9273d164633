"""Field curation in the store: corrections kept across relinking, re-ingesting and
re-extraction, read by search and facets, logged and undone with the case log; the review queue."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jikenbo import curation, pipeline
from jikenbo.cases import curate
from jikenbo.errors import UsageError
from jikenbo.sources import ReadOptions, load
from jikenbo.store import open_store
from jikenbo.store.search import Query
from tests.conftest import SAMPLE, run_cli


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("curation") / "casebook.db"
    assert run_cli("ingest", "--db", str(location), str(SAMPLE)).returncode == 0
    return location


@pytest.fixture
def store(ingested: Path, tmp_path: Path):
    """A fresh copy of the ingested sample casebook for each test."""
    copy = tmp_path / "casebook.db"
    shutil.copy(ingested, copy)
    opened = open_store(str(copy))
    yield opened
    opened.close()


def _shirai(store):
    """白井市's 2024-313 notice: 約8千6百件, categories unauthorized_access."""
    return next(r for r in store.releases() if r.record.case_id == "2024-313"
                and r.record.organization == "白井市")


def test_a_correction_is_in_force_and_keeps_the_extracted_value(store) -> None:
    release = _shirai(store)
    assert release.record.affected_count == 8600
    outcome = curation.correct(store, release.id[:10],
                               ["affected_count=8,700", "categories=ランサムウェア,不正アクセス"],
                               note="市の第2報で訂正")
    record = store.release(release.id).record
    assert record.affected_count == 8700
    assert record.categories == ("ransomware", "unauthorized_access")
    kept = store.corrections_in_force([release.id])[release.id]
    assert kept["affected_count"].extracted == 8600 and kept["affected_count"].note == "市の第2報で訂正"
    assert kept["categories"].extracted == list(release.record.categories)
    logged = store.actions()[-1]
    assert logged.id == outcome.action and logged.kind == "correct"
    assert "affected_count 8600 → 8700" in logged.summary and logged.note == "市の第2報で訂正"


def test_search_and_facets_read_the_corrected_values(store) -> None:
    release = _shirai(store)
    before = store.search(Query(category="ransomware", per_page=100))
    assert release.id not in before.ids
    curation.correct(store, release.id, ["categories=ransomware"])
    after = store.search(Query(category="ransomware", per_page=100))
    assert release.id in after.ids and after.total == before.total + 1
    unauthorized = store.search(Query(category="unauthorized_access", per_page=100))
    assert release.id not in unauthorized.ids
    by_name = store.search(Query(organization="白井市水道課", per_page=100))
    assert by_name.total == 0
    curation.correct(store, release.id, ["organization=白井市水道課"])
    assert store.search(Query(organization="白井市水道課", per_page=100)).ids == [release.id]


def test_corrections_survive_relinking_reingesting_and_reextraction(store) -> None:
    release = _shirai(store)
    curation.correct(store, release.id, ["organization=白井市水道課", "leak_status=漏えい確認"])
    curate.relink(store)
    pipeline.ingest(store, [str(SAMPLE)], ReadOptions())
    record = store.release(release.id).record
    assert (record.organization, record.leak_status) == ("白井市水道課", "confirmed")
    # a re-extraction of the same notice writes the extractor's values under the corrections
    fresh = next(found for found in pipeline.extract_source(
        load(release.source_locator, ReadOptions())).records
        if found.case_id == "2024-313" and found.organization == "白井市")
    store.overlay_corrections(release.id, {**fresh.to_dict(), "title": "再抽出した件名"})
    record = store.release(release.id).record
    assert (record.organization, record.leak_status) == ("白井市水道課", "confirmed")
    assert record.title == "再抽出した件名"  # an uncorrected field takes the new extraction
    assert store.corrections_in_force([release.id])[release.id]["organization"].extracted == "白井市"


def test_linking_uses_the_corrected_organisation(store) -> None:
    release = _shirai(store)
    curation.correct(store, release.id, ["organization=株式会社まったく別の組織"])
    item = next(item for item in store.link_items() if item.id == release.id)
    assert item.issuer and "白井" not in item.issuer


def test_undo_puts_back_what_was_in_force_before(store) -> None:
    release = _shirai(store)
    first = curation.correct(store, release.id, ["affected_count=8700"])
    curation.correct(store, release.id, ["affected_count=9000", "supply_chain=false"])
    curate.undo(store, first.action)  # the later correction of the field stays in force
    assert store.release(release.id).record.affected_count == 9000
    curate.undo(store)  # the latest: back to the extractor's values
    record = store.release(release.id).record
    assert (record.affected_count, record.supply_chain) == (8600, True)
    assert store.corrections_in_force([release.id]) == {}
    assert store.search(Query(category="unauthorized_access", per_page=100)).total > 0
    assert [action.undone_at is not None for action in store.actions()] == [True, True]


@pytest.mark.parametrize("assignment, message", [
    ("colour=red", "unknown field 'colour'"),
    ("published=2024-02-30", "not a date YYYY-MM-DD"),
    ("published=2024/7/23", "not a date YYYY-MM-DD"),
    ("categories=ransomware,hacking", "'hacking' is not one of"),
    ("data_types=氏名,血液型", "'血液型' is not one of"),
    ("leak_status=leaked", "'leaked' is not one of"),
    ("affected_count=-5", "not a count"),
    ("affected_count=約8600", "not a count"),
    ("affected_count=99999999999", "not a count"),
    ("is_incident=maybe", "not true or false"),
    ("title=", "title cannot be empty"),
    ("case_id=2024-31", "not a casebook number"),
    ("organization", "give field=value"),
])
def test_a_bad_value_is_refused_and_nothing_is_stored(store, assignment: str, message: str) -> None:
    release = _shirai(store)
    with pytest.raises(UsageError, match=message):
        curation.correct(store, release.id, ["organization=白井市水道課", assignment])
    assert store.release(release.id).record.organization == "白井市"
    assert store.corrections_in_force() == {} and store.actions() == []


def test_correcting_to_the_same_value_stores_nothing(store) -> None:
    release = _shirai(store)
    with pytest.raises(UsageError, match="already has"):
        curation.correct(store, release.id, ["affected_count=8600"])
    assert store.actions() == []


def test_review_marks_a_release_and_undo_unmarks_it(store) -> None:
    release = _shirai(store)
    waiting = [item.release.id for item in curation.queue(store)]
    assert release.id in waiting
    outcome = curation.review(store, release.id, note="原文と照合")
    assert store.reviews([release.id])[release.id].note == "原文と照合"
    assert release.id not in [item.release.id for item in curation.queue(store)]
    with pytest.raises(UsageError, match="already 確認済み"):
        curation.review(store, release.id)
    curate.undo(store, outcome.action)
    assert store.reviews([release.id]) == {}
    assert [item.release.id for item in curation.queue(store)] == waiting


def test_the_queue_puts_the_least_sure_releases_and_fields_first(store) -> None:
    items = curation.queue(store)
    assert len(items) == store.counts()["releases"]
    fallbacks = [[grade for _, grade in item.unsure].count("fallback") for item in items]
    assert fallbacks == sorted(fallbacks, reverse=True) and fallbacks[0] > 0
    for item in items:
        grades = [grade for _, grade in item.unsure]
        assert grades == sorted(grades, key=curation.GRADE_ORDER.index)
    first = items[0]
    field = first.unsure[0][0]
    typed = {"organization": "組織名", "published": "2024-07-23", "affected_count": "10",
             "leak_status": "unknown", "categories": "other"}[field]
    curation.correct(store, first.release.id, [f"{field}={typed}"])
    again = next(item for item in curation.queue(store) if item.release.id == first.release.id)
    assert field not in again.fields()  # a corrected field is no longer asked


def test_correct_and_review_together(store) -> None:
    release = _shirai(store)
    curation.correct(store, release.id, ["vendors=東京ガスエンジニアリングソリューションズ株式会社、TGES"],
                     reviewed=True)
    assert release.id in store.reviews([release.id])
    assert store.release(release.id).record.vendors == (
        "東京ガスエンジニアリングソリューションズ株式会社", "TGES")
    curate.undo(store)  # one action: both go
    assert store.reviews([release.id]) == {} and store.release(release.id).record.vendors == (
        "東京ガスエンジニアリングソリューションズ株式会社",)

