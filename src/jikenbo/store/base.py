"""The storage interface every backend implements (SQLite now, PostgreSQL at scale)."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from jikenbo.normalize import nfkc
from jikenbo.record import Record
from jikenbo.sources import SourceDocument


@dataclass(frozen=True)
class ReleaseRow:
    """A release ready to store: its record and where its text lies in the source."""

    id: str
    record: Record
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SourceOutcome:
    source_id: int
    version: int
    source_new: bool
    new: int
    unchanged: int


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
    def add_source(self, source: SourceDocument, releases: Sequence[ReleaseRow]) -> SourceOutcome:
        """Store one source and its releases in one transaction; same content changes nothing."""

    def releases(self) -> Iterator[StoredRelease]:
        """Every stored release, oldest release date first."""

    def release(self, id_prefix: str) -> StoredRelease | None:
        """The release whose id starts with `id_prefix` (at least 6 characters)."""

    def source_data(self, source_id: int) -> tuple[str, bytes, str]:
        """The archived original of a source: locator, bytes and decoded text."""

    def counts(self) -> dict[str, int]:
        """Numbers of sources, releases, incident releases and cases."""

    def close(self) -> None: ...
