"""The storage interface every backend implements (SQLite now, PostgreSQL at scale)."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from jikenbo.normalize import nfkc
from jikenbo.record import Record
from jikenbo.sources import SourceDocument
from jikenbo.store.stats import Statistics
from jikenbo.store.watch import WatchTables

if TYPE_CHECKING:  # store.rows computes them from this module's rows
    from jikenbo.store.rows import StoredColumns


@dataclass(frozen=True)
class ReleaseRow:
    """A release ready to store: its record and where its text lies in the source."""

    id: str
    record: Record
    text: str
    start: int
    end: int
    # its stored forms (store/rows.py), computed once where the row is made (a worker process
    # of a parallel ingest); None: the store computes them
    columns: StoredColumns | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SourceOutcome:
    source_id: int
    version: int
    source_new: bool
    new: int
    unchanged: int              # texts stored before, here or elsewhere, and near-duplicates
    versions: int = 0           # changed texts stored as new versions of their release
    release_ids: tuple[str, ...] = ()  # the id each release row is stored under, in order
    kinds: tuple[str, ...] = ()  # and as what: new, same, version or occurrence


@dataclass(frozen=True)
class StoredRelease:
    id: str
    record: Record
    text: str
    source_id: int
    source_locator: str
    start: int
    end: int


def release_id(text: str) -> str:
    """Content identity of a release: sha256 of its normalised text, white space removed."""
    return hashlib.sha256(re.sub(r"\s+", "", nfkc(text)).encode("utf-8")).hexdigest()


class Store(Protocol):
    """What the CLI, web, cases, exports, collect and publish may ask of a store; SQLiteStore
    and PostgresStore (store/postgres) both provide it, and tests/test_store_contract.py runs
    the same tests on both."""

    def add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow]) -> SourceOutcome:
        """Store one source and its releases in one transaction; same content changes nothing.
        A release already stored keeps its id: a changed text of it becomes its next version,
        a near-duplicate another occurrence (store/versions.py, jikenbo.same_release)."""

    def releases(self) -> Iterator[StoredRelease]:
        """Every stored release, oldest release date first."""

    def release(self, id_prefix: str) -> StoredRelease | None:
        """The release whose id starts with `id_prefix` (at least 6 characters)."""

    def release_versions(self, release_id: str) -> list:
        """The release's versions (store.versions.ReleaseVersion), first first."""

    def occurrences(self, release_id: str) -> list:
        """Every place the release was read (store.versions.Occurrence)."""

    def archived_source(self, source_id: int):
        """A stored source with its kind, encoding and bytes (store.versions.ArchivedSource)."""

    def source_data(self, source_id: int) -> tuple[str, bytes, str]:
        """The archived original of a source: locator, bytes and decoded text."""

    def counts(self) -> dict[str, int]:
        """Numbers of sources, releases, incident releases and cases."""

    def change_mark(self) -> tuple[str, str | None]:
        """A token that moves whenever what lists show changes, and the newest time it did."""

    def cached(self, name: str, compute):
        """`compute()`, kept until the database changes."""

    def writing(self):
        """A context manager: one write transaction, the only writer until it ends (nested
        uses join the open one); StoreBusy when another writer holds the store too long."""

    # cases
    def links_stale(self) -> bool:
        """True when releases or corrections were stored after the last linking run."""

    def link_items(self) -> list:
        """The linker's features of every release (cases.LinkItem)."""

    def case_numbers(self) -> dict[str, str]:
        """Release id → case number, for every linked release."""

    def replace_case_numbers(self, numbers: dict[str, str],
                             issued: Sequence[tuple[str, str]] = ()) -> int:
        """Store a linking run's numbers and the (number, anchor) it issued atomically; returns
        how many releases moved."""

    def registry(self) -> list:
        """Every case number ever issued (cases.Issued), in issue order."""

    def corrections(self) -> object:
        """The curator's corrections in force (cases.Constraints)."""

    def record_action(self, kind: str, summary: str, note: str, rows=(), drop=(),
                      anchoring=()) -> int:
        """Store a curator action (corrections added and dropped, registry rows set) and how
        to revert it; returns its id (store/cases.py)."""

    def describe_action(self, action_id: int, summary: str) -> None:
        """Replace an action's summary (a split names the number it gave once relinked)."""

    def actions(self) -> list:
        """Every curator action (store.cases.Action), oldest first."""

    def move_anchor(self, number: str, anchor: str) -> None:
        """Make `anchor` the release a case number names."""

    def highest_preference(self) -> int:
        """The highest curator preference given to any number (0 when none)."""

    def issued(self, number: str) -> object | None:
        """The registry row of a number (cases.Issued), or None if it was never issued."""

    def resolve_case(self, number: str) -> str:
        """The number a case shows now, for any number it was given or a source's number."""

    def case_aliases(self, number: str) -> list[str]:
        """The other numbers that lead to this case (absorbed by a merge, renumbered)."""

    def case_references(self, number: str) -> list[str]:
        """Casebook numbers the sources state for the releases of this case."""

    def case_releases(self, number: str) -> list[StoredRelease]:
        """The releases of a case, oldest first."""

    def releases_of_cases(self, numbers: Sequence[str]) -> dict[str, list[StoredRelease]]:
        """Each of these cases' releases, oldest first, in one read."""

    def case_list_stamp(self) -> str:
        """A token that moves whenever a row of the case list may change."""

    def shared(self, name: str, compute):
        """`compute()`, kept until `case_list_stamp` moves, for every connection of the process."""

    def case_list(self, year: str | None = None, limit: int | None = None,
                  offset: int = 0) -> list:
        """Rows of number, releases, first, latest, organizations, refs; in number order."""

    def case_total(self, year: str | None = None) -> int:
        """How many cases (of a year's numbers)."""

    # field curation and review (store/curation.py)
    def correct_release(self, release_id: str, values: dict, summary: str, note: str = "",
                        reviewed: bool = False) -> int:
        """Store a curator's field values for a release (kept across re-extraction and
        relinking; the release's columns hold them) as one logged, undoable action."""

    def review_release(self, release_id: str, summary: str, note: str = "") -> int:
        """Mark a release 確認済み as one logged, undoable action."""

    def overlay_corrections(self, release_id: str, extracted: dict) -> None:
        """Store a re-extraction's values of a release (a record dict) under the corrections
        in force, which stay in force."""

    def undo_action(self, action_id: int | None = None) -> tuple:
        """Revert a curator action (case corrections, field corrections, reviews)."""

    def corrections_in_force(self, ids: Sequence[str] | None = None) -> dict:
        """Release id → field → its latest correction (store.curation.Correction)."""

    def reviews(self, ids: Sequence[str] | None = None) -> dict:
        """Release id → its review (store.curation.Review)."""

    def unreviewed_releases(self) -> list[StoredRelease]: ...

    def curated_releases(self) -> list[StoredRelease]: ...

    # search and pages
    def search(self, query, facets=()):
        """Releases matching a store.search.Query, with facet counts."""

    def releases_by_id(self, ids: Sequence[str], full: bool = False) -> list[StoredRelease]: ...

    def case_numbers_of(self, ids: Sequence[str]) -> dict[str, str]: ...

    def release_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """Release id → text, for these releases (search snippets)."""

    def added_times(self, ids: Sequence[str]) -> dict[str, str]:
        """Release id → when it was first stored, for these releases."""

    def stored_times(self) -> dict[str, str]:
        """Release id → when it was stored (ISO time, UTC)."""

    def refresh_kept(self) -> int:
        """At the end of an ingest: bring the kept answers of costly search terms up to date
        with the releases it added (store/kept.py); how many were."""

    def statistics(self) -> Statistics:
        """Counts by month, year, category and leak status, and the supply-chain cases
        (store/stats.py: portable SQL every backend runs)."""

    watch: "WatchTables"  # the collector's tables (store/watch.py)

    def close(self) -> None: ...
