"""Fresh databases for tests, fast: named snapshots restored per test (one set per xdist worker).

The ``base`` snapshot is the migrated database with the demo places seeded (slots and events
included) and an empty audit log.
Tests may add snapshots of their own once per worker (``await Databases.snapshot(name, build)``,
e.g. the authorisation matrix's cast of people) and start from them.

SQLite: a snapshot is a file, copied for each test.

PostgreSQL: each worker has one database. A snapshot is a schema holding a copy of every table
(and the sequences' positions). Every table carries a statement-level trigger that notes its name
in ``tongxin_test.dirty`` whenever anything writes to it (in any connection or process), so a
test starts by restoring only the tables the previous one wrote to: rows deleted and copied back
from the snapshot (with the tables that reference them, so no foreign key cascades behind our
back), every sequence put back, the notes cleared, all in one transaction. DELETE is used rather
than TRUNCATE: on tables of a few hundred rows it is some hundred times faster.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Table, delete, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import channels.wechat.tables  # noqa: F401  (the bridge's tables are snapshotted too)
from bot.db import create_engine, create_session_factory
from bot.migrate import upgrade_to_head
from models.core.audit import AuditLog
from models.core.base import metadata
from models.demo.places import seed_places

BASE = "base"
SCHEMA = "tongxin_test"  # the dirty-table notes and the helper function live here

Build = Callable[[str], Awaitable[Any]]


async def migrate_and_seed(url: str) -> None:
    """Bring a database to the newest schema and seed the demo places (on today's date)."""
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
        async with create_session_factory(engine)() as session, session.begin():
            await seed_places(session)
            # The demo events are made with create_event, which audits them; tests read the
            # audit log as their own, so the snapshot starts with an empty one.
            await session.execute(delete(AuditLog))
    finally:
        await engine.dispose()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Databases:
    """Snapshots and fresh copies of them; one instance per pytest process (xdist worker)."""

    def __init__(self, workdir: Path, pg_url: str | None) -> None:
        self.workdir = workdir
        self.pg_url = pg_url
        self.results: dict[str, Any] = {}
        # PostgreSQL only: which tables each snapshot holds differently from ``base``, and
        # which snapshot the database holds now (apart from the tables noted dirty).
        self.differs: dict[str, frozenset[str]] = {BASE: frozenset()}
        self.current = BASE
        self.tables: list[Table] = list(metadata.sorted_tables)  # parents before children
        self.sequences: dict[str, list[tuple[str, int, bool]]] = {}

    # ---- public -------------------------------------------------------------------------

    async def snapshot(self, name: str, build: Build) -> Any:
        """Once per process: ``build(url)`` on a fresh ``base`` copy, kept as snapshot ``name``;
        returns what ``build`` returned (cached)."""
        if name in self.results:
            return self.results[name]
        if self.pg_url is None:
            path = self.workdir / f"{name}.db"
            shutil.copy(self.workdir / f"{BASE}.db", path)
            result = await build(f"sqlite+aiosqlite:///{path}")
        else:
            await self.restore(BASE)
            result = await build(self.pg_url)
            async with self._connect() as conn:
                dirty = await self._dirty(conn)
                await self._save(conn, name)
                await conn.execute(f"DELETE FROM {SCHEMA}.dirty")
            self.differs[name] = frozenset(dirty)
            self.current = name
        self.results[name] = result
        return result

    async def fresh(self, tmp_path: Path, name: str = BASE) -> str:
        """A database URL holding exactly snapshot ``name``, for one test."""
        if self.pg_url is None:
            target = tmp_path / "tongxin.db"
            shutil.copy(self.workdir / f"{name}.db", target)
            return f"sqlite+aiosqlite:///{target}"
        await self.restore(name)
        return self.pg_url

    # ---- set-up (synchronous callers wrap these in asyncio.run) ---------------------------

    async def create_base(self) -> None:
        """Migrate and seed ``base``; on PostgreSQL also install the notes and save it."""
        if self.pg_url is None:
            await migrate_and_seed(f"sqlite+aiosqlite:///{self.workdir / BASE}.db")
            return
        await migrate_and_seed(self.pg_url)
        triggers = [
            f"CREATE TRIGGER tongxin_test_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON public.{_q(table.name)} FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.note_dirty()"
            for table in self.tables
        ]
        async with self._connect() as conn:
            await conn.execute(
                f"""
                CREATE SCHEMA {SCHEMA};
                CREATE UNLOGGED TABLE {SCHEMA}.dirty (name text NOT NULL);
                CREATE FUNCTION {SCHEMA}.note_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO {SCHEMA}.dirty VALUES (TG_TABLE_NAME); RETURN NULL; END $$;
                """
                + ";\n".join(triggers)
            )
            await self._save(conn, BASE)

    # ---- PostgreSQL ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _connect(self) -> AsyncIterator[asyncpg.Connection]:
        """A plain asyncpg connection in a transaction (committed unless something raised)."""
        assert self.pg_url is not None
        conn = await asyncpg.connect(self.pg_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            async with conn.transaction():
                yield conn
        finally:
            await conn.close()

    @staticmethod
    async def _dirty(conn: asyncpg.Connection) -> set[str]:
        return {str(r[0]) for r in await conn.fetch(f"SELECT DISTINCT name FROM {SCHEMA}.dirty")}

    async def _save(self, conn: asyncpg.Connection, name: str) -> None:
        """Copy every table into schema ``tongxin_snap_<name>``; note the sequences."""
        schema = _q(f"tongxin_snap_{name}")
        copies = [
            f"CREATE TABLE {schema}.{_q(t.name)} AS TABLE public.{_q(t.name)}" for t in self.tables
        ]
        await conn.execute(
            f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};\n"
            + ";\n".join(copies)
        )
        rows = await conn.fetch(
            "SELECT sequencename, coalesce(last_value, start_value), last_value IS NOT NULL "
            "FROM pg_sequences WHERE schemaname = 'public'"
        )
        self.sequences[name] = [(str(r[0]), int(r[1]), bool(r[2])) for r in rows]

    def _closure(self, names: Iterable[str]) -> set[str]:
        """The tables plus every table referencing one of them (so deletes never cascade)."""
        found = set(names)
        todo = list(found)
        while todo:
            parent = todo.pop()
            for table in self.tables:
                if table.name not in found and any(
                    fk.column.table.name == parent for fk in table.foreign_keys
                ):
                    found.add(table.name)
                    todo.append(table.name)
        return found

    async def restore(self, name: str) -> None:
        """Make the database hold snapshot ``name`` again (see the module's docstring)."""
        async with self._connect() as conn:
            dirty = await self._dirty(conn)
            wanted = self._closure(dirty | self.differs[self.current] | self.differs[name])
            schema = _q(f"tongxin_snap_{name}")
            statements = [
                f"DELETE FROM public.{_q(t.name)}"
                for t in reversed(self.tables)
                if t.name in wanted
            ]
            statements += [
                f"INSERT INTO public.{_q(t.name)} SELECT * FROM {schema}.{_q(t.name)}"
                for t in self.tables
                if t.name in wanted
            ]
            setvals = ", ".join(
                f"setval('public.{_q(seq)}', {value}, {'true' if called else 'false'})"
                for seq, value, called in self.sequences[name]
            )
            if setvals:
                statements.append(f"SELECT {setvals}")
            statements.append(f"DELETE FROM {SCHEMA}.dirty")
            await conn.execute(";\n".join(statements))
        self.current = name


async def create_pg_database(admin_url: str) -> str:
    """A new, empty PostgreSQL database on the admin URL's server; returns its URL."""
    name = f"tongxin_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def drop_pg_database(admin_url: str, url: str) -> None:
    """Drop a database made by ``create_pg_database`` (closing its connections)."""
    name = url.rsplit("/", 1)[1]
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
