"""aiosqlite with one thread round trip per statement instead of four.

aiosqlite runs every sqlite3 call on its own thread and hands each result back to the event
loop. SQLAlchemy's adapter asks it for a cursor, the execute, the rows and the cursor's close
one call at a time: four round trips per statement, plus a rollback when a read-only session
returns its connection. Each round trip wakes a thread and then the loop again; in
``bench/mixed.py`` they were the largest single cost of an update (about 25 per update).

``OneTripConnection`` is aiosqlite's own connection with a cursor that does the whole statement
(cursor, execute, fetch all rows, close) in one call on the connection's thread, and with
commit/rollback skipped when SQLite holds no open transaction (known after every statement,
so reading it costs nothing). Everything else — the thread, the queue, errors, ``create_function``,
closing — is aiosqlite's. Rows are fetched in full at once, which is what SQLAlchemy's
adapter did already for every non-streaming query; nothing in Tongxin streams results.

``defer_writes`` goes one step further for a transaction that only writes (the persistence
flush): its statements are kept and run together with the commit, in ONE trip. A flush used to
wait for the loop after each of its trips, behind whatever update was running then, and those
waits made its slowest moments (issue 16). A statement that returns rows, met while writes are
kept, runs them first, in its own trip, so it sees them.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.engine import URL

_Run = tuple[list[Any], Any, int, int | None, bool]
_Statement = tuple[str, Any, bool]  # SQL, parameters, executemany?
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})


def _run_statement(conn: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Run:
    """On the connection's thread: the whole statement, rows fetched, cursor closed."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid, conn.in_transaction
    finally:
        cursor.close()


def _run_statements(conn: sqlite3.Connection, statements: Sequence[_Statement]) -> _Run:
    """On the connection's thread: several statements in order; the last one's result."""
    result: _Run = ([], None, -1, None, conn.in_transaction)
    for sql, parameters, many in statements:
        result = _run_statement(conn, sql, parameters, many)
    return result


def _commit_after(conn: sqlite3.Connection, statements: Sequence[_Statement]) -> None:
    """On the connection's thread: kept statements, then the commit; a rollback if one fails."""
    try:
        _run_statements(conn, statements)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _returns_rows(sql: str) -> bool:
    words = sql.lstrip().split(None, 1)
    return not words or words[0].upper() not in _WRITES or " RETURNING " in sql.upper()


class OneTripCursor:
    """A DB-API-shaped async cursor whose statement is one call on the connection's thread."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def _run(self, sql: str, parameters: Any, many: bool) -> OneTripCursor:
        kept = self._connection.kept
        if kept is not None:
            kept.append((sql, parameters, many))
            if not _returns_rows(sql):
                self.description, self.rowcount, self.lastrowid = None, -1, None
                self._rows = deque()
                return self
            self._connection.kept = []  # a read: the kept writes run first, then the read
        try:
            (
                rows,
                self.description,
                self.rowcount,
                self.lastrowid,
                in_tx,
            ) = await self._connection._execute(
                _run_statements, self._connection._conn, kept or [(sql, parameters, many)]
            )
        except BaseException:
            # A failed statement may have begun a transaction (and taken the write lock):
            # make sure the rollback that follows really runs.
            self._connection.in_transaction = True
            raise
        self._connection.in_transaction = in_tx
        self._rows = deque(rows)
        return self

    async def execute(self, sql: str, parameters: Any = None) -> OneTripCursor:
        """Run one statement and keep its rows."""
        return await self._run(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> OneTripCursor:
        """Run one statement for each set of parameters."""
        return await self._run(sql, parameters, many=True)

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to ``size`` more rows."""
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        """The rows not fetched yet."""
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        """Nothing to do: the sqlite3 cursor was closed on the thread already."""
        self._rows.clear()


class OneTripConnection(aiosqlite.Connection):
    """aiosqlite's connection, with ``OneTripCursor`` and transaction-aware commit/rollback."""

    in_transaction = False
    kept: list[_Statement] | None = None  # writes kept for the commit (``defer_writes``)

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        """A cursor; creating it costs no round trip."""
        return OneTripCursor(self)

    def defer_writes(self) -> None:
        """Keep this transaction's writes and run them with its commit, in one trip."""
        self.kept = []

    async def commit(self) -> None:
        """Commit, if a transaction is open (running the kept writes first, in the same trip)."""
        kept, self.kept = self.kept, None
        if kept:
            try:
                await self._execute(_commit_after, self._conn, kept)
            finally:
                self.in_transaction = False
            return
        if self.in_transaction:
            await self._execute(self._conn.commit)
            self.in_transaction = False

    async def rollback(self) -> None:
        """Roll back, if a transaction is open (a read-only session returns for free)."""
        self.kept = None  # kept writes never ran: nothing of them to undo
        if self.in_transaction:
            await self._execute(self._conn.rollback)
            self.in_transaction = False


def one_trip_creator(url: URL, connect_args: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
    """An ``async_creator`` for ``create_async_engine``, honouring the URL as the dialect would."""
    from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(url)
    kwargs.update(connect_args)

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(partial(sqlite3.connect, *args, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy's own aiosqlite dialect does
        await connection
        return connection

    return connect
