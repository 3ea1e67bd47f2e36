"""The SQLite driver: one thread round trip per statement, and no write lock left behind."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import checkpoint_wal, create_engine, create_session_factory, writes_in_one_trip
from bot.sqlite_driver import OneTripConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite+aiosqlite:///{tmp_path}/driver.db")
    async with made.begin() as conn:
        await conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
        await conn.execute(text("INSERT INTO item (name) VALUES ('tea')"))
    yield made
    await made.dispose()


def count_trips(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call handed to a SQLite connection's thread from here on."""
    trips: list[Any] = []
    inner = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(fn)
        return await inner(self, fn, *args, **kwargs)

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    return trips


async def test_a_read_costs_one_trip_and_its_rollback_none(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = count_trips(monkeypatch)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, name FROM item"))).all()
        await conn.rollback()
    assert [tuple(row) for row in rows] == [(1, "tea")]
    assert len(trips) == 1


async def test_a_write_reports_its_row_and_commits_in_one_more_trip(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = count_trips(monkeypatch)
    async with engine.begin() as conn:
        result = await conn.execute(text("INSERT INTO item (name) VALUES ('rice')"))
        assert (result.rowcount, result.lastrowid) == (1, 2)
    assert len(trips) == 2
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM item"))).scalar() == 2


async def test_a_failed_first_write_leaves_no_lock_behind(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:  # the failing INSERT began a transaction
            await conn.execute(text("INSERT INTO item (name) VALUES ('tea')"))
    # Another writer gets the database at once: the failed transaction was rolled back.
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO item (name) VALUES ('noodles')")
        other.execute("COMMIT")
    finally:
        other.close()
    async with engine.connect() as conn:
        names = (await conn.execute(text("SELECT name FROM item ORDER BY id"))).scalars().all()
    assert names == ["tea", "noodles"]


async def test_every_connection_overwrites_deleted_rows(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1


async def test_a_reader_keeps_the_checkpoint_busy_retried_then_warned(
    engine: AsyncEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr("bot.db.WAL_CHECKPOINT_TRIES", 2)
    monkeypatch.setattr("bot.db.WAL_CHECKPOINT_WAIT_MS", 10)
    wal = tmp_path / "driver.db-wal"
    reader = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT * FROM item").fetchall()  # a snapshot that reads the WAL
        assert await checkpoint_wal(engine) is False
        assert wal.stat().st_size > 0
        assert [r.levelname for r in caplog.records if "still busy" in r.message] == ["WARNING"]
        reader.execute("COMMIT")
    finally:
        reader.close()
    assert await checkpoint_wal(engine) is True
    assert wal.stat().st_size == 0  # TRUNCATE: nothing left in the file


async def _names(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.execute(text("SELECT name FROM item ORDER BY id"))).scalars())


async def test_kept_writes_run_with_their_commit_in_one_trip(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session:  # a first use: the pool's connection is opened now
        await session.execute(text("SELECT 1"))
    trips = count_trips(monkeypatch)
    async with sessions() as session, writes_in_one_trip(session):
        await session.execute(text("INSERT INTO item (name) VALUES ('rice')"))
        await session.execute(
            text("INSERT INTO item (name) VALUES (:name)"), [{"name": "soup"}, {"name": "egg"}]
        )
        await session.execute(text("DELETE FROM item WHERE name = 'tea'"))
        assert trips == []  # nothing has run yet
    assert len(trips) == 1  # the three writes and the commit
    assert await _names(engine) == ["rice", "soup", "egg"]


async def test_a_read_among_kept_writes_runs_them_first_and_sees_them(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
    trips = count_trips(monkeypatch)
    async with sessions() as session, writes_in_one_trip(session):
        await session.execute(text("INSERT INTO item (name) VALUES ('rice')"))
        count = (await session.execute(text("SELECT count(*) FROM item"))).scalar()
        await session.execute(text("INSERT INTO item (name) VALUES ('soup')"))
    assert count == 2
    assert len(trips) == 2  # the first write with the read; the second with the commit
    assert await _names(engine) == ["tea", "rice", "soup"]


async def test_a_kept_write_that_fails_fails_the_commit_and_writes_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sessions = create_session_factory(engine)
    with pytest.raises(IntegrityError):
        async with sessions() as session, writes_in_one_trip(session):
            await session.execute(text("INSERT INTO item (name) VALUES ('rice')"))
            await session.execute(text("INSERT INTO item (name) VALUES ('tea')"))  # taken
    assert await _names(engine) == ["tea"]  # 'rice' was rolled back with it
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
    try:  # and no write lock is left behind
        other.execute("BEGIN IMMEDIATE")
        other.execute("COMMIT")
    finally:
        other.close()


async def test_kept_writes_of_a_transaction_given_up_never_run(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    with pytest.raises(RuntimeError):
        async with sessions() as session, writes_in_one_trip(session):
            await session.execute(text("INSERT INTO item (name) VALUES ('rice')"))
            raise RuntimeError("the caller gave up")
    async with sessions() as session, session.begin():  # the same pooled connection, reused
        await session.execute(text("INSERT INTO item (name) VALUES ('soup')"))
    assert await _names(engine) == ["tea", "soup"]
