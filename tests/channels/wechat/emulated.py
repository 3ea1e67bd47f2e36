"""The real, unchanged bot talking to WeChat users through the bridge and the emulator.

The emulator (``channels.wechat.emulator``) plays WeChat's API and its users; the bridge serves
callbacks and the Bot API; the bot's Application calls the bridge over HTTP as it would call
Telegram. ``act`` plays one user act, lets the bot take the updates it caused, sends the
settled burst, and returns what the user received for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from sqlmodel import select

from bot.app import build_application
from bot.context import Services, TongxinApplication
from bot.db import create_engine, create_session_factory
from bot.settings import Settings
from channels.wechat.emulator.server import Player, build_emulator_app
from channels.wechat.emulator.world import World
from channels.wechat.server import BRIDGE_KEY, build_wechat_app
from channels.wechat.tables import WechatUser, chat_id_of
from models.core.base import row_id, utcnow
from tests.channels.wechat.support import AES_KEY, APP_ID, TOKEN, wechat_settings

SECRET = "tongxin-app-secret"
Received = list[dict[str, Any]]


class Shift:
    """The emulator's and the bridge's clock: the test's, moved on by ``by``."""

    def __init__(self) -> None:
        self.by = timedelta(0)

    def now(self) -> datetime:
        """The shifted time."""
        return utcnow() + self.by


class EmulatedWechat:
    """One emulated WeChat, the bridge and the bot, running together."""

    def __init__(
        self, world: World, player: Player, app: TongxinApplication, bridge: Any, url: str
    ) -> None:
        self.url = url
        self.emulator_url = ""
        self.world = world
        self.player = player
        self.app = app
        self.bridge = bridge
        self.offset = 0
        self.shift = Shift()

    async def settle(self) -> None:
        """Let the bot take every queued update, then send the bursts it caused."""
        while True:
            updates = await self.app.bot.get_updates(offset=self.offset, timeout=0)
            if not updates:
                break
            for update in updates:
                self.offset = update.update_id + 1
                await self.app.process_update(update)
        assert self.bridge.outbound is not None
        await self.bridge.outbound.flush_all()

    async def act(self, openid: str, doing: Callable[[], Awaitable[int]]) -> Received:
        """Play one act of a user; what they received in answer (WeChat's refusals fail)."""
        user = self.world.follower(openid)
        before = len(user.inbox)
        status = await doing()
        assert status == 200, status
        await self.settle()
        assert user.refused == [], f"WeChat refused: {user.refused}"
        return user.inbox[before:]

    async def fetch(self, link: str) -> tuple[int, bytes]:
        """Follow a link the bridge sent (its public address is a placeholder here)."""
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        async with aiohttp.ClientSession() as client, client.get(self.url + path) as got:
            return got.status, await got.read()

    async def type(self, openid: str, text: str) -> Received:
        """The user types a text."""
        return await self.act(openid, lambda: self.player.text(openid, text))

    async def choose(self, openid: str, words: str, more: str = "➡️") -> Received:
        """Tap the line with ``words`` of the newest menu, paging with "➡️" lines as needed."""
        for _ in range(5):
            lines = [item["content"] for item in self.last_menu(openid)["list"]]
            if any(words in line for line in lines):
                return await self.tap(openid, words)
            await self.tap(openid, more)
        raise AssertionError(f"no line with {words!r}")

    async def onboard(self, openid: str) -> None:
        """Follow and onboard in Chinese by typed numbers (town 1, community 1, no name)."""
        await self.act(openid, lambda: self.player.follow(openid))
        for typed in ("1", "1", "1", "1", "跳过", "跳过"):
            await self.type(openid, typed)

    async def chat_of(self, openid: str) -> int:
        """The Bot API chat id the bridge gave this follower."""
        async with self.bridge.sessions() as session:
            found = await session.execute(select(WechatUser).where(WechatUser.openid == openid))
            return chat_id_of(row_id(found.scalar_one()))

    def last_menu(self, openid: str) -> dict[str, Any]:
        """The newest menu message this user received."""
        menus = [m for m in self.world.follower(openid).inbox if m["msgtype"] == "msgmenu"]
        return dict(menus[-1]["msgmenu"])

    async def tap(self, openid: str, words: str) -> Received:
        """Tap the line of the newest menu message containing ``words``."""
        lines = self.last_menu(openid)["list"]
        line = next(item for item in lines if words in item["content"])
        return await self.act(openid, lambda: self.player.tap(openid, line["id"], line["content"]))


def read(received: Received) -> list[str]:
    """What the user read, message by message (a menu: its head, then its lines)."""
    out = []
    for message in received:
        if message["msgtype"] == "text":
            out.append(message["text"]["content"])
        elif message["msgtype"] == "msgmenu":
            menu = message["msgmenu"]
            lines = [item["content"] for item in menu["list"]]
            out.append("\n".join([menu["head_content"], *lines]))
        else:
            out.append(f"[{message['msgtype']}]")
    return out


@asynccontextmanager
async def emulated_wechat(
    settings: Settings, services: Services, **overrides: Any
) -> AsyncIterator[EmulatedWechat]:
    """Start the emulator, the bridge (on the test database) and the bot (over HTTP)."""
    shift = Shift()
    world = World(app_id=APP_ID, secret=SECRET, clock=shift.now)
    player = Player(world, callback_url="", token=TOKEN, aes_key=AES_KEY)
    emulator = TestServer(build_emulator_app(world, player), host="127.0.0.1", access_log=None)
    await emulator.start_server()
    base = str(emulator.make_url("")).rstrip("/")
    # A settle window far longer than any update: an act's sends go out together when the act
    # flushes them (``settle``), however slow a loaded machine makes the bot (at 0.05 s a CI
    # run split a receipt's texts). The test of the window itself passes its own.
    overrides.setdefault("settle_seconds", 2.0)
    wechat = wechat_settings(secret=SECRET, api_url=base, **overrides)
    engine = create_engine(settings.database_url)
    token = settings.token()
    sessions = create_session_factory(engine)
    bridge_app = build_wechat_app(wechat, sessions, bot_token=token, clock=shift.now)
    bridge_server = TestServer(bridge_app, host="127.0.0.1", access_log=None)
    await bridge_server.start_server()
    bridge_url = str(bridge_server.make_url("")).rstrip("/")
    player.callback_url = bridge_url + wechat.path
    bot_settings = settings.model_copy(update={"bot_api_url": bridge_url + "/bot"})
    app = build_application(bot_settings, services=services, rate_limit=False, updater=False)
    await app.initialize()
    await app.start()
    try:
        emulated = EmulatedWechat(world, player, app, bridge_app[BRIDGE_KEY], bridge_url)
        emulated.emulator_url = base
        emulated.shift = shift
        yield emulated
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
        await bridge_server.close()
        await emulator.close()
        await engine.dispose()
