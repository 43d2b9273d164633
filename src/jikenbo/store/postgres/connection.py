"""One PostgreSQL connection (taken from a pool per database URL) that speaks enough of
sqlite3's interface for the portable table mixins (store/cases.py, store/watch.py):
`?` placeholders, rows read by name or position, `lastrowid`, and one write transaction at a time.

Timestamps and JSON come back as the text SQLite would hold (ISO times, JSON strings), so the
mixins and the exports see the same values on both backends.
"""
from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus
from psycopg.types.datetime import TimestamptzLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from jikenbo.errors import JikenboError, StoreBusy

BUSY_TIMEOUT_S = float(os.environ.get("JIKENBO_BUSY_TIMEOUT") or 30)
POOL_SIZE = int(os.environ.get("JIKENBO_PG_POOL") or 40)  # the web server's threads each hold one
CONNECT_TIMEOUT_S = 5
_WRITER_LOCK = 0x6A696B656E  # pg_advisory_xact_lock key of the one writer ("jiken")
# tables whose INSERT reports the new row's key as sqlite3's cursor.lastrowid does
_KEYS = {"sources": "id", "case_actions": "id", "case_corrections": "id",
         "case_registry": "seq", "watch_sources": "id"}
_INSERT_INTO = re.compile(r"\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_READ = re.compile(r"\s*(SELECT|WITH|SHOW|VALUES)\b", re.IGNORECASE)
_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


class Row(tuple):
    """A result row read by position or by column name, like sqlite3.Row."""

    names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> "Row":
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key):  # type: ignore[override]
        return super().__getitem__(self.names[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: psycopg.Cursor):
    names = {column.name: index for index, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class _IsoTime(TimestamptzLoader):
    """timestamptz as the ISO text SQLite stores (2026-11-24T01:02:03+00:00)."""

    def load(self, data) -> str:
        return super().load(data).isoformat()


class _JsonText(Loader):
    """jsonb as its JSON text: the callers json.loads it as they do SQLite's TEXT columns."""

    def load(self, data) -> str:
        return bytes(data).decode("utf-8")


def _configure(connection: psycopg.Connection) -> None:
    connection.row_factory = _row_factory
    connection.adapters.register_loader("timestamptz", _IsoTime)
    connection.adapters.register_loader("jsonb", _JsonText)
    connection.adapters.register_loader("json", _JsonText)


def display(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str) -> psycopg.Connection:
    """A connection from the pool of this database (made on first use)."""
    try:
        with _POOLS_LOCK:
            pool = _POOLS.get(url)
            if pool is None:
                psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()  # fail fast
                pool = _POOLS[url] = ConnectionPool(
                    url, min_size=1, max_size=POOL_SIZE, open=True, configure=_configure,
                    kwargs={"autocommit": True, "options": "-c TimeZone=UTC",
                            "connect_timeout": CONNECT_TIMEOUT_S})
        return pool.getconn(timeout=BUSY_TIMEOUT_S)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise JikenboError(f"cannot connect to PostgreSQL at {display(url)}: {reason}; "
                           "is the server running?") from None
    except PoolTimeout:
        raise StoreBusy(f"{display(url)}: every connection of the pool ({POOL_SIZE}) is in use; "
                        "try again shortly") from None


def release(url: str, connection: psycopg.Connection) -> None:
    """Give a connection back to its pool (one the server ended is discarded and replaced)."""
    pool = _POOLS.get(url)
    if pool is None:
        return
    if not connection.closed and connection.info.transaction_status != TransactionStatus.IDLE:
        connection.rollback()
    pool.putconn(connection)


def close_pool(url: str) -> None:
    """Close the pool of a database (its connections end), e.g. before dropping it."""
    with _POOLS_LOCK:
        pool = _POOLS.pop(url, None)
    if pool is not None:
        pool.close()


class Cursor:
    """What the mixins use of sqlite3.Cursor."""

    def __init__(self, cursor: psycopg.Cursor | None, lastrowid: int | None = None) -> None:
        self.cursor, self.lastrowid = cursor, lastrowid

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount if self.cursor else 0

    def fetchone(self) -> Row | None:
        return self.cursor.fetchone() if self.cursor and self.cursor.description else None

    def fetchall(self) -> list[Row]:
        return self.cursor.fetchall() if self.cursor and self.cursor.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


@functools.lru_cache(maxsize=1024)  # the same few statements, a million times in an ingest
def placeholders(sql: str) -> str:
    """sqlite3's `?` as psycopg's `%s` (and a literal % doubled); quoted text is left alone."""
    parts = sql.split("'")
    for index in range(0, len(parts), 2):  # outside quotes
        parts[index] = parts[index].replace("%", "%%").replace("?", "%s")
    return "'".join(parts)


class Database:
    """One pooled connection with sqlite3's execute/executemany and a write transaction that
    makes this connection the only writer (advisory lock) and bumps the change counter."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection = connect(url)
        self._held = 0  # transactions of writing()/snapshot() open on this connection

    @property
    def in_transaction(self) -> bool:
        return self.connection.info.transaction_status != TransactionStatus.IDLE

    def _idle(self) -> bool:
        """Whether no transaction is open. A connection the server ended between statements
        (a restart, pg_terminate_backend, a timeout) is first exchanged for another of the
        pool: a web worker's thread keeps its store, and must not fail on every request after."""
        if self.connection.broken and not self._held:
            release(self.url, self.connection)
            self.connection = connect(self.url)
        return not self.in_transaction

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        if self._idle():
            if not _READ.match(sql):
                with self.writing():  # a lone write is a write transaction of its own
                    return self.execute(sql, parameters)
            try:
                return self._execute(sql, parameters)
            except JikenboError:
                if not self.connection.broken:
                    raise
            # the server had ended the connection: nothing ran, a read is asked again once
            self._idle()
        return self._execute(sql, parameters)

    def _execute(self, sql: str, parameters: Sequence[Any]) -> Cursor:
        inserted = _INSERT_INTO.match(sql)
        key = _KEYS.get(inserted.group(1).lower()) if inserted else None
        if key and "RETURNING" not in sql.upper():
            sql = f"{sql} RETURNING {key}"
        with self._failures():
            cursor = self.connection.execute(placeholders(sql), tuple(parameters))
        if key:
            found = cursor.fetchone()
            return Cursor(cursor, found[0] if found else None)
        return Cursor(cursor)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        rows = [tuple(row) for row in rows]
        if not rows:
            return Cursor(None)
        if self._idle():
            with self.writing():
                return self.executemany(sql, rows)
        with self._failures(), self.connection.cursor() as cursor:
            cursor.executemany(placeholders(sql), rows)
        return Cursor(None)

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """The server gone or refusing mid-command: one line for the user, not a traceback
        (a lock waited on too long goes on to `writing`, which reports it as busy)."""
        try:
            yield
        except errors.LockNotAvailable:
            raise
        except psycopg.OperationalError as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise JikenboError(f"PostgreSQL at {display(self.url)}: {reason}; nothing more "
                               "was changed") from None

    def stream(self, sql: str, parameters: Sequence[Any] = (),
               size: int = 2000) -> Iterator[Row]:
        """The rows of a query fetched `size` at a time (a server-side cursor in one read
        view), so that a million releases never sit in memory at once."""
        with self.snapshot(), self.connection.cursor(name="jikenbo_stream") as cursor:
            cursor.itersize = size
            cursor.execute(placeholders(sql), tuple(parameters))
            yield from cursor

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction; writers take turns (a transaction-scoped advisory lock), so
        what is read inside is the current state until COMMIT, as with SQLite's BEGIN
        IMMEDIATE. Waiting longer than BUSY_TIMEOUT_S for another writer raises StoreBusy."""
        if not self._idle():
            yield
            return
        try:
            with self._transaction():
                self.connection.execute(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER_LOCK,))
                self.connection.execute("UPDATE store_changes SET n = n + 1")
                yield
        except errors.LockNotAvailable:
            raise StoreBusy(f"{display(self.url)}: the database is busy — another writer held "
                            f"it for more than {BUSY_TIMEOUT_S:g} s; nothing was changed, try "
                            "again when it has finished") from None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read view (REPEATABLE READ) for statements that must agree with each other."""
        if not self._idle():
            yield
            return
        with self._transaction():
            self.connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A transaction of this connection's. When the server had ended the connection since
        its last statement, BEGIN is what fails, before anything ran: begun once more on
        another connection of the pool."""
        with ExitStack() as stack:
            try:
                stack.enter_context(self.connection.transaction())
            except psycopg.OperationalError:
                if not self.connection.broken:
                    raise
                self._idle()
                with self._failures():
                    stack.enter_context(self.connection.transaction())
            self._held += 1
            try:
                yield
            finally:
                self._held -= 1

    def close(self) -> None:
        release(self.url, self.connection)
