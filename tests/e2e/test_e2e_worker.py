"""`tongxin worker` in-process over real HTTP: it drains the outbox and serves /metrics."""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta

import aiohttp
import pytest

from bot.context import Services
from bot.settings import Settings
from bot.worker import run_worker
from models.core.outbox import OutboxKind, enqueue, message_payload
from sandbox import SandboxState
from tests.e2e.control import Control, free_port

pytestmark = pytest.mark.e2e


async def _enqueue(services: Services, chats: list[int]) -> None:
    async with services.sessions() as session, session.begin():
        for chat in chats:
            await enqueue(
                session,
                chat_id=chat,
                kind=OutboxKind.STATUS,
                payload=message_payload("outbox.reminder", what="明天上午体检"),
                dedupe_key=f"worker-test:{chat}",
            )


def _worker_settings(settings: Settings, api_port: int, listen_port: int) -> Settings:
    # Quiet hours twelve hours away, so these tests never run inside them.
    far = datetime.now(settings.tz) + timedelta(hours=12)
    quiet = f"{far:%H:%M}-{far + timedelta(minutes=1):%H:%M}"
    return settings.model_copy(
        update={
            "bot_api_url": f"http://127.0.0.1:{api_port}/bot",
            "bot_api_file_url": f"http://127.0.0.1:{api_port}/file/bot",
            "listen": f"127.0.0.1:{listen_port}",
            "outbox_rate": 200.0,
            "quiet_hours": quiet,
        }
    )


async def _until_delivered(state: SandboxState, chats: list[int]) -> None:
    for _ in range(200):
        if all(state.messages(chat) for chat in chats):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker did not deliver every message")


@pytest.fixture(autouse=True)
def _unfreeze_heap() -> Iterator[None]:
    """The worker freezes the heap once started; this test process goes on with other tests."""
    yield
    gc.unfreeze()


async def test_worker_delivers_and_serves_metrics(
    settings: Settings,
    services: Services,
    sandbox: tuple[SandboxState, int, Control],
    http: aiohttp.ClientSession,
) -> None:
    state, api_port, _control = sandbox
    chats = [9101, 9102, 9103]
    for chat in chats:
        state.user(chat)
    await _enqueue(services, chats)
    listen_port = free_port()
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(_worker_settings(settings, api_port, listen_port), stop, interval=0.05)
    )
    try:
        await _until_delivered(state, chats)
        async with http.get(f"http://127.0.0.1:{listen_port}/healthz") as response:
            assert response.status == 200
        async with http.get(f"http://127.0.0.1:{listen_port}/metrics") as response:
            body = await response.text()
        assert 'tongxin_outbox_sends_total{result="sent"} 3.0' in body
        assert gc.get_freeze_count() > 0  # start-up objects kept out of full collections
    finally:
        stop.set()
        await asyncio.wait_for(worker, 10)
    assert [len(state.messages(chat)) for chat in chats] == [1, 1, 1]


async def test_worker_runs_without_metrics_when_the_port_is_taken(
    settings: Settings,
    services: Services,
    sandbox: tuple[SandboxState, int, Control],
    caplog: pytest.LogCaptureFixture,
) -> None:
    state, api_port, _control = sandbox
    chats = [9201, 9202]
    for chat in chats:
        state.user(chat)
    await _enqueue(services, chats)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy_port = int(taken.getsockname()[1])
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_worker(_worker_settings(settings, api_port, busy_port), stop, interval=0.05)
        )
        try:
            await _until_delivered(state, chats)
        finally:
            stop.set()
            await asyncio.wait_for(worker, 10)
    assert "no /healthz or /metrics for this worker" in caplog.text
