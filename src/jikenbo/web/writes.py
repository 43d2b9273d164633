"""Writing from the web without stalling it: `POST /api/ingest`'s work happens off the event loop.

- Extracting and storing run in a separate, lower-priority process (a regular expression holds
  the GIL for as long as it runs, so a thread would still freeze the server) under a time
  limit; a post that overruns it has its process replaced and gets a clear error.
- Linking is batched: one background thread has the worker relink whenever writes have marked
  the links stale, and every POST stored before a run starts is covered by that run.
- The server's threads only wait; readers keep the CPU and the GIL.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass

from jikenbo import pipeline, sources
from jikenbo.cases import curate
from jikenbo.errors import InputError, JikenboError
from jikenbo.store import Store, open_store

INGEST_SECONDS = 60.0   # extraction and storing time allowed per POST
LINK_SECONDS = 600.0    # a linking run; over it, the links stay marked stale for the next run
LINK_WAIT_SECONDS = 10.0  # how long a POST waits for the linking run that covers it

_STORES: dict[str, Store] = {}  # in the worker process: one connection per database


def _store(location: str) -> Store:
    if location not in _STORES:
        _STORES[location] = open_store(location)
    return _STORES[location]


def _ingest(location: str, locator: str, body: bytes, content_type: str | None) -> Stored:
    """In the worker process: the same guarded steps as a CLI ingest, for one posted body."""
    def work() -> Stored:
        extracted = pipeline.extract_source(sources.from_bytes(locator, body, content_type))
        new, unchanged = pipeline.store_extracted(_store(location), extracted)
        return Stored(len(extracted.posts), new, unchanged)
    return pipeline.guarded(locator, work)


def _relink(location: str) -> curate.LinkOutcome | None:
    """In the worker process: relink if writes left the links stale."""
    return curate.repair(_store(location))


def _ready() -> bool:
    return True


def _yield_to_readers() -> None:
    """The worker runs at a lower priority than the server that reads."""
    try:
        os.nice(10)
    except OSError:
        pass


@dataclass(frozen=True)
class Stored:
    posts: int
    new: int
    unchanged: int


class Worker:
    """One worker process (spawned, never forked from a threaded server) for the writes of a
    database; replaced when a task overruns its time, which kills the task with it (SQLite
    keeps the database consistent under a kill)."""

    def __init__(self, location: str, seconds: float = INGEST_SECONDS) -> None:
        self.location, self.seconds = location, seconds
        self._pool = None
        self._lock = threading.Lock()

    def _current(self):
        with self._lock:
            if self._pool is None:
                self._pool = multiprocessing.get_context("spawn").Pool(
                    1, initializer=_yield_to_readers)
                self._pool.apply_async(_ready)  # import jikenbo there before the first post
            return self._pool

    def warm(self) -> None:
        self._current()

    def ingest(self, locator: str, body: bytes, content_type: str | None) -> Stored:
        """Extract and store one posted body; blocking, so call it from a worker thread."""
        try:
            return self._run(self.seconds, _ingest, self.location, locator, body, content_type)
        except multiprocessing.TimeoutError:
            raise InputError(locator, f"extracting and storing took longer than "
                                      f"{self.seconds:g} s and was stopped; send a shorter "
                                      "text") from None

    def relink(self) -> curate.LinkOutcome | None:
        try:
            return self._run(LINK_SECONDS, _relink, self.location)
        except (multiprocessing.TimeoutError, JikenboError):
            return None  # the links stay marked stale: the next run, or the next start, repairs

    def _run(self, seconds: float, task, *arguments):
        pool = self._current()
        try:
            return pool.apply_async(task, arguments).get(seconds)
        except multiprocessing.TimeoutError:
            self._replace(pool)
            raise

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
            pool.join()


class Relinker:
    """Relinks in one background thread (through the worker); `request()` returns a ticket that
    `wait()` can wait for. Requests made while a run is going are served by the next run."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
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
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._requested > self._done)
                target = self._requested
            outcome = self.worker.relink()
            with self._changed:
                self._done, self._last = target, outcome or self._last
                self._changed.notify_all()
