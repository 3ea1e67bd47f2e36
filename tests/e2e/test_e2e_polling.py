"""End to end, long polling: the real runner against the sandbox over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.context import Services
from bot.runner import BotRunner
from bot.settings import Settings
from models.core.people import find_person
from sandbox import SandboxState
from tests.e2e.control import Control, free_port

pytestmark = pytest.mark.e2e
USER = 424242


@pytest.fixture
async def bot(
    settings: Settings, services: Services, sandbox: tuple[SandboxState, int, Control]
) -> AsyncIterator[BotRunner]:
    """The bot process in polling mode, pointed at the sandbox."""
    _state, port, _control = sandbox
    polling = settings.model_copy(
        update={
            "mode": "polling",
            "bot_api_url": f"http://127.0.0.1:{port}/bot",
            "bot_api_file_url": f"http://127.0.0.1:{port}/file/bot",
            "listen": f"127.0.0.1:{free_port()}",
        }
    )
    runner = BotRunner(polling, services=services)
    await runner.start()
    yield runner
    await runner.stop()


async def test_start_and_consent_over_polling(
    bot: BotRunner,
    sandbox: tuple[SandboxState, int, Control],
    services: Services,
    http: aiohttp.ClientSession,
) -> None:
    state, _port, control = sandbox
    t = services.i18n.translator("zh_CN")
    await control.user(USER, "zh-hans")
    await control.text(USER, "/start")
    welcome, consent = await control.wait(USER, 2)
    assert welcome["text"] == t("onboarding.welcome")
    assert t("onboarding.consent") in consent["text"]
    agree = [label for label in await control.buttons(USER) if t("onboarding.consent.yes") in label]
    assert len(agree) == 1
    async with services.sessions() as session:
        assert await find_person(session, USER) is None  # nothing stored before consent

    await control.press(USER, agree[0])
    (question,) = await control.wait(USER, 1, since=consent["message_id"])
    assert t("onboarding.language") in question["text"]
    async with services.sessions() as session:
        person = await find_person(session, USER)
    assert person is not None and person.consent_at is not None and person.onboarded_at is None
    assert state.webhook.url == ""  # polling: no webhook was set

    async with http.get(f"http://127.0.0.1:{bot.port}/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": "ok"}
    async with http.get(f"http://127.0.0.1:{bot.port}/metrics") as resp:
        text = await resp.text()
    assert 'tongxin_updates_total{kind="command"} 1.0' in text
    assert 'tongxin_updates_total{kind="message"} 1.0' in text
    assert "tongxin_handler_seconds_count 2.0" in text
