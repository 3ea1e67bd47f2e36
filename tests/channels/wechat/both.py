"""One bot serving both channels: the Telegram sandbox, the emulated WeChat and its bridge, each
on a port of 127.0.0.1, and the production runner between them (``TONGXIN_WECHAT_BRIDGE_URL``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.db import create_engine, create_session_factory
from bot.runner import BotRunner
from bot.settings import Settings
from channels.wechat.emulator.server import Player, build_emulator_app
from channels.wechat.emulator.world import World
from channels.wechat.server import build_wechat_app
from sandbox import SandboxState, start_sandbox, stop_sandbox
from tests.channels.wechat.emulated import SECRET, read
from tests.channels.wechat.support import AES_KEY, APP_ID, TOKEN, wechat_settings
from tests.e2e.control import Control, free_port

WAIT_SECONDS = 30  # a loaded machine (both database passes at once) is slow to start the bot


@dataclass
class Wechat:
    """The emulated WeChat, playing its users, and where the bridge is (or will be) served."""

    world: World
    player: Player
    emulator_url: str
    bridge_port: int

    @property
    def bridge_api(self) -> str:
        """The bridge's Bot API address (``TONGXIN_WECHAT_BRIDGE_URL``)."""
        return f"http://127.0.0.1:{self.bridge_port}/bot"


@asynccontextmanager
async def emulated_wechat() -> AsyncIterator[Wechat]:
    """The emulator on a free port, its callbacks aimed at a bridge on another free port."""
    world = World(app_id=APP_ID, secret=SECRET)
    player = Player(world, callback_url="", token=TOKEN, aes_key=AES_KEY)
    emulator = TestServer(build_emulator_app(world, player), host="127.0.0.1", access_log=None)
    await emulator.start_server()
    port = free_port()
    player.callback_url = f"http://127.0.0.1:{port}/wechat"
    try:
        yield Wechat(world, player, str(emulator.make_url("")).rstrip("/"), port)
    finally:
        await player.close()
        await emulator.close()


@asynccontextmanager
async def bridge(settings: Settings, wechat: Wechat) -> AsyncIterator[None]:
    """The bridge (``tongxin wechat``'s app) on the bot's database, on ``wechat.bridge_port``."""
    engine = create_engine(settings.database_url)
    bridge_settings = wechat_settings(
        secret=SECRET, api_url=wechat.emulator_url, listen=f"127.0.0.1:{wechat.bridge_port}"
    )
    sessions = create_session_factory(engine)
    app = build_wechat_app(bridge_settings, sessions, bot_token=settings.token())
    server = TestServer(app, host="127.0.0.1", port=wechat.bridge_port, access_log=None)
    await server.start_server()
    try:
        yield
    finally:
        await server.close()
        await engine.dispose()


@asynccontextmanager
async def telegram(http: aiohttp.ClientSession) -> AsyncIterator[tuple[SandboxState, int, Control]]:
    """The Telegram sandbox over HTTP: (state, port, control client)."""
    state, runner, port = await start_sandbox("127.0.0.1", 0)
    try:
        yield state, port, Control(http, f"http://127.0.0.1:{port}")
    finally:
        await stop_sandbox(state, runner)


def both_channels(
    settings: Settings, telegram_port: int, bridge_api: str | None, mode: str = "polling"
) -> Settings:
    """``tongxin run``'s settings: Telegram from the sandbox (polled, or POSTing to the bot's
    webhook), the WeChat bridge at ``bridge_api``."""
    listen = free_port()
    webhook = {
        "webhook_url": f"http://127.0.0.1:{listen}/telegram/webhook",
        "webhook_secret": SecretStr("both-channels-webhook-secret"),
    }
    return settings.model_copy(
        update={
            "mode": mode,
            "bot_api_url": f"http://127.0.0.1:{telegram_port}/bot",
            "bot_api_file_url": f"http://127.0.0.1:{telegram_port}/file/bot",
            "listen": f"127.0.0.1:{listen}",
            "wechat_bridge_url": bridge_api,
            **(webhook if mode == "webhook" else {}),
        }
    )


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[BotRunner]:
    """``tongxin run``'s runner on these settings (its own services, as the command makes
    them), started, and stopped after the block."""
    runner = BotRunner(settings, wechat_poll_seconds=1)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def received(
    wechat: Wechat, openid: str, done: Callable[[list[str]], bool], since: int = 0
) -> list[dict[str, Any]]:
    """What ``openid`` received after ``since``, once ``done`` holds for its texts."""
    user = wechat.world.follower(openid)
    for _ in range(WAIT_SECONDS * 10):
        got = user.inbox[since:]
        if done(read(got)):
            assert user.refused == [], f"WeChat refused: {user.refused}"
            return got
        await asyncio.sleep(0.1)
    raise AssertionError(f"{openid} received only {read(user.inbox[since:])}")
