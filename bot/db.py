"""Async engine and session factory: aiosqlite (WAL, busy timeout, one trip each) or asyncpg."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.sqlite_driver import OneTripConnection, one_trip_creator
from models.core.base import store_json

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Emptying the WAL after an erasure: each try waits this long for readers, then backs off.
WAL_CHECKPOINT_TRIES = 5
WAL_CHECKPOINT_WAIT_MS = 200

logger = logging.getLogger(__name__)

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """Build the async engine; SQLite gets WAL, a busy timeout and foreign keys."""
    url = make_url(database_url)
    kwargs.setdefault("json_serializer", store_json)
    if url.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_async_engine(url, **kwargs)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, **kwargs.pop("connect_args", {})}
    engine = create_async_engine(url, async_creator=one_trip_creator(url, connect_args), **kwargs)
    # An INSERT run for many rows goes as multi-row VALUES statements (1,000 rows each), as
    # SQLAlchemy does for psycopg2: sqlite3's executemany lets go of the GIL and takes it back
    # for every row, and with the loop thread busy each taking back can wait up to Python's
    # switch interval (5 ms): a flush of 400 rows once spent 29 ms on its thread (issue 16).
    engine.sync_engine.dialect.use_insertmanyvalues_wo_returning = True

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not just marked free: erased data is gone
        # from the pages (and from every page version written to the WAL afterwards).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return engine


async def checkpoint_wal(engine: AsyncEngine, gate: WriteGate | None = None) -> bool:
    """SQLite: copy the WAL into the database and truncate it to nothing; False if kept busy."""
    if engine.dialect.name != "sqlite":
        return True
    for attempt in range(1, WAL_CHECKPOINT_TRIES + 1):
        async with gate or contextlib.nullcontext(), engine.connect() as conn:
            # A reader still on an older snapshot blocks TRUNCATE: wait briefly, not 15 s.
            await conn.exec_driver_sql(f"PRAGMA busy_timeout={WAL_CHECKPOINT_WAIT_MS}")
            try:
                result = await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = result.one()[0]
            finally:
                await conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not busy:
            return True
        if attempt < WAL_CHECKPOINT_TRIES:
            await asyncio.sleep(0.05 * attempt)
    logger.warning(
        "WAL checkpoint (TRUNCATE) still busy after %d tries: erased rows may stay in the "
        "-wal file until the next checkpoint",
        WAL_CHECKPOINT_TRIES,
    )
    return False


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """SQLAlchemy sessions (``execute`` style) that keep loaded rows usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


class WriteGate:
    """Takes turns for writing transactions inside this process (SQLite only).

    SQLite lets one connection write at a time; another writer is refused and retried by the
    busy handler, which sleeps 1, 2, 5 … up to 100 ms between tries. With the bot's updates
    and its persistence flush writing back to back, those sleeps became the slowest moments
    (a flush waiting 170 ms). Taking turns here hands the database over at once. PostgreSQL
    has row locks and several writers: there the gate lets everyone through.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._lock: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )

    def busy(self) -> bool:
        """Whether a writer holds the gate now (so entering means waiting)."""
        return self._lock is not None and self._lock.locked()

    async def __aenter__(self) -> None:
        if self._lock is not None:
            await self._lock.acquire()

    async def __aexit__(self, *exc: object) -> None:
        if self._lock is not None:
            self._lock.release()


@contextlib.asynccontextmanager
async def writes_in_one_trip(session: AsyncSession) -> AsyncIterator[None]:
    """A transaction on ``session`` whose writes SQLite runs together with its commit.

    For a transaction that writes and reads nothing back (the persistence flush): one trip to
    the connection's thread instead of one per statement (``bot.sqlite_driver``). Statement
    errors then surface at the commit. PostgreSQL: an ordinary transaction.
    """
    async with session.begin():
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        if isinstance(driver, OneTripConnection):
            driver.defer_writes()
        yield
