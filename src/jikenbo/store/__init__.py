"""Store: where releases, their archived sources and cases live (SQLite by default)."""
from __future__ import annotations

import os

from jikenbo.errors import UsageError
from jikenbo.store.base import ReleaseRow, SourceOutcome, Store, StoredRelease, release_id
from jikenbo.store.sqlite import SQLiteStore

DEFAULT_DB = "jikenbo.db"

__all__ = ["ReleaseRow", "SourceOutcome", "Store", "StoredRelease", "open_store", "release_id",
           "database_location"]


def database_location(option: str | None) -> str:
    """--db, else $JIKENBO_DB, else ./jikenbo.db."""
    return option or os.environ.get("JIKENBO_DB") or DEFAULT_DB


def open_store(location: str) -> SQLiteStore:
    """Open (creating and migrating as needed) the database at `location`."""
    if location.startswith(("postgresql://", "postgres://")):
        raise UsageError("the PostgreSQL backend is not available yet; use a SQLite file path")
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    return SQLiteStore(location)
