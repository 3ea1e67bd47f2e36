"""End to end at TONGXIN_LOG_LEVEL=DEBUG: a webhook start and a whole onboarding (a name and a
shared phone number), and the whole log holds neither the token, the webhook secret, the phone
number nor the name."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.context import Services
from bot.logs import configure_logging
from bot.runner import BotRunner
from bot.settings import Settings
from models.core.people import find_person
from sandbox import SandboxState
from tests.conftest import TEST_TOKEN
from tests.e2e.control import Control, free_port

pytestmark = pytest.mark.e2e
SECRET = "e2e-debug-secret-9876543210"
USER = 434343
NAME = "柳叶青"
PHONE = "+86 139-2468-1357"
PHONE_FORMS = ("13924681357", "139-2468-1357", "139 2468 1357", "24681357", PHONE)


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged during the test, in the bot's own format, on a root handler (restored
    afterwards: the root level, the handlers and their filters)."""
    root = logging.getLogger()
    level, filters = root.level, {h: list(h.filters) for h in root.handlers}
    httpx_level = logging.getLogger("httpx").level
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        for each in root.handlers:
            if each in filters:  # pytest's own handlers: as they were
                each.filters[:] = filters[each]
        root.setLevel(level)
        logging.getLogger("httpx").setLevel(httpx_level)


async def test_debug_log_of_webhook_start_and_onboarding_has_no_secret_phone_or_name(
    settings: Settings,
    services: Services,
    sandbox: tuple[SandboxState, int, Control],
    debug_log: io.StringIO,
) -> None:
    _state, port, control = sandbox
    web_port = free_port()
    hooked = settings.model_copy(
        update={
            "mode": "webhook",
            "bot_api_url": f"http://127.0.0.1:{port}/bot",
            "bot_api_file_url": f"http://127.0.0.1:{port}/file/bot",
            "listen": f"127.0.0.1:{web_port}",
            "webhook_url": f"http://127.0.0.1:{web_port}/telegram/webhook",
            "webhook_secret": SecretStr(SECRET),
            "log_level": "DEBUG",
        }
    )
    configure_logging(hooked)  # as `tongxin run` does, before anything is built
    runner = BotRunner(hooked, services=services)
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # even the request URLs (token inside)
    await runner.start()
    try:
        await control.user(USER, "zh-hans")
        await control.text(USER, "/start")
        seen = await control.wait(USER, 2)
        for _step in range(4):  # consent, language, town, community: the first button each
            await control.press(USER, (await control.buttons(USER))[0])
            seen += await control.wait(USER, 1, since=seen[-1]["message_id"])
        await control.text(USER, NAME)
        seen += await control.wait(USER, 1, since=seen[-1]["message_id"])
        await control.contact(USER, PHONE)
        receipt, _menu = await control.wait(USER, 2, since=seen[-1]["message_id"])
        assert NAME in receipt["text"] and "139****1357" in receipt["text"]
        async with services.sessions() as session:
            person = await find_person(session, USER)
        assert person is not None and person.onboarded_at is not None
        assert (person.display_name, person.phone) == (NAME, "+8613924681357")
    finally:
        await runner.stop()

    log = debug_log.getvalue()
    assert "Set Bot API URL" in log and "setWebhook" in log and "Processing update" in log
    assert TEST_TOKEN not in log and TEST_TOKEN.split(":")[1] not in log
    assert SECRET not in log
    for form in PHONE_FORMS:
        assert form not in log, form
    assert NAME not in log
