"""Store: where releases, their archived sources and cases live (SQLite by default,
PostgreSQL for a team: `--db postgresql://…`)."""
from __future__ import annotations

import os

from jikenbo.store.base import ReleaseRow, SourceOutcome, Store, StoredRelease, release_id
from jikenbo.store.sqlite import SQLiteStore

DEFAULT_DB = "jikenbo.db"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

__all__ = ["ReleaseRow", "SourceOutcome", "Store", "StoredRelease", "open_store", "release_id",
           "database_location", "is_postgres"]


def database_location(option: str | None) -> str:
    """--db, else $JIKENBO_DB, else ./jikenbo.db."""
    return option or os.environ.get("JIKENBO_DB") or DEFAULT_DB


def is_postgres(location: str) -> bool:
    return location.startswith(POSTGRES_SCHEMES)


def open_store(location: str) -> Store:
    """Open (creating and migrating as needed) the database at `location`: a SQLite file path
    (or sqlite:///path), or a postgresql:// URL."""
    if is_postgres(location):
        from jikenbo.store.postgres import PostgresStore  # psycopg is loaded only when used
        return PostgresStore(location)
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    return SQLiteStore(location)
