"""`jikenbo ingest --jobs N`: extraction in worker processes, batched writes, the same casebook
as one process makes, one bad input reported and the rest stored, inputs read as they are
needed."""
from __future__ import annotations

import shutil
import subprocess
import sys
import sqlite3
import time
from dataclasses import replace
from itertools import count
from pathlib import Path

import pytest

from jikenbo import ingest_parallel
from jikenbo.ingest_parallel import Prepared, batches, prepare, prepared_in_order
from jikenbo.sources import ReadOptions
from jikenbo.store import SourceOutcome, open_store
from tests.conftest import SAMPLE, SHARED, run_cli

UNNUMBERED = SHARED / "corpus" / "unnumbered"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample pages and the unnumbered corpus, with a file that cannot be decoded, an
    empty one and a copy of a release under another name, in the middle of the batch."""
    folder = tmp_path_factory.mktemp("corpus")
    for page in [*sorted(SAMPLE.glob("*.txt")), *sorted(UNNUMBERED.glob("*.txt"))]:
        shutil.copy(page, folder / f"{page.parent.name}-{page.name}")
    first = sorted(UNNUMBERED.glob("*.txt"))[0]
    shutil.copy(first, folder / "unnumbered-050-copy.txt")
    (folder / "unnumbered-020-broken.txt").write_bytes(b"\xff\xfe\x00")
    (folder / "unnumbered-030-empty.txt").write_text("\n", encoding="utf-8")
    return folder


def _ingest(db: Path, corpus: Path, jobs: int) -> tuple[int, list[str]]:
    done = run_cli("ingest", "--db", str(db), "--jobs", str(jobs), str(corpus), timeout=600)
    return done.returncode, done.stderr.decode("utf-8").splitlines()


def _export(db: Path) -> str:
    done = run_cli("export", "--db", str(db), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")


def test_two_workers_store_what_one_process_stores(corpus: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    code_one, said_one = _ingest(one, corpus, jobs=1)
    code_two, said_two = _ingest(two, corpus, jobs=2)
    assert code_one == code_two == 1  # the broken and the empty file failed, the rest is stored
    assert said_one == said_two
    assert [line for line in said_two if line.startswith("error:")] == [
        f"error: {corpus / 'unnumbered-020-broken.txt'}: invalid bytes for utf-16 at offset 2",
        f"error: {corpus / 'unnumbered-030-empty.txt'}: empty input; nothing to read"]
    assert said_two[-1].endswith(" unchanged, 2 failed")
    exported = _export(two)
    assert exported == _export(one)
    assert exported.count("\n") > 70 and '"case": "J' in exported


def test_a_second_parallel_run_adds_nothing(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "again.db"
    _ingest(db, corpus, jobs=2)
    before = _export(db)
    code, said = _ingest(db, corpus, jobs=3)
    assert code == 1 and " 0 new, " in said[-1]
    assert _export(db) == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) - COUNT(DISTINCT id) FROM releases"
                                  ).fetchone()[0] == 0


def test_one_bad_source_in_a_batch_is_rolled_back_alone(corpus: Path, tmp_path: Path) -> None:
    pages = sorted(corpus.glob("sample-*.txt"))[:3]
    good_a, bad, good_b = (prepare(str(page), ReadOptions()) for page in pages)
    # a count SQLite cannot hold, as a buggy extractor might produce: the insert fails mid-source
    huge = replace(bad.rows[-1], record=replace(bad.rows[-1].record, affected_count=10 ** 20))
    bad = replace(bad, rows=(*bad.rows[:-1], huge))
    store = open_store(str(tmp_path / "batch.db"))
    outcomes = store.add_sources([(item.source, item.rows) for item in (good_a, bad, good_b)])
    assert [type(outcome) for outcome in outcomes] == [SourceOutcome, OverflowError, SourceOutcome]
    stored = store.execute("SELECT locator FROM sources ORDER BY id")
    assert [row[0] for row in stored] == [good_a.source.locator, good_b.source.locator]
    count_rows = store.execute("SELECT COUNT(*) FROM releases")[0][0]
    assert count_rows == len(good_a.rows) + len(good_b.rows)
    assert store.links_stale()
    failed = ingest_parallel.store_batch(store, [bad])
    assert str(failed[0]).startswith(f"{bad.locator}: could not be processed (OverflowError")


def test_inputs_are_read_as_the_workers_need_them(corpus: Path) -> None:
    pages = [str(page) for page in sorted(corpus.glob("*.txt")) 
             if "broken" not in page.name and "empty" not in page.name]
    handed_out = count()
    taken: list[int] = []

    def inputs():
        for index in range(10_000):  # far more than are ever taken
            next(handed_out)
            yield pages[index % len(pages)]

    for position, item in enumerate(prepared_in_order(inputs(), ReadOptions(), jobs=2)):
        assert item.error is None and item.rows
        if position == 0:
            taken.append(next(handed_out))
        if position == 200:
            taken.append(next(handed_out))
            break
    window = 2 * ingest_parallel.IN_FLIGHT * ingest_parallel.CHUNK
    assert taken[0] <= window + 2 * ingest_parallel.CHUNK
    assert taken[1] <= 200 + window + 2 * ingest_parallel.CHUNK


def test_batches_start_small_and_grow_to_the_limit() -> None:
    items = [Prepared(f"input-{index}") for index in range(2000)]
    sizes = [len(batch) for batch in batches(items)]
    assert sizes[:6] == [1, 2, 4, 8, 16, 32]
    assert max(sizes) == ingest_parallel.BATCH_SOURCES
    assert sum(sizes) == len(items)


def test_a_parallel_ingest_killed_mid_batch_leaves_whole_batches(tmp_path: Path) -> None:
    from tests.test_crash import _batch, _check, _kill_when, _unlinked
    folder = tmp_path / "batch"
    folder.mkdir()
    _batch(folder, copies=12)
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "jikenbo", "ingest", "--jobs", "2", "--db", str(db),
               str(folder)]
    assert _kill_when(command, db, 8)
    assert not _left_running(str(db))  # its workers ended with it
    stored = _check(db)  # integrity, and every release whole with its categories
    with sqlite3.connect(db) as connection:
        sources = connection.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
        partial = connection.execute("SELECT COUNT(*) FROM sources s WHERE NOT EXISTS "
                                     "(SELECT 1 FROM occurrences o WHERE o.source_id = s.id)"
                                     ).fetchone()[0]
        stale = connection.execute("SELECT value FROM store_state "
                                   "WHERE name = 'links_stale'").fetchone()[0]
    assert 8 <= sources < 5 * 12 and partial == 0 and stale == "1"
    finished = subprocess.run(command, capture_output=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    alone = tmp_path / "alone.db"  # the same folder, one process, never interrupted
    assert run_cli("ingest", "--jobs", "1", "--db", str(alone), str(folder)).returncode == 0
    assert stored < _check(db) == _check(alone) and _unlinked(db) == 0
    assert _export(db) == _export(alone)


def _left_running(marker: str, wait: float = 10.0) -> list[int]:
    """Processes whose command line holds `marker` (forked workers keep their parent's), after
    up to `wait` seconds for them to end."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:  # ended meanwhile
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
