"""The demo's WeChat side: the emulated WeChat, the bridge, and one bot serving both channels.

The demo runs one bot (one Application, its jobs and its outbox pump) for both channels:

- **updates**: the Application's updater polls the Telegram sandbox; a second poller
  (:class:`WechatFeed`) long-polls the bridge's ``getUpdates`` and puts what it gets on the same
  Application's update queue;
- **sends**: the Application's and the pump's requests go through :class:`ChannelRequest`, which
  sends a call naming a WeChat chat (chat ids from ``2**52``, callback queries ``wx…``) or a
  WeChat media (``getFile`` with a ``wx:`` file id, its download at ``…/wx/<MediaId>``) to the
  bridge, and every other call to the sandbox.

So there is no second copy of the handlers, conversations, persistence or jobs (docs/wechat.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.context import TongxinApplication
from bot.db import create_engine, create_session_factory
from bot.settings import Settings
from bot.web import start_web
from channels.wechat.emulator.server import Player, build_emulator_app
from channels.wechat.emulator.world import World
from channels.wechat.media import FILE_ID_PREFIX, FILE_PATH_PREFIX
from channels.wechat.server import build_wechat_app
from channels.wechat.settings import WechatSettings, load_wechat_settings
from channels.wechat.store import user_for
from channels.wechat.tables import CHAT_ID_BASE, CHAT_ID_LIMIT, chat_id_of
from models.core.base import row_id, utcnow
from models.core.people import Person, find_person, phone_key
from models.demo import seed_places

logger = logging.getLogger(__name__)

# The demo's Official Account (made up; the emulator and the bridge share them).
DEMO_APP_ID = "wxdemo0000tongxin"
DEMO_APP_SECRET = "demo-app-secret"
DEMO_WECHAT_TOKEN = "tongxin-demo-token"
DEMO_AES_KEY = "TongxinDemoEncodingAESKey0123456789abcdefgh"
#: The account's name, shown at the top of a WeChat chat in the web chat.
ACCOUNT_NAME = "同心社区服务"
#: The seeded WeChat resident: (openid, name, town, community). D town, so that a D town
#: volunteer's broadcast to the town reaches her and the Telegram residents alike.
DEMO_WECHAT_PEOPLE = (("oDEMO_zhou_nainai", "周奶奶", "D", "d-hongmei"),)
FEED_POLL_SECONDS = 1  # short: stopping the demo waits for the poll in progress


def is_wechat_call(parameters: dict[str, Any]) -> bool:
    """Whether a Bot API call names a WeChat chat or a callback query from WeChat."""
    for name in ("chat_id", "user_id"):
        value = parameters.get(name)
        with contextlib.suppress(TypeError, ValueError):
            if value is not None and CHAT_ID_BASE < int(value) < CHAT_ID_LIMIT:
                return True
    if str(parameters.get("file_id", "")).startswith(FILE_ID_PREFIX):
        return True
    return str(parameters.get("callback_query_id", "")).startswith("wx")


def _file_url(api_url: str) -> str:
    """The Bot API file URL beside an API URL ending in ``/bot`` (as ``Settings.file_url``)."""
    return api_url.removesuffix("/bot") + "/file/bot"


class ChannelRequest(BaseRequest):
    """Sends each Bot API call to the sandbox (Telegram), or to the bridge for WeChat chats."""

    def __init__(self, telegram_url: str, bridge_url: str, inner: BaseRequest | None = None):
        self._telegram = telegram_url  # both end in "/bot"; the token and method follow
        self._bridge = bridge_url
        self._telegram_files, self._bridge_files = _file_url(telegram_url), _file_url(bridge_url)
        self._inner = inner or HTTPXRequest(connection_pool_size=8)

    @property
    def read_timeout(self) -> float | None:
        """The inner request's default read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Open the inner connection pool."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Close the inner connection pool."""
        await self._inner.shutdown()

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        """Forward the call, to the bridge when it concerns a WeChat chat."""
        if (
            request_data is not None
            and url.startswith(self._telegram)
            and is_wechat_call(request_data.parameters)
        ):
            url = self._bridge + url[len(self._telegram) :]
        elif url.startswith(self._telegram_files):
            rest = url[len(self._telegram_files) :]  # <token>/<file_path>
            if rest.partition("/")[2].startswith(FILE_PATH_PREFIX):
                url = self._bridge_files + rest
        return await self._inner.do_request(url, method, request_data, **timeouts)


