"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TONGXIN_TEST_PG is set),
settings pointing at the in-process sandbox, and a harness driving the real Application."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

# PTB 22 reports durations (retry_after …) as timedelta with this set, and warns otherwise.
os.environ.setdefault("PTB_TIMEDELTA", "1")
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import build_services
from bot.context import Services
from bot.db import create_engine, create_session_factory
from bot.migrate import upgrade_to_head
from bot.settings import Settings, load_settings
from models.core.base import metadata
from models.demo import seed_places
from tests.harness import BotHarness

TEST_TOKEN = "123456:TEST-token-never-logged"
ADMIN_ID = 900001
PG_ADMIN_URL = os.environ.get(
    "TONGXIN_TEST_PG_ADMIN", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
USE_PG = os.environ.get("TONGXIN_TEST_PG", "") not in ("", "0")


def pytest_report_header() -> str:
    """Say which database engine this run uses."""
    return f"tongxin test database: {'postgresql' if USE_PG else 'sqlite'}"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Only asyncio."""
    return "asyncio"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps tests fast)."""
    import asyncio

    path = tmp_path_factory.mktemp("db") / "template.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade_to_head(engine)
        # Seeding the template once (slots included) keeps each test's own seeding a no-op.
        async with create_session_factory(engine)() as session, session.begin():
            await seed_places(session)
        await engine.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this run, migrated once; dropped at the end."""
    if not USE_PG:
        yield None
        return
    import asyncio

    name = f"tongxin_test_{uuid.uuid4().hex[:10]}"
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    async def create() -> None:
        admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        engine = create_engine(url)
        await upgrade_to_head(engine)
        await engine.dispose()

    async def drop() -> None:
        admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()

    asyncio.run(create())
    yield url
    asyncio.run(drop())


@pytest.fixture
async def database_url(
    tmp_path: Path, sqlite_template: Path, pg_database: str | None
) -> AsyncIterator[str]:
    """A clean, migrated database for one test."""
    if pg_database is None:
        target = tmp_path / "tongxin.db"
        shutil.copy(sqlite_template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    engine = create_engine(pg_database)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    yield pg_database


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for tests: sandbox URL, test DB, one bootstrap admin."""
    return load_settings(
        bot_token=TEST_TOKEN,
        bot_api_url="http://sandbox.invalid/bot",
        database_url=database_url,
        admin_ids=[ADMIN_ID],
        _env_file=None,
    )


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Services with the places of both towns seeded."""
    services = build_services(settings)
    async with services.sessions() as session, session.begin():
        await seed_places(session)
    yield services
    await services.engine.dispose()


@pytest.fixture
async def harness(settings: Settings, services: Services) -> AsyncIterator[BotHarness]:
    """The real Application wired to an in-process sandbox; started and stopped per test."""
    harness = BotHarness(settings, services)
    await harness.start()
    yield harness
    await harness.stop()


@pytest.fixture(autouse=True)
def _no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test also checks that the bot token never reaches the logs."""
    caplog.set_level(logging.INFO)
    yield
    assert TEST_TOKEN not in caplog.text
    assert TEST_TOKEN.split(":")[1] not in caplog.text
