"""The line from inputs to stored releases: sources → parse → extract → store.

Each input is its own unit of work: a failure is reported with the input's name and the batch
goes on; each stored source is one transaction.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from jikenbo import cases
from jikenbo.errors import InputError
from jikenbo.extract import extract_record
from jikenbo.parse import Post, split_posts
from jikenbo.record import Record
from jikenbo.sources import ReadOptions, SourceDocument, load
from jikenbo.store import ReleaseRow, Store, release_id


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
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.files} files, {self.posts} posts, {self.new} new, "
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


def read_all(locators: Iterable[str], options: ReadOptions,
             on_error: Callable[[InputError], None]) -> Iterator[Extracted]:
    """Extract every input in turn; a failing input goes to `on_error` and is skipped."""
    for locator in locators:
        try:
            yield extract_source(load(locator, options))
        except InputError as error:
            on_error(error)
        except Exception as error:  # noqa: BLE001 — one input's bug must not stop the batch
            on_error(InputError(locator, f"could not be extracted ({type(error).__name__}: "
                                         f"{error}); please report this input"))


def store_extracted(store: Store, extracted: Extracted) -> tuple[int, int]:
    """Store one source's releases in one transaction; returns (new, unchanged)."""
    rows = [ReleaseRow(release_id(post.text), record, post.text, post.start, post.end)
            for post, record in zip(extracted.posts, extracted.records)]
    outcome = store.add_source(extracted.source, rows)
    return outcome.new, outcome.unchanged


def ingest(store: Store, locators: Iterable[str], options: ReadOptions,
           on_error: Callable[[InputError], None] = lambda error: None,
           on_progress: Callable[[str], None] = lambda locator: None) -> Summary:
    summary = Summary()

    def failed(error: InputError) -> None:
        summary.files += 1
        summary.failed += 1
        summary.errors.append(str(error))
        on_error(error)

    for extracted in read_all(locators, options, failed):
        new, unchanged = store_extracted(store, extracted)
        summary.files += 1
        summary.posts += len(extracted.posts)
        summary.new += new
        summary.unchanged += unchanged
        on_progress(extracted.source.locator)
    return summary
