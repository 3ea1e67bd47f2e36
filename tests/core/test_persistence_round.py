"""The persistence round done in place (``DatabasePersistence.take_round``) and its one trip."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.ext import Application
from telegram.ext._handlers.conversationhandler import PendingState

from bot.context import Services
from bot.persistence import DatabasePersistence
from tests.core.test_sqlite_driver import count_trips
from tests.harness import BotHarness


def _notes(persistence: DatabasePersistence) -> tuple[dict[Any, str], set[Any]]:
    return {row: str(data) for row, data in persistence._changed.items()}, set(persistence._removed)


async def _play(app: Application, names: list[str], pending: PendingState) -> None:  # type: ignore[type-arg]
    """What a few updates leave behind: data used, a resident erased, screens moved on."""
    app.user_data[1]["draft"] = {"kind": "canteen", "party": 2}
    app.user_data[3]["shown"] = {"text": "几位？"}
    app.mark_data_for_update_persistence(user_ids=[1, 3])
    app.drop_user_data(2)
    first, second = (app._conversation_handler_conversations[name] for name in names)
    first[(1, 1)] = "party"
    first[(3, 3)] = "town"
    second[(4, 4)] = pending  # a non-blocking step still running
    first.pop((3, 3))  # that conversation ended


async def _answer(running: asyncio.Future[str]) -> str:
    return await running


async def test_the_round_notes_what_ptbs_own_round_notes(harness: BotHarness) -> None:
    app = harness.app
    assert app is not None and isinstance(app.persistence, DatabasePersistence)
    persistence = app.persistence
    names = sorted(app._conversation_handler_conversations)[:2]
    running: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    step = asyncio.create_task(_answer(running))
    pending = PendingState(step, "start")

    await _play(app, names, pending)
    await Application.update_persistence(app)  # PTB's own round, a task per key
    ptbs = _notes(persistence)
    persistence._changed, persistence._removed = {}, set()

    await _play(app, names, pending)
    persistence.take_round(app)
    ours = _notes(persistence)
    assert ours == ptbs
    changed, _ = ours
    assert ("user_data", "1") in changed and ("conversation", f"{names[1]}:[4, 4]") in changed
    assert ("user_data", "2") not in changed
    assert ("conversation", f"{names[0]}:[3, 3]") not in changed

    # The running step is asked about again at the next round, and then gives its new state.
    running.set_result("booked")
    await step
    persistence.take_round(app)
    assert persistence._changed[("conversation", f"{names[1]}:[4, 4]")] == '"booked"'


async def test_a_flush_is_one_trip_to_the_sqlite_thread(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    if services.engine.dialect.name != "sqlite":
        pytest.skip("the thread trips are SQLite's (aiosqlite)")
    persistence = DatabasePersistence(services.sessions)
    await persistence.get_user_data()  # the pool's connection is open from here on
    for uid in range(1, 201):
        await persistence.update_user_data(uid, {"draft": {"n": uid}})
        await persistence.update_conversation("booking", (uid, uid), "party")
    await persistence.drop_user_data(7)
    trips = count_trips(monkeypatch)
    await persistence.flush()
    assert len(trips) == 1  # the upsert of 399 rows and the commit together
    monkeypatch.undo()
    again = DatabasePersistence(services.sessions)
    loaded = await again.get_user_data()
    assert len(loaded) == 199 and loaded[8] == {"draft": {"n": 8}} and 7 not in loaded
