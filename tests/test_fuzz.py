"""Fuzzing the line from bytes to the database, a bounded number of examples per CI run:
hypothesis builds hostile variants of a real notice, and the corpus fuzzer mutates the real
corpus files (byte flips, truncation, encoding swaps, splices). Whatever goes in, no exception
escapes, the database stays consistent, and the valid inputs of the same batch are all stored.

JIKENBO_FUZZ_EXAMPLES and JIKENBO_FUZZ_SEED run it longer or differently by hand.
"""
from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jikenbo import pipeline
from jikenbo.cases import curate
from jikenbo.sources import ReadOptions, load
from jikenbo.store import open_store, release_id
from tests import hostile
from tests.conftest import SHARED, sample_pages
from tests.helpers import SHIRAI, release_html, release_pdf

EXAMPLES = int(os.environ.get("JIKENBO_FUZZ_EXAMPLES", "40"))
SEED = int(os.environ.get("JIKENBO_FUZZ_SEED", "20261123"))


def _consistent(db: str, expected_ids: set[str]) -> None:
    with sqlite3.connect(db) as connection:
        one = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        assert one("PRAGMA integrity_check") == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert one("SELECT COUNT(*) FROM releases WHERE source_id NOT IN "
                   "(SELECT id FROM sources)") == 0
        assert one("SELECT COUNT(*) FROM occurrences WHERE source_id NOT IN "
                   "(SELECT id FROM sources)") == 0
        assert one("SELECT COUNT(*) FROM releases WHERE searchable = 0") == 0
        # a valid text is stored when it is a release, or an occurrence of one: a version of
        # it or a near-duplicate (issue #12 item 3: a variant read first holds its identity)
        stored = {row[0] for row in connection.execute(
            "SELECT id FROM releases UNION SELECT o.content_id FROM occurrences o "
            "JOIN releases r ON r.id = o.release_id")}
    assert expected_ids <= stored


def _ids(path: Path) -> set[str]:
    return {release_id(post.text) for post in pipeline.extract_source(load(str(path))).posts}


def _corpus() -> list[tuple[str, bytes]]:
    """Real files: the shared corpus's texts, plus a real notice as HTML and as PDF."""
    texts = sorted((SHARED / "corpus").rglob("*.txt")) + sample_pages()
    found = [(path.suffix, path.read_bytes()) for path in texts]
    return found + [(".html", release_html().encode()), (".pdf", release_pdf())]


def test_mutated_corpus_batch(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    corpus = _corpus()
    folder = tmp_path / "batch"
    folder.mkdir()
    valid = [(index, rng.choice(corpus)) for index in (0, EXAMPLES, 3 * EXAMPLES + 2)]
    for number in range(3 * EXAMPLES + 3):
        suffix, data = rng.choice(corpus)
        mutation = rng.choice(hostile.MUTATIONS)
        mutated = mutation(data, rng, rng.choice(corpus)[1]) if mutation is hostile.splice \
            else mutation(data, rng)
        (folder / f"{number:03d}-{mutation.__name__}{suffix}").write_bytes(mutated)
    expected: set[str] = set()
    for index, (suffix, data) in valid:  # unmutated real files among the mutants
        path = folder / f"{index:03d}-valid{suffix}"
        path.write_bytes(data)
        expected |= _ids(path)
    db = str(tmp_path / "fuzz.db")
    store = open_store(db)
    errors: list[str] = []
    paths = sorted(str(path) for path in folder.iterdir())
    summary = pipeline.ingest(store, paths, ReadOptions(), on_error=lambda e: errors.append(str(e)))
    assert summary.files == len(paths)
    assert not [error for error in errors if "-valid" in error]
    assert all("\n" not in error for error in errors)
    curate.relink(store)
    store.close()
    _consistent(db, expected)
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM releases WHERE is_incident AND id NOT IN "
                                  "(SELECT release_id FROM case_members)").fetchone()[0] == 0


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> tuple[Path, set[str]]:
    """A folder with a valid notice that goes into every batch beside the hostile one."""
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "valid.txt").write_text(SHIRAI + "\n\n再発防止に努めてまいります。", encoding="utf-8")
    return folder, _ids(folder / "valid.txt")


_FRAGMENTS = st.one_of(
    st.text(st.characters(codec=None), max_size=200),          # any code point, surrogates too
    st.sampled_from(["&#1;", "<div>" * 300, "【" * 200, "\x00", "\ufeff", "１" * 500, "\r"]),
    st.integers(-10**30, 10**30).map(lambda n: f"{n}件"),
)


_UNITS = st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=3).map(tuple)


@given(fragment=_FRAGMENTS, where=st.floats(0, 1), count=st.integers(-10**25, 10**25),
       form=st.sampled_from(["txt", "html", "pdf"]), a=_UNITS, b=_UNITS)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
def test_hostile_variants_of_a_real_notice(workspace: tuple[Path, set[str]], fragment: str,
                                           where: float, count: int, form: str,
                                           a: tuple[int, ...], b: tuple[int, ...]) -> None:
    folder, valid_ids = workspace
    text = SHIRAI.replace("約8千6百件", f"{count}件")  # the count the extractor reads
    at = int(len(text) * where)
    text = text[:at] + fragment + text[at:]
    if form == "html":
        text = f"<html><body><main><p>{text.replace(chr(10), '</p><p>')}</p></main></body></html>"
    hostile_path = folder / f"hostile.{form}"
    hostile_path.write_bytes(hostile.surrogate_pdf(a, b) if form == "pdf"
                             else text.encode("utf-8", "surrogatepass"))
    db = str(folder / "h.db")
    store = open_store(db)
    try:
        summary = pipeline.ingest(store, [str(hostile_path), str(folder / "valid.txt")],
                                  ReadOptions())
    finally:
        store.close()
    assert summary.files == 2 and summary.failed <= 1
    _consistent(db, valid_ids)