class WechatFeed:
    """Long-polls the bridge's ``getUpdates`` and hands the updates to the bot's Application."""

    def __init__(self, app: TongxinApplication, token: str, bridge_url: str) -> None:
        self._app = app
        self._bot = Bot(token, base_url=bridge_url, request=HTTPXRequest(read_timeout=30))
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Start polling in the background."""
        await self._bot.initialize()
        self._task = asyncio.create_task(self._run(), name="wechat-feed")

    async def stop(self) -> None:
        """Stop polling once the current poll ends (unconfirmed updates come again later).

        Not cancelled midway: the bridge would go on answering an abandoned long poll, and
        stopping it then could cut a database read short.
        """
        self._stopping.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, FEED_POLL_SECONDS + 5)
            except TimeoutError:
                logger.warning("WeChat feed: the last poll did not end in time")
        await self._bot.shutdown()

    async def _run(self) -> None:
        offset = 0
        while not self._stopping.is_set():
            try:
                updates = await self._bot.get_updates(offset=offset, timeout=FEED_POLL_SECONDS)
            except TelegramError as exc:
                logger.warning("WeChat feed: %s", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), 1)
                continue
            for update in updates:
                offset = update.update_id + 1
                # Re-read with the Application's bot, so replies go through its ChannelRequest.
                again = Update.de_json(update.to_dict(), self._app.bot)
                await self._app.update_queue.put(again)
        if offset:  # confirm what was taken, or the next demo would take it again
            with contextlib.suppress(TelegramError):
                await self._bot.get_updates(offset=offset, timeout=0)


@dataclass
class WechatSide:
    """The running emulator and bridge, with their addresses."""

    world: World
    settings: WechatSettings
    emulator_url: str
    bridge_url: str


def wechat_demo_settings(**extra: object) -> WechatSettings:
    """The bridge's settings for the demo account (the emulator's address is set later)."""
    values: dict[str, object] = {
        "app_id": DEMO_APP_ID,
        "secret": DEMO_APP_SECRET,
        "token": DEMO_WECHAT_TOKEN,
        "aes_key": DEMO_AES_KEY,
        "encryption": "safe",
        "listen": "127.0.0.1:0",
        "_env_file": None,
    }
    return load_wechat_settings(**{**values, **extra})


@contextlib.asynccontextmanager
async def wechat_side(settings: Settings) -> AsyncIterator[WechatSide]:
    """Serve the emulated WeChat and the bridge (on the demo's database) on free ports."""
    world = World(app_id=DEMO_APP_ID, secret=DEMO_APP_SECRET)
    player = Player(world, callback_url="", token=DEMO_WECHAT_TOKEN, aes_key=DEMO_AES_KEY)
    emulator, emulator_port = await start_web(build_emulator_app(world, player), "127.0.0.1", 0)
    engine = create_engine(settings.database_url)
    try:
        emulator_url = f"http://127.0.0.1:{emulator_port}"
        # The bridge's document links name its own port, known once it listens: a free one.
        bridge_port = _free_port()
        wechat = wechat_demo_settings(
            api_url=emulator_url, public_url=f"http://127.0.0.1:{bridge_port}"
        )
        bridge_app = build_wechat_app(
            wechat, create_session_factory(engine), bot_token=settings.token()
        )
        bridge, _port = await start_web(bridge_app, "127.0.0.1", bridge_port)
        try:
            bridge_url = f"http://127.0.0.1:{bridge_port}"
            player.callback_url = bridge_url + wechat.path
            for openid, *_rest in DEMO_WECHAT_PEOPLE:
                world.follow(openid)  # she follows the account already
            yield WechatSide(world, wechat, emulator_url, bridge_url)
        finally:
            await bridge.cleanup()
    finally:
        await emulator.cleanup()
        await engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def seed_wechat_people(session: AsyncSession) -> dict[str, int]:
    """The WeChat demo residents, onboarded, with their bridge rows (idempotent): chat ids."""
    places = await seed_places(session)  # code → id, for towns and communities
    chats: dict[str, int] = {}
    for openid, name, town, community in DEMO_WECHAT_PEOPLE:
        follower = await user_for(session, openid, now=utcnow())
        chat_id = chat_id_of(row_id(follower))
        chats[openid] = chat_id
        if await find_person(session, chat_id) is not None:
            continue
        phone = f"+86139{chat_id % 100_000_000:08d}"
        now = utcnow()
        session.add(
            Person(
                tg_user_id=chat_id,
                chat_id=chat_id,
                display_name=name,
                town_id=places[town],
                community_id=places[community],
                language="zh_CN",
                phone=phone,
                phone_key=phone_key(phone),
                consent_at=now,
                onboarded_at=now,
            )
        )
    await session.flush()
    return chats


__all__ = ["ACCOUNT_NAME", "ChannelRequest", "WechatFeed", "seed_wechat_people", "wechat_side"]
