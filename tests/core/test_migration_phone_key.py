"""Revision 0007 gives every existing number its phone key, once per number (the earlier person
keeps it when two shared one), and the partial unique index then holds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.migrate import alembic_config
from models.core.base import UTCDateTime
from tests.core.test_migrations import fresh_engine  # noqa: F401  (the fixture)

BEFORE = "0006"  # the revision 0007 follows
PHONES = {
    1: "+8613912345678",
    2: "139 1234 5678",  # the same number as person 1, registered later
    3: "008613800001111",
    4: None,
    5: "021-5555-1234",
    6: "12",  # no number at all
}
KEYS = {1: "13912345678", 2: None, 3: "13800001111", 4: None, 5: "02155551234", 6: None}
PERSON = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("tg_user_id", sa.BigInteger),
    sa.column("phone", sa.String),
    sa.column("elder_mode", sa.Boolean),
    sa.column("reachable", sa.Boolean),
    sa.column("consent_at", UTCDateTime()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)


async def _migrate(engine: AsyncEngine, target: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, target)

    async with engine.begin() as conn:
        await conn.run_sync(run)


def _person(pid: int, phone: str | None) -> dict[str, Any]:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    return {
        "id": pid,
        "tg_user_id": 5000 + pid,
        "phone": phone,
        "elder_mode": True,
        "reachable": True,
        "consent_at": at,
        "created_at": at,
        "updated_at": at,
    }


async def test_existing_numbers_get_their_key_once(fresh_engine: AsyncEngine) -> None:  # noqa: F811
    await _migrate(fresh_engine, BEFORE)
    async with fresh_engine.begin() as conn:
        await conn.execute(sa.insert(PERSON), [_person(p, phone) for p, phone in PHONES.items()])
    await _migrate(fresh_engine, "head")

    async with fresh_engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT id, phone, phone_key FROM person ORDER BY id"))
        found = {pid: (phone, key) for pid, phone, key in rows}
    assert found == {pid: (PHONES[pid], KEYS[pid]) for pid in PHONES}  # numbers kept as they were

    with pytest.raises(IntegrityError):
        async with fresh_engine.begin() as conn:
            await conn.execute(sa.text("UPDATE person SET phone_key = '13912345678' WHERE id = 3"))
    async with fresh_engine.begin() as conn:  # people without a key are many
        await conn.execute(sa.text("UPDATE person SET phone_key = NULL WHERE id = 3"))
