"""The demo's WeChat side: the emulated WeChat, the bridge, and one bot serving both channels.

The demo runs one bot (one Application, its jobs and its outbox pump) for both channels, as a
deployment does with ``TONGXIN_WECHAT_BRIDGE_URL`` (``bot.channels``: the updater polls the
Telegram sandbox, :class:`WechatFeed` the bridge; :class:`ChannelRequest` sends each call to
the chat's channel). So there is no second copy of the handlers, conversations, persistence or
jobs (docs/wechat.md).
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import ChannelRequest, WechatFeed, is_wechat_call
from bot.db import create_engine, create_session_factory
from bot.settings import Settings
from bot.web import start_web
from channels.wechat.emulator.server import Player, build_emulator_app
from channels.wechat.emulator.world import World
from channels.wechat.server import build_wechat_app
from channels.wechat.settings import WechatSettings, load_wechat_settings
from channels.wechat.store import user_for
from channels.wechat.tables import chat_id_of
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
# Short: the demo's bridge runs in the same process; the poll a stop abandons ends on its own
# within this time, before the bridge stops (so it is not cut short inside a database read).
FEED_POLL_SECONDS = 1


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


__all__ = [
    "ACCOUNT_NAME",
    "FEED_POLL_SECONDS",
    "ChannelRequest",
    "WechatFeed",
    "is_wechat_call",
    "seed_wechat_people",
    "wechat_side",
]
