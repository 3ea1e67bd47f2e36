"""The webhook's inbox: what a crash left there is handled at the next start, once.

A process that stored an update and answered Telegram 200, then died before its handlers ran,
leaves the update in ``update_inbox``. The next start handles it before anything new, and when
Telegram delivers the same update again it is refused as a duplicate: one answer in all.
"""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.context import Services
from bot.runner import BotRunner
from bot.settings import Settings
from models.core.runtime import InboxUpdate, ProcessedUpdate, claim_update
from sandbox import SandboxState
from tests.e2e.control import Control, free_port
from tests.factories import make_person

pytestmark = pytest.mark.e2e
SECRET = "e2e-inbox-secret-0123456789"
USER = 464646


def _hooked(settings: Settings, api_port: int) -> Settings:
    web_port = free_port()
    return settings.model_copy(
        update={
            "mode": "webhook",
            "bot_api_url": f"http://127.0.0.1:{api_port}/bot",
            "bot_api_file_url": f"http://127.0.0.1:{api_port}/file/bot",
            "listen": f"127.0.0.1:{web_port}",
            "webhook_url": f"http://127.0.0.1:{web_port}/telegram/webhook",
            "webhook_secret": SecretStr(SECRET),
        }
    )


async def _count(services: Services, table: type) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_an_update_left_in_the_inbox_is_answered_once_at_the_next_start(
    settings: Settings, services: Services, sandbox: tuple[SandboxState, int, Control]
) -> None:
    state, port, control = sandbox
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, USER)
    state.user(USER, first_name="Inbox", language_code="zh-hans")
    # The resident's message reached the last process, which stored it and died.
    update = state.send_text(USER, "/mybookings")
    async with services.sessions() as session, session.begin():
        assert await claim_update(session, update["update_id"], update)
    assert await _count(services, InboxUpdate) == 1

    runner = BotRunner(_hooked(settings, port), services=services)
    await runner.start()
    try:
        (answer,) = await control.wait(USER, 1, since=update["message"]["message_id"])
        await state.drain()  # Telegram delivers it again: refused as a duplicate
        await asyncio.sleep(0.3)
    finally:
        await runner.stop()
    assert t("mine.empty") in answer["text"]
    assert len(state.messages(USER)) == 1
    assert await _count(services, InboxUpdate) == 0
    assert await _count(services, ProcessedUpdate) == 1


async def test_a_handled_update_leaves_the_inbox(
    settings: Settings, services: Services, sandbox: tuple[SandboxState, int, Control]
) -> None:
    _state, port, control = sandbox
    await make_person(services.sessions, USER)
    await control.user(USER, "zh-hans")
    runner = BotRunner(_hooked(settings, port), services=services)
    await runner.start()
    try:
        sent = await control.text(USER, "/mybookings")
        await control.wait(USER, 1, since=sent["message"]["message_id"])
        async with asyncio.timeout(5):
            while True:
                if await _count(services, InboxUpdate) == 0:
                    break
                await asyncio.sleep(0.02)
    finally:
        await runner.stop()
    assert await _count(services, ProcessedUpdate) == 1
