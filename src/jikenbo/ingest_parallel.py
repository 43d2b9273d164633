"""Ingest spread over the cores: worker processes read and extract, the parent stores in order.

`pipeline.ingest` does one input at a time and commits each; here the inputs go in chunks to a
pool of worker processes (reading, decoding, splitting and extracting are pure work on one
input), and the parent takes their results back in input order and stores them in batches, one
transaction each (`Store.add_sources`). What is stored, what is reported and the summary are the
same as with one process: the same rows in the same order, errors in input order, one bad input
reported and the rest stored. Only a few chunks are in flight at a time, so memory stays bounded
however many inputs there are.

A batch is committed after `BATCH_SOURCES` sources, `BATCH_BYTES` of text or `BATCH_SECONDS`,
whichever comes first, and the first batches are small (1, 2, 4 … sources): a run that is
stopped loses at most the batch it was writing, and the database holds every batch before it
whole (each batch is one transaction that also marks the links stale).
"""
from __future__ import annotations

import ctypes
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

from jikenbo.errors import InputError, StoreBusy
from jikenbo.pipeline import (Summary, extract_source, guarded, ingest, release_rows,
                              stored_source)
from jikenbo.sources import ReadOptions, SourceDocument, load
from jikenbo.store import ReleaseRow, SourceOutcome, Store

BATCH_SOURCES = 500
BATCH_BYTES = 32 * 1024 * 1024
BATCH_SECONDS = 0.5
CHUNK = 16            # inputs a worker takes at a time: fewer round trips, still fine-grained
IN_FLIGHT = 4         # chunks per worker submitted ahead of the one being stored
WORKER_NICENESS = 10  # added to the workers' niceness (os.nice)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Prepared:
    """One input as a worker hands it back: ready to store, or the reason it cannot be."""

    locator: str
    source: SourceDocument | None = None
    rows: tuple[ReleaseRow, ...] = ()
    error: InputError | None = None


def default_jobs() -> int:
    """Worker processes when none are asked for: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def prepare(locator: str, options: ReadOptions) -> Prepared:
    """Read and extract one input (in a worker); any failure is kept, named, for the parent."""
    try:
        extracted = guarded(locator, lambda: extract_source(load(locator, options)))
    except InputError as error:
        return Prepared(locator, error=error)
    return Prepared(locator, stored_source(extracted), tuple(release_rows(extracted)))


def _prepare_chunk(locators: list[str], options: ReadOptions) -> list[Prepared]:
    return [prepare(locator, options) for locator in locators]


def _quiet_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent reports it, the workers just stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with(parent)
    # Extraction is batch work: a web server on the same cores answers people first.
    os.nice(WORKER_NICENESS)


def _end_with(parent: int) -> None:
    """A worker ends when the ingest that started it is killed (kill -9, out of memory) rather
    than extract on for nobody: Linux sends it SIGTERM then (prctl PR_SET_PDEATHSIG).
    Elsewhere nothing is asked."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the ingest was gone before the signal was asked for
        os._exit(1)


def prepared_in_order(locators: Iterable[str], options: ReadOptions,
                      jobs: int) -> Iterator[Prepared]:
    """Every input prepared by `jobs` worker processes, in input order, with at most
    IN_FLIGHT chunks per worker waiting, so that a million inputs never sit in memory."""
    with ProcessPoolExecutor(jobs, initializer=_quiet_worker, initargs=(os.getpid(),)) as pool:
        waiting: deque[Future] = deque()
        try:
            for chunk in _chunks(locators):
                waiting.append(pool.submit(_prepare_chunk, chunk, options))
                if len(waiting) >= jobs * IN_FLIGHT:
                    yield from waiting.popleft().result()
            while waiting:
                yield from waiting.popleft().result()
        finally:
            for future in waiting:
                future.cancel()


def _chunks(locators: Iterable[str]) -> Iterator[list[str]]:
    pending = iter(locators)
    while chunk := list(islice(pending, CHUNK)):
        yield chunk


def batches(prepared: Iterable[Prepared]) -> Iterator[list[Prepared]]:
    """Consecutive runs of inputs to store in one transaction each: 1, 2, 4 … sources at
    first, then up to the batch limits (module docstring)."""
    batch: list[Prepared] = []
    size, limit, started = 0, 1, time.monotonic()
    for item in prepared:
        batch.append(item)
        size += sum(len(row.text) for row in item.rows) + (len(item.source.data)
                                                          if item.source else 0)
        if (len(batch) >= limit or size >= BATCH_BYTES
                or time.monotonic() - started >= BATCH_SECONDS):
            yield batch
            batch, size, limit = [], 0, min(limit * 2, BATCH_SOURCES)
            started = time.monotonic()
    if batch:
        yield batch


def store_batch(store: Store, batch: Sequence[Prepared]) -> list[SourceOutcome | InputError]:
    """Store a batch's sources in one transaction; each input's outcome or error, in order."""
    ready = [item for item in batch if item.error is None]
    pairs = [(item.source, item.rows) for item in ready]
    add_sources = getattr(store, "add_sources", None)
    stored = iter(add_sources(pairs) if add_sources else _one_by_one(store, pairs))
    outcomes: list[SourceOutcome | InputError] = []
    for item in batch:
        outcome = item.error or next(stored)
        if isinstance(outcome, Exception) and not isinstance(outcome, InputError):
            outcome = _as_input_error(item.locator, outcome)
        outcomes.append(outcome)
    return outcomes


def _one_by_one(store: Store, pairs) -> list[SourceOutcome | Exception]:
    """A store without a batch method: each source in its own transaction."""
    outcomes: list[SourceOutcome | Exception] = []
    for source, rows in pairs:
        try:
            outcomes.append(store.add_source(source, rows))
        except StoreBusy:
            raise
        except Exception as error:  # noqa: BLE001 — reported as that input's failure
            outcomes.append(error)
    return outcomes


def _as_input_error(locator: str, error: Exception) -> InputError:
    """The message the one-process ingest gives for the same failure (pipeline.guarded)."""
    def fail() -> None:
        raise error
    try:
        guarded(locator, fail)
    except InputError as named:
        return named
    raise AssertionError("guarded let an error through")  # pragma: no cover


def ingest_parallel(store: Store, locators: Sequence[str], options: ReadOptions, jobs: int,
                    on_error: Callable[[InputError], None] = lambda error: None,
                    on_progress: Callable[[str], None] = lambda locator: None) -> Summary:
    """`pipeline.ingest` with extraction in `jobs` worker processes and batched writes; one
    process (or fewer than two inputs, or standard input among them) is `pipeline.ingest`."""
    jobs = min(jobs, len(locators))
    if jobs <= 1 or "-" in locators:  # standard input can only be read by this process
        return ingest(store, locators, options, on_error, on_progress)
    summary = Summary()
    for batch in batches(prepared_in_order(locators, options, jobs)):
        for item, outcome in zip(batch, store_batch(store, batch)):
            summary.files += 1
            if isinstance(outcome, InputError):
                summary.failed += 1
                summary.errors.append(str(outcome))
                on_error(outcome)
                continue
            summary.posts += len(item.rows)
            summary.new += outcome.new
            summary.versions += outcome.versions
            summary.unchanged += outcome.unchanged
            on_progress(item.locator)
    store.refresh_kept()
    return summary
