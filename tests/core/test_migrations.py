"""Alembic migrations match the models: upgrade, downgrade and autogenerate finds nothing to do.

Runs on SQLite, or on a fresh PostgreSQL database of its own when TONGXIN_TEST_PG is set.
"""

from __future__ import annotations

import importlib
import pkgutil
import uuid
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import models
from bot.db import create_engine
from bot.migrate import alembic_config, upgrade_to_head
from models.core.base import metadata
from tests.conftest import PG_ADMIN_URL, USE_PG

# Expression indexes cannot be reflected or compared by autogenerate; the migration creates them.
EXPRESSION_INDEXES = frozenset({"uq_role_grant_active"})


def _register_every_model() -> None:
    """Import every module of ``models`` so each table is on the metadata."""
    for module in pkgutil.walk_packages(models.__path__, "models."):
        importlib.import_module(module.name)


@pytest.fixture
async def fresh_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL database."""
    _register_every_model()
    if not USE_PG:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        await engine.dispose()
        return
    name = f"tongxin_mig_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def _downgrade_to_base(engine: AsyncEngine) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    async with engine.begin() as conn:
        await conn.run_sync(run)


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


async def _differences(engine: AsyncEngine) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _include}
        )
        with warnings.catch_warnings():
            # SQLAlchemy warns that it skips reflecting the expression index; that is expected.
            warnings.filterwarnings("ignore", message=".*expression-based index.*")
            warnings.filterwarnings("ignore", message=".*functional index.*")
            return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        return await conn.run_sync(compare)


def test_migrations_have_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several Alembic heads {heads}: merge or re-chain the revisions"


async def test_upgrade_creates_every_table_of_the_models(fresh_engine: AsyncEngine) -> None:
    assert await _table_names(fresh_engine) == set()
    await upgrade_to_head(fresh_engine)
    expected = set(metadata.tables)
    assert expected, "no tables registered on the metadata"
    assert await _table_names(fresh_engine) == expected | {"alembic_version"}
    async with fresh_engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_downgrade_to_base_then_upgrade_again(fresh_engine: AsyncEngine) -> None:
    await upgrade_to_head(fresh_engine)
    await _downgrade_to_base(fresh_engine)
    assert await _table_names(fresh_engine) <= {"alembic_version"}
    await upgrade_to_head(fresh_engine)
    assert await _table_names(fresh_engine) == set(metadata.tables) | {"alembic_version"}


async def test_models_and_migrations_agree(fresh_engine: AsyncEngine) -> None:
    await upgrade_to_head(fresh_engine)
    assert await _differences(fresh_engine) == []


async def test_autogenerate_comparison_sees_a_missing_table(fresh_engine: AsyncEngine) -> None:
    await upgrade_to_head(fresh_engine)
    async with fresh_engine.begin() as conn:
        await conn.execute(text('DROP TABLE "notification_opt_out"'))
    diffs = await _differences(fresh_engine)
    assert [(d[0], d[1].name) for d in diffs] == [("add_table", "notification_opt_out")]


async def test_migration_creates_the_expression_index(fresh_engine: AsyncEngine) -> None:
    await upgrade_to_head(fresh_engine)
    if fresh_engine.dialect.name == "postgresql":
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_role_grant_active'"
    else:
        query = "SELECT sql FROM sqlite_master WHERE name = 'uq_role_grant_active'"
    async with fresh_engine.connect() as conn:
        definition = (await conn.execute(text(query))).scalar()
    assert definition is not None
    assert "coalesce(town_id, 0)" in definition.lower()
    assert "revoked_at is null" in definition.lower()
