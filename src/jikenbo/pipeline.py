"""The line from inputs to stored releases: sources → parse → extract → store.

Each input is its own unit of work, guarded from reading to storing: a failure is reported with
the input's name and the batch goes on; each stored source is one transaction, and its values are
checked before they reach the store (a count of 10^20 does not fit SQLite's integers).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from jikenbo import cases
from jikenbo.errors import InputError, StoreBusy
from jikenbo.extract import extract_record
from jikenbo.parse import Post, split_posts
from jikenbo.record import Record
from jikenbo.sources import ReadOptions, SourceDocument, load, stored_locator
from jikenbo.sources.decode import clean_text
from jikenbo.store import ReleaseRow, SourceOutcome, Store, release_id
from jikenbo.store.rows import stored_columns

# More people than live on Earth: a larger "count" is a misread number, not an incident's size.
MAX_AFFECTED = 10_000_000_000
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
T = TypeVar("T")


@dataclass(frozen=True)
class Extracted:
    source: SourceDocument
    posts: tuple[Post, ...]
    records: tuple[Record, ...]


@dataclass
class Summary:
    files: int = 0
    posts: int = 0
    new: int = 0
    unchanged: int = 0
    versions: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        versions = f"{self.versions} new versions, " if self.versions else ""
        return (f"{self.files} files, {self.posts} posts, {self.new} new, {versions}"
                f"{self.unchanged} unchanged, {self.failed} failed")


def extract_source(source: SourceDocument) -> Extracted:
    """Split a source into posts and extract a record from each."""
    posts = tuple(split_posts(source.text))
    if not posts:
        raise InputError(source.locator, "no text to extract a release from")
    return Extracted(source, posts, tuple(extract_record(post, source.locator, source.title)
                                          for post in posts))


def with_cases(extracted: Iterable[Extracted]) -> list[dict]:
    """The records of `extracted` as JSON-ready dicts, each with its `case` number (None for
    releases that are not incidents), linked across all the inputs given together."""
    rows = [(release_id(post.text), record, post.text)
            for item in extracted for post, record in zip(item.posts, item.records)]
    items = [cases.link_item(rid, record, text) for rid, record, text in rows]
    numbers = cases.number_releases(items)
    return [{**record.to_dict(), "case": numbers.get(rid)} for rid, record, _ in rows]


def guarded(locator: str, work: Callable[[], T]) -> T:
    """`work()` for one input; whatever it raises becomes an InputError naming the input, except
    a busy database, which is no input's fault and stops the command with its own message."""
    try:
        return work()
    except (InputError, StoreBusy):
        raise
    except RecursionError:
        raise InputError(locator, "nested too deeply to process; refused") from None
    except MemoryError:
        raise InputError(locator, "needs more memory than there is to process; refused") from None
    except Exception as error:  # noqa: BLE001 — one input's bug must not stop the batch
        raise InputError(locator, f"could not be processed ({type(error).__name__}: "
                                  f"{str(error)[:200]}); please report this input") from None


def read_all(locators: Iterable[str], options: ReadOptions,
             on_error: Callable[[InputError], None]) -> Iterator[Extracted]:
    """Extract every input in turn; a failing input goes to `on_error` and is skipped."""
    for locator in locators:
        try:
            extracted = guarded(locator, lambda: extract_source(load(locator, options)))
        except InputError as error:
            on_error(error)
            continue
        yield extracted


def checked(record: Record) -> Record:
    """The record with values the store can hold: a count outside 0–10^10 becomes unknown (and
    loses its evidence), malformed dates are dropped, text is valid UTF-8 without controls.

    Drops `affected_count=10**20`; keeps `affected_count=8600`.
    """
    count = record.affected_count
    evidence = record.evidence
    if count is not None and not (isinstance(count, int) and 0 <= count <= MAX_AFFECTED):
        count = None
        evidence = tuple(item for item in evidence if item.field != "affected_count")
    published = record.published if record.published and _DAY.fullmatch(record.published) else None
    text = lambda value: clean_text(value) if isinstance(value, str) else value  # noqa: E731
    return replace(
        record, affected_count=count, published=published,
        earlier_releases=tuple(day for day in record.earlier_releases if _DAY.fullmatch(day)),
        organization=text(record.organization), title=text(record.title),
        heading=text(record.heading), case_id=text(record.case_id), source=text(record.source),
        vendors=tuple(text(vendor) for vendor in record.vendors),
        evidence=tuple(item if clean_text(item.text) == item.text  # nearly always: no copy
                       else replace(item, text=clean_text(item.text)) for item in evidence))


def release_rows(extracted: Extracted) -> list[ReleaseRow]:
    """The releases of one source as the store takes them: id, checked record, clean text, and
    the forms stored of them (store/rows.py), computed here, where a parallel ingest's worker
    runs, so that the one writing process only inserts."""
    rows = []
    for post, record in zip(extracted.posts, extracted.records):
        text = clean_text(post.text)  # clean already, from sources
        rid, record = release_id(text), checked(record)
        # made with its stored forms, not copied to add them (rows.py with_columns)
        rows.append(ReleaseRow(rid, record, text, post.start, post.end,
                               stored_columns(rid, record, text)))
    return rows


def store_extracted(store: Store, extracted: Extracted) -> tuple[int, int]:
    """Store one source's releases in one transaction; returns (new, unchanged)."""
    outcome = store_source(store, extracted)
    return outcome.new, outcome.unchanged


def stored_source(extracted: Extracted) -> SourceDocument:
    """The source as the store keeps it: a file input under its name only."""
    return replace(extracted.source, locator=stored_locator(extracted.source.locator))


def store_source(store: Store, extracted: Extracted) -> SourceOutcome:
    """Store one source's releases in one transaction, a file input under its name only."""
    return store.add_source(stored_source(extracted), release_rows(extracted))


def ingest(store: Store, locators: Iterable[str], options: ReadOptions,
           on_error: Callable[[InputError], None] = lambda error: None,
           on_progress: Callable[[str], None] = lambda locator: None) -> Summary:
    summary = Summary()

    def failed(error: InputError) -> None:
        summary.files += 1
        summary.failed += 1
        summary.errors.append(str(error))
        on_error(error)

    for locator in locators:
        try:
            posts, outcome = guarded(locator, lambda: _ingest_one(store, locator, options))
        except InputError as error:
            failed(error)
            continue
        summary.files += 1
        summary.posts += posts
        summary.new += outcome.new
        summary.versions += outcome.versions
        summary.unchanged += outcome.unchanged
        on_progress(locator)
    store.refresh_kept()
    return summary


def _ingest_one(store: Store, locator: str,
                options: ReadOptions) -> tuple[int, SourceOutcome]:
    extracted = extract_source(load(locator, options))
    return len(extracted.posts), store_source(store, extracted)
