"""Server start: the single-character searches whose first answer costs most are asked once,
on a thread of their own while the server already answers, so that few readers pay for them.

A one-character word (市, 県, 校) is looked up in the character index, and its first lookup
reads one entry per release holding it: for a character in most releases of a 100,000-release
casebook that is ~10 ms, every later one ~1 ms (the answer is kept, store/search.py). The
characters most releases hold are the ones people's titles are made of, so the titles of the
newest releases name them. Small casebooks are not warmed: there a cold lookup costs little.

Warming is never waited for: at a million releases on PostgreSQL a common character's first
lookup took seconds, and warming all of them before listening kept the server silent for half an
hour. It stops after BUDGET_S, or when the server shuts down.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import closing

from jikenbo.store import open_store
from jikenbo.store.fold import searchable
from jikenbo.store.query import Query

log = logging.getLogger(__name__)

WARM_FROM = 20_000  # incident releases; below, a cold one-character search costs a few ms
SAMPLE = 2_000      # newest releases whose titles are counted
SHARE = 0.01        # a character in at least this share of those titles is warmed
MOST = 256          # characters warmed at most (the index keeps 512 answers)
BUDGET_S = 300.0    # seconds of lookups at most: past it, readers ask the rest themselves


def common_characters(titles: Iterable[str], share: float = SHARE) -> list[str]:
    """The letters (kanji, kana, Latin, digits) in at least `share` of the titles, most
    common first, ties in code-point order (each title counts a character once), as the
    index folds them (B is b)."""
    counted: Counter[str] = Counter()
    total = 0
    for title in titles:
        total += 1
        counted.update({character for character in searchable(title) if character.isalnum()})
    least = max(1, share * total)
    common = sorted(counted.items(), key=lambda item: (-item[1], item[0]))  # ties: same order
    return [character for character, count in common if count >= least]


def warm(store, least: int | None = None, budget_s: float = BUDGET_S,
         stop: threading.Event | None = None) -> list[str]:
    """Ask each common character once (its answer is then kept by the search index), most
    common first, until `budget_s` seconds have gone or `stop` is set; the characters asked,
    none for a casebook of fewer than `least` (WARM_FROM) incident releases."""
    deadline = time.monotonic() + budget_s
    newest = store.search(Query(per_page=SAMPLE, sort="added"), facets=())
    if newest.total < (WARM_FROM if least is None else least):
        return []
    titles = [release.record.title for release in store.releases_by_id(newest.ids)]
    asked = []
    for character in common_characters(titles)[:MOST]:
        if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
            break
        store.search(Query(q=character, per_page=1), facets=())
        asked.append(character)
    return asked


def in_background(location: str, stop: threading.Event) -> threading.Thread:
    """`warm` on a daemon thread with a store of its own (the search index it fills is the
    process's, shared with the threads serving requests). A failure is logged, never raised:
    warming only saves readers time."""
    def run() -> None:
        started = time.monotonic()
        try:
            with closing(open_store(location)) as store:
                asked = warm(store, stop=stop)
        except Exception as error:  # noqa: BLE001  (the server serves on, only colder)
            log.warning("warming the search index stopped: %s", error)
            return
        if asked:
            log.info("warmed %d one-character searches in %.0f s", len(asked),
                     time.monotonic() - started)

    thread = threading.Thread(target=run, name="jikenbo-warm", daemon=True)
    thread.start()
    return thread
