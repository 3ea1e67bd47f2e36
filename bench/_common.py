"""Shared set-up for the outbox benchmarks: a migrated database, people, a sandbox process."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlmodel import col

from bot.app import build_services
from bot.context import Services
from bot.migrate import upgrade_to_head
from bot.settings import load_settings
from models.core.base import metadata, utcnow
from models.core.people import Person

os.environ.setdefault("PTB_TIMEDELTA", "1")
TOKEN = "123456:BENCH-token"
ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def bench_services(api_url: str, **settings: object) -> AsyncIterator[Services]:
    """Services on a fresh database: a temporary SQLite file, or TONGXIN_DATABASE_URL emptied."""
    url = os.environ.get("TONGXIN_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="tongxin-bench-") as tmp:
        url = url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        config = load_settings(
            bot_token=TOKEN, bot_api_url=api_url, database_url=url, _env_file=None, **settings
        )
        services = build_services(config)
        await upgrade_to_head(services.engine)
        if not config.is_sqlite:
            tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            async with services.engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        try:
            yield services
        finally:
            await services.engine.dispose()


async def add_people(services: Services, ids: list[int]) -> dict[int, int]:
    """Consented people whose private chat is their user id; returns tg id -> person id."""
    now = utcnow()
    found: dict[int, int] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        async with services.sessions() as session, session.begin():
            await session.execute(
                insert(Person),
                [{"tg_user_id": i, "chat_id": i, "consent_at": now} for i in chunk],
            )
            rows = await session.execute(
                select(col(Person.tg_user_id), col(Person.id)).where(
                    col(Person.tg_user_id).in_(chunk)
                )
            )
            found.update({int(t): int(p) for t, p in rows.all() if t is not None and p})
    return found


@asynccontextmanager
async def sandbox_process() -> AsyncIterator[str]:
    """Run ``python -m sandbox`` on a free port in its own process; yield its base URL."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox", "--port", "0", "--log-level", "WARNING",
        stdout=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
    found = re.search(r"base_url=(http://\S+)/bot", line)
    if found is None:
        proc.kill()
        raise RuntimeError(f"sandbox did not start: {line!r}")
    try:
        yield found.group(1)
    finally:
        proc.terminate()
        await proc.wait()
