"""The database persistence writes only what changed, in one transaction, a few statements."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from bot.context import Services
from bot.persistence import DatabasePersistence, UserData
from models.core.base import JsonText
from models.core.runtime import PtbState


@contextmanager
def counted(services: Services) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0].upper())

    event.listen(services.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(services.engine.sync_engine, "before_cursor_execute", note)


async def _stored(services: Services) -> dict[str, Any]:
    async with services.sessions() as session:
        rows = (await session.execute(select(PtbState))).scalars().all()
    return {f"{row.kind}:{row.key}": row.data for row in rows}


async def test_a_flush_of_300_users_is_one_transaction_of_one_statement(
    services: Services,
) -> None:
    persistence = DatabasePersistence(services.sessions)
    await persistence.get_user_data()
    for uid in range(1, 301):
        await persistence.update_user_data(uid, {"draft": {"kind": "canteen", "n": uid}})
        await persistence.update_conversation("booking", (uid, uid), 3)
    with counted(services) as seen:
        await persistence.flush()
    writes = [s for s in seen if s in ("INSERT", "DELETE", "UPDATE")]
    assert len(writes) == 1  # 600 rows: one upsert statement, run for every row at once
    assert seen.count("BEGIN") <= 1 and seen.count("COMMIT") <= 1
    stored = await _stored(services)
    assert stored["user_data:42"] == {"draft": {"kind": "canteen", "n": 42}}
    assert stored["conversation:booking:[7, 7]"] == 3


async def test_unchanged_keys_are_not_written_and_dropped_ones_are_deleted(
    services: Services,
) -> None:
    first = DatabasePersistence(services.sessions)
    await first.get_user_data()
    await first.update_user_data(1, {"a": 1})
    await first.update_user_data(2, {"b": 2})
    await first.flush()

    again = DatabasePersistence(services.sessions)  # a restart: loads what is stored
    assert dict(await again.get_user_data()) == {1: {"a": 1}, 2: {"b": 2}}
    await again.update_user_data(1, {"a": 1})  # unchanged: nothing to write
    with counted(services) as seen:
        await again.flush()
    assert seen == []
    await again.update_user_data(1, {"a": 2})
    await again.drop_user_data(2)
    await again.update_conversation("settings", (1, 1), None)  # never stored: nothing to delete
    with counted(services) as seen:
        await again.flush()
    assert [s for s in seen if s in ("INSERT", "DELETE", "UPDATE")] == ["DELETE", "INSERT"]
    assert await _stored(services) == {"user_data:1": {"a": 2}}


async def test_a_failed_flush_keeps_its_notes_for_the_next_one(services: Services) -> None:
    persistence = DatabasePersistence(services.sessions)
    await persistence.get_user_data()
    await persistence.update_user_data(5, {"step": "town"})
    original = persistence._sessions

    def broken() -> Any:
        raise ConnectionError("database away")

    persistence._sessions = broken  # type: ignore[assignment]
    with pytest.raises(ConnectionError):
        await persistence.flush()
    persistence._sessions = original
    await persistence.update_user_data(6, {"step": "name"})
    await persistence.flush()
    async with services.sessions() as session:
        keys = (await session.execute(select(col(PtbState.key)))).scalars().all()
    assert sorted(keys) == ["5", "6"]


async def test_ptbs_copy_of_user_data_is_written_as_it_is(services: Services) -> None:
    """PTB deep-copies user_data for the persistence: the copy is the JSON the upsert writes
    unchanged (one encoding), and it reads back as the same data, text and numbers alike."""
    persistence = DatabasePersistence(services.sessions)
    await persistence.get_user_data()
    data = UserData({"draft": {"kind": "canteen", "party": 2}, "shown": {"text": "几位？"}})
    copied = copy.deepcopy(data)
    assert isinstance(copied, JsonText)
    assert json.loads(copied) == data
    await persistence.update_user_data(9, copied)  # type: ignore[arg-type]  # as PTB hands it
    await persistence.update_conversation("booking", (9, 9), "party")
    await persistence.flush()

    stored = await _stored(services)
    assert stored["user_data:9"] == {
        "draft": {"kind": "canteen", "party": 2},
        "shown": {"text": "几位？"},
    }
    assert stored["conversation:booking:[9, 9]"] == "party"
    again = DatabasePersistence(services.sessions)
    loaded = await again.get_user_data()
    assert isinstance(loaded[9], UserData) and loaded[9] == data
    with counted(services) as seen:  # the same data again: nothing to write
        await again.update_user_data(9, copy.deepcopy(loaded[9]))  # type: ignore[arg-type]
        await again.flush()
    assert seen == []
