"""End to end, webhook: the sandbox POSTs updates to the bot's aiohttp server over HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from bot.runner import BotRunner
from bot.settings import Settings
from bot.web import SECRET_HEADER
from models.core.people import Person, find_person
from models.core.runtime import InboxUpdate, ProcessedUpdate
from sandbox import SandboxState
from tests.e2e.control import Control, free_port

pytestmark = pytest.mark.e2e
SECRET = "e2e-webhook-secret-0123456789"
USER = 424242
STRANGER = 515151


@pytest.fixture
async def bot(
    settings: Settings, services: Services, sandbox: tuple[SandboxState, int, Control]
) -> AsyncIterator[BotRunner]:
    """The bot process in webhook mode on a free port; it registers its webhook itself."""
    _state, port, _control = sandbox
    web_port = free_port()
    hooked = settings.model_copy(
        update={
            "mode": "webhook",
            "bot_api_url": f"http://127.0.0.1:{port}/bot",
            "bot_api_file_url": f"http://127.0.0.1:{port}/file/bot",
            "listen": f"127.0.0.1:{web_port}",
            "webhook_url": f"http://127.0.0.1:{web_port}/telegram/webhook",
            "webhook_secret": SecretStr(SECRET),
            "max_body_bytes": 64 * 1024,
        }
    )
    runner = BotRunner(hooked, services=services)
    await runner.start()
    yield runner
    await runner.stop()


def _message_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Stranger", "language_code": "en"}
    message = {
        "message_id": 1,
        "from": user,
        "chat": {"id": user_id, "type": "private", "first_name": "Stranger"},
        "date": int(time.time()),
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }
    return {"update_id": update_id, "message": message}


async def _count_processed(services: Services) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(ProcessedUpdate)
        return int((await session.execute(query)).scalar_one())


async def test_webhook_end_to_end(
    bot: BotRunner,
    sandbox: tuple[SandboxState, int, Control],
    services: Services,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state, _port, control = sandbox
    assert state.webhook.url == f"http://127.0.0.1:{bot.port}/telegram/webhook"
    assert state.webhook.secret_token == SECRET
    t = services.i18n.translator("en")

    # A user's /start travels sandbox -> webhook -> PTB -> sendMessage -> sandbox.
    await control.user(USER, "en")
    start = await control.text(USER, "/start")
    welcome, consent = await control.wait(USER, 2)
    assert welcome["text"] == t("onboarding.welcome")
    assert t("onboarding.consent") in consent["text"]
    assert await _count_processed(services) == 1

    # Forged deliveries: a wrong secret and no secret are refused before anything is read.
    state.user(STRANGER, first_name="Stranger", language_code="en")
    forged = json.dumps(_message_update(9_000_001, STRANGER, "/start")).encode()
    good = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    assert await state.deliver_raw(forged, {**good, SECRET_HEADER: "wrong-" + SECRET}) == 403
    assert await state.deliver_raw(forged, {"Content-Type": "application/json"}) == 403

    # Telegram redelivers the /start: accepted (200) but not processed a second time.
    assert await state.redeliver(start) == 200

    # Malformed and oversized bodies are client errors, not crashes.
    assert await state.deliver_raw(b"this is not json", good) == 400
    assert await state.deliver_raw(b"[]", good) == 400
    too_big = b'{"update_id": 9000002, "pad": "' + b"x" * 100_000 + b'"}'
    assert await state.deliver_raw(too_big, good) == 413

    # Updates are handled in order, so once this one is answered every earlier one would be.
    agree = [label for label in await control.buttons(USER) if t("onboarding.consent.yes") in label]
    await control.press(USER, agree[0])
    (question,) = await control.wait(USER, 1, since=consent["message_id"])
    assert t("onboarding.language") in question["text"]

    texts = [m["text"] for m in await control.messages(USER)]
    assert texts.count(t("onboarding.welcome")) == 1
    assert await control.messages(STRANGER) == []
    async with services.sessions() as session:
        assert await find_person(session, STRANGER) is None
        people = (await session.execute(select(col(Person.tg_user_id)))).scalars().all()
    assert people == [USER]
    assert await _count_processed(services) == 2
    assert state.webhook.failed == []

    async with asyncio.timeout(10):  # answered first, then out of the inbox and counted
        while True:
            async with services.sessions() as session:
                left = (
                    await session.execute(select(func.count()).select_from(InboxUpdate))
                ).scalar()
            if not left:
                break
            await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{bot.port}"
    async with http.get(f"{base}/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": "ok"}
    async with http.get(f"{base}/metrics") as resp:
        metrics = await resp.text()
    assert "tongxin_updates_total" in metrics and "tongxin_handler_seconds" in metrics
    assert "tongxin_handler_seconds_count 2.0" in metrics
    for reason, n in (("bad_secret", 1), ("missing_secret", 1), ("duplicate", 1), ("too_large", 1)):
        assert f'tongxin_webhook_rejected_total{{reason="{reason}"}} {n}.0' in metrics
    assert SECRET not in caplog.text  # nor the token: the autouse fixture checks that
