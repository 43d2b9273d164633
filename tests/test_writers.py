"""Writers that cooperate: a linking run holds the write lock from reading the state to storing
the numbers, so a release stored by another writer meanwhile is never left without a case."""
from __future__ import annotations

import threading
import time

from jikenbo import pipeline
from jikenbo.cases import curate
from jikenbo.sources import ReadOptions
from jikenbo.store import open_store
from tests.conftest import sample_pages


def _unlinked(store) -> int:
    return store.execute("SELECT COUNT(*) FROM releases WHERE is_incident AND id NOT IN "
                         "(SELECT release_id FROM case_members)")[0][0]


def test_a_release_stored_during_a_linking_run_keeps_its_case(db: str) -> None:
    pages = [str(page) for page in sample_pages()]
    first, second = open_store(db), open_store(db)
    pipeline.ingest(first, pages[:3], ReadOptions())
    other_done = threading.Event()

    def other_writer() -> None:  # another process's ingest and its own linking run
        pipeline.ingest(second, pages[3:], ReadOptions())
        curate.relink(second)
        other_done.set()

    reading = first.link_items

    def link_items_then_let_the_other_writer_in():
        items = reading()  # the linking run has read the releases …
        threading.Thread(target=other_writer).start()
        other_done.wait(3)  # … and the other writer gets up to 3 s before it stores its numbers
        return items

    first.link_items = link_items_then_let_the_other_writer_in
    started = time.monotonic()
    curate.relink(first)
    assert other_done.wait(60)
    # Before: the other writer stored and linked its releases meanwhile, then this run's stale
    # numbers replaced theirs and those releases had no case. Now the other writer waited.
    assert _unlinked(first) == 0 and not first.links_stale()
    assert time.monotonic() - started >= 3
    assert first.counts()["releases"] == 74
