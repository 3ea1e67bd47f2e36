"""One bot, both channels, as `tongxin run` and `tongxin worker` serve them with
TONGXIN_WECHAT_BRIDGE_URL: the Telegram sandbox and the emulated WeChat over HTTP, the real
runner between them; and without the setting, Telegram only, as before."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from types import SimpleNamespace

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlmodel import col
from telegram import Bot, Update

from bot.channels import ChannelRequest, WechatFeed, routed
from bot.context import Services
from bot.runner import BotRunner
from bot.settings import Settings, SettingsError, load_settings
from bot.worker import run_worker
from channels.wechat.tables import WechatUser, chat_id_of
from models.core.base import row_id
from models.core.outbox import OutboxKind, OutboxMessage, enqueue, message_payload
from tests.channels.wechat.both import (
    both_channels,
    bridge,
    emulated_wechat,
    received,
    running,
    telegram,
)
from tests.channels.wechat.emulated import read
from tests.channels.wechat.support import queue_length
from tests.conftest import TEST_TOKEN
from tests.core.outbox_support import as_received

pytestmark = pytest.mark.e2e
USER = 424242  # a Telegram user
OPENID = "oBOTH_channels_0001"  # a WeChat follower


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=40)) as session:
        yield session


async def chat_of(services: Services, openid: str) -> int:
    """The chat id the bridge gave a follower."""
    async with services.sessions() as session:
        found = await session.execute(select(WechatUser).where(col(WechatUser.openid) == openid))
        return chat_id_of(row_id(found.scalar_one()))


async def notify_both(services: Services, wechat_chat: int) -> dict[str, str]:
    """One urgent notice to each of them through the outbox; what each should read."""
    texts = {"tg": "今晚停水，请提前储水（Telegram）", "wx": "今晚停水，请提前储水（微信）"}
    async with services.sessions() as session, session.begin():
        for key, chat_id in (("tg", USER), ("wx", wechat_chat)):
            await enqueue(
                session,
                chat_id=chat_id,
                kind=OutboxKind.BROADCAST,
                payload=message_payload("broadcast.notice", text=texts[key]),
                dedupe_key=f"both-channels:{key}",
                urgent=True,  # neither quiet hours nor an open screen hold it
            )
    return {key: as_received(services, text) for key, text in texts.items()}


async def all_sent(services: Services) -> None:
    """Wait until the outbox has sent every message."""
    for _ in range(300):
        async with services.sessions() as session:
            statuses = set((await session.execute(select(col(OutboxMessage.status)))).scalars())
        if statuses == {"sent"}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"outbox statuses: {statuses}")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_one_bot_answers_and_reaches_each_person_on_their_own_channel(
    settings: Settings, services: Services, http: aiohttp.ClientSession, mode: str
) -> None:
    t = services.i18n.translator("zh_CN")
    async with telegram(http) as (state, port, control), emulated_wechat() as wechat:
        async with bridge(settings, wechat):
            both = both_channels(settings, port, wechat.bridge_api, mode)
            async with running(both):
                assert (state.webhook.url != "") is (mode == "webhook")
                await control.user(USER, "zh-hans")
                await control.text(USER, "/start")
                welcome, consent = await control.wait(USER, 2)
                assert welcome["text"] == t("onboarding.welcome")

                assert await wechat.player.follow(OPENID) == 200
                got = await received(
                    wechat, OPENID, lambda texts: t("onboarding.consent") in "".join(texts)
                )
                assert t("onboarding.welcome") in "".join(read(got))
                before = len(wechat.world.follower(OPENID).inbox)
                assert await wechat.player.text(OPENID, "1") == 200  # ✅ 同意, typed
                await received(
                    wechat, OPENID, lambda texts: t("onboarding.language") in "".join(texts), before
                )

                # The outbox: the bot's own pump sends each notice through its person's channel.
                wechat_chat = await chat_of(services, OPENID)
                expected = await notify_both(services, wechat_chat)
                since = len(wechat.world.follower(OPENID).inbox)
                notice, *_ = await control.wait(USER, 1, since=consent["message_id"])
                assert notice["text"] == expected["tg"]
                await received(
                    wechat, OPENID, lambda texts: expected["wx"] in "\n".join(texts), since
                )
                await all_sent(services)
            # Stopped: the feed confirmed what it took, so the bridge's queue is empty.
            assert await queue_length(settings.database_url) == 0
        # Each notice went through its own channel only; Telegram never heard of the WeChat chat.
        telegram_texts = "\n".join(str(m["text"]) for m in state.messages(USER))
        assert expected["wx"] not in telegram_texts
        assert expected["tg"] not in "\n".join(read(wechat.world.follower(OPENID).inbox))
        assert wechat_chat not in state.chats


async def test_the_bridge_down_at_start_neither_stops_the_bot_nor_the_feed(
    settings: Settings,
    services: Services,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    t = services.i18n.translator("zh_CN")
    async with (
        telegram(http) as (_state, port, control),
        emulated_wechat() as wechat,
        contextlib.AsyncExitStack() as later,  # the bridge, started late, stops after the bot
    ):
        both = both_channels(settings, port, wechat.bridge_api)
        async with running(both):
            await control.user(USER, "zh-hans")
            await control.text(USER, "/start")
            welcome, _consent = await control.wait(USER, 2)
            assert welcome["text"] == t("onboarding.welcome")
            await until_logged(caplog, "did not answer")
            down = [r for r in caplog.records if r.name == "bot.channels"]
            assert down and all(r.levelno == logging.WARNING for r in down)
            assert wechat.bridge_api in down[0].getMessage()

            await later.enter_async_context(bridge(settings, wechat))
            assert await wechat.player.follow(OPENID) == 200
            await received(wechat, OPENID, lambda texts: t("onboarding.consent") in "".join(texts))
            assert "the bridge answers again" in caplog.text
    assert TEST_TOKEN not in caplog.text and TEST_TOKEN.split(":")[1] not in caplog.text


class _StopOnFirstUpdate:
    """An update queue that stops the feed as soon as it is given an update."""

    def __init__(self) -> None:
        self.feed: WechatFeed | None = None
        self.got: list[Update] = []
        self.stopped: asyncio.Task[None] | None = None

    async def put(self, update: Update) -> None:
        self.got.append(update)
        assert self.feed is not None
        self.stopped = asyncio.create_task(self.feed.stop())
        await asyncio.sleep(0)  # the stop begins: the feed polls no more


async def test_a_stop_confirms_what_the_feed_took(settings: Settings) -> None:
    async with emulated_wechat() as wechat, bridge(settings, wechat):
        assert await wechat.player.follow(OPENID) == 200
        assert await queue_length(settings.database_url) == 1
        queue = _StopOnFirstUpdate()
        app = SimpleNamespace(bot=Bot(settings.token()), update_queue=queue)
        feed = WechatFeed(app, settings.token(), wechat.bridge_api, poll_seconds=1)  # type: ignore[arg-type]
        queue.feed = feed
        await feed.start()
        for _ in range(100):
            if queue.stopped is not None:
                break
            await asyncio.sleep(0.1)
        assert queue.stopped is not None
        await asyncio.wait_for(queue.stopped, 10)
        assert [update.message.text for update in queue.got if update.message] == ["/start"]
        assert await queue_length(settings.database_url) == 0  # confirmed by the stop


async def until_logged(caplog: pytest.LogCaptureFixture, words: str) -> None:
    """Wait until a log line has ``words``."""
    for _ in range(100):
        if words in caplog.text:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never logged: {words!r}")


async def test_the_worker_sends_to_each_channel(
    settings: Settings, services: Services, http: aiohttp.ClientSession
) -> None:
    async with (
        telegram(http) as (_state, port, control),
        emulated_wechat() as wechat,
        bridge(settings, wechat),
    ):
        await control.user(USER, "zh-hans")
        assert await wechat.player.follow(OPENID) == 200  # the bridge gives them a chat
        expected = await notify_both(services, await chat_of(services, OPENID))
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_worker(both_channels(settings, port, wechat.bridge_api), stop, interval=0.1)
        )
        try:
            (notice,) = await control.wait(USER, 1)
            assert notice["text"] == expected["tg"]
            await received(wechat, OPENID, lambda texts: expected["wx"] in "\n".join(texts))
            await all_sent(services)
        finally:
            stop.set()
            await asyncio.wait_for(worker, 20)


async def test_without_the_setting_nothing_goes_through_the_router(
    settings: Settings, services: Services
) -> None:
    assert settings.wechat_bridge_url is None
    alone = BotRunner(settings, services=services)
    assert alone.feed is None
    assert routed(settings) is None
    pump = alone.application.pump
    assert pump is not None
    for request in (alone.application.bot.request, pump.bot.request):  # type: ignore[attr-defined]
        assert not isinstance(request, ChannelRequest)
    for mode in ("polling", "webhook"):
        both = settings.model_copy(
            update={
                "wechat_bridge_url": "http://bridge.invalid/bot",
                "mode": mode,
                "webhook_url": "https://bot.example.org/telegram",
                "webhook_secret": SecretStr("a-webhook-secret-of-16+"),
            }
        )
        runner = BotRunner(both)  # its own services, as `tongxin run` makes them
        await runner.application.services.engine.dispose()
        assert isinstance(runner.feed, WechatFeed)
        pump = runner.application.pump
        assert pump is not None
        for request in (runner.application.bot.request, pump.bot.request):  # type: ignore[attr-defined]
            assert isinstance(request, ChannelRequest)


def test_the_bridge_address_is_checked() -> None:
    assert load_settings(wechat_bridge_url="", _env_file=None).wechat_bridge_url is None
    given = load_settings(wechat_bridge_url=" http://wechat:8090/bot/ ", _env_file=None)
    assert given.wechat_bridge_url == "http://wechat:8090/bot"
    for wrong in ("wechat:8090/bot", "http://wechat:8090"):
        with pytest.raises(SettingsError, match=r"^TONGXIN_WECHAT_BRIDGE_URL: "):
            load_settings(wechat_bridge_url=wrong, _env_file=None)
    same = load_settings(
        bot_token=TEST_TOKEN,
        bot_api_url="http://wechat:8090/bot",
        wechat_bridge_url="http://wechat:8090/bot",
        _env_file=None,
    )
    with pytest.raises(SettingsError, match=r"^TONGXIN_WECHAT_BRIDGE_URL: "):
        same.require_runnable()
