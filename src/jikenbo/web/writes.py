"""Writing from the web without stalling it: `POST /api/ingest`'s work happens off the event loop.

- Extraction runs in a separate process (a regular expression holds the GIL for as long as it
  runs, so a thread would still freeze the server) under a time limit; a post that overruns it
  has its process replaced and gets a clear error.
- Storing runs in a worker thread of its own pool, so readers keep their threads.
- Linking is batched: one background thread relinks whenever writes have marked the links
  stale, and every POST stored before a run starts is covered by that run.
"""
from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass

from jikenbo import pipeline, sources
from jikenbo.cases import curate
from jikenbo.errors import InputError, JikenboError
from jikenbo.store import Store, open_store

INGEST_SECONDS = 60.0   # extraction time allowed per POST
LINK_WAIT_SECONDS = 10.0  # how long a POST waits for the linking run that covers it


def _extract(locator: str, body: bytes, content_type: str | None) -> pipeline.Extracted:
    """In the extraction process: the same guarded steps as a CLI ingest."""
    return pipeline.guarded(locator, lambda: pipeline.extract_source(
        sources.from_bytes(locator, body, content_type)))


def _ready() -> bool:
    return True


class Extractor:
    """One extraction process (spawned, never forked from a threaded server), replaced when a
    post overruns `seconds`."""

    def __init__(self, seconds: float = INGEST_SECONDS) -> None:
        self.seconds = seconds
        self._pool = None
        self._lock = threading.Lock()

    def _current(self):
        with self._lock:
            if self._pool is None:
                self._pool = multiprocessing.get_context("spawn").Pool(1)
                self._pool.apply_async(_ready)  # import jikenbo there before the first post
            return self._pool

    def warm(self) -> None:
        self._current()

    def extract(self, locator: str, body: bytes, content_type: str | None) -> pipeline.Extracted:
        pool = self._current()
        pending = pool.apply_async(_extract, (locator, body, content_type))
        try:
            return pending.get(self.seconds)
        except multiprocessing.TimeoutError:
            self._replace(pool)
            raise InputError(locator, f"extraction took longer than {self.seconds:g} s and was "
                                      "stopped; send a shorter text") from None

    def _replace(self, pool) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.terminate()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()


class Relinker:
    """Relinks in one background thread; `request()` returns a ticket that `wait()` can wait
    for. Requests made while a run is going are served together by the next run."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._changed = threading.Condition()
        self._requested = self._done = 0
        self._last: curate.LinkOutcome | None = None
        self._thread: threading.Thread | None = None

    def request(self) -> int:
        with self._changed:
            self._requested += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="relinker", daemon=True)
                self._thread.start()
            self._changed.notify_all()
            return self._requested

    def wait(self, ticket: int, seconds: float = LINK_WAIT_SECONDS) -> curate.LinkOutcome | None:
        """The outcome of the run that covers `ticket`, or None if it is not done in time."""
        with self._changed:
            if self._changed.wait_for(lambda: self._done >= ticket, seconds):
                return self._last
            return None

    def _run(self) -> None:
        store = open_store(self.location)
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._requested > self._done)
                target = self._requested
            try:
                outcome = curate.repair(store)
            except JikenboError:  # busy: the links stay marked stale; the next run repairs them
                outcome = None
            with self._changed:
                self._done, self._last = target, outcome or self._last
                self._changed.notify_all()


@dataclass(frozen=True)
class Stored:
    posts: int
    new: int
    unchanged: int


def store_posted(store: Callable[[], Store], extractor: Extractor, locator: str, body: bytes,
                 content_type: str | None) -> Stored:
    """Extract (in the extraction process) and store one posted document; blocking. `store()`
    is called in the calling thread, which gives that thread's own connection."""
    extracted = extractor.extract(locator, body, content_type)
    new, unchanged = pipeline.guarded(locator,
                                      lambda: pipeline.store_extracted(store(), extracted))
    return Stored(len(extracted.posts), new, unchanged)
