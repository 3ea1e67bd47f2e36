"""Playing WeChat against the bridge: signed (and encrypted) callbacks, and the queued updates."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.db import create_engine, create_session_factory
from channels.wechat.crypto import MessageCrypto, sign
from channels.wechat.server import build_wechat_app
from channels.wechat.settings import WechatSettings, load_wechat_settings
from channels.wechat.store import confirm_updates, fetch_updates
from channels.wechat.tables import WechatUpdate
from channels.wechat.xml import write_xml

TOKEN = "tongxin-wechat-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0123456789abcdef"
ACCOUNT = "gh_tongxin"
OPENID = "oTONGXIN_resident_0001"
MENU = {"BOOK": "预约", "HELP": "帮助"}


def wechat_settings(**overrides: Any) -> WechatSettings:
    """The bridge's settings for tests (safe mode unless told)."""
    values: dict[str, Any] = {
        "app_id": APP_ID,
        "token": TOKEN,
        "aes_key": AES_KEY,
        "menu": MENU,
        "_env_file": None,
    }
    return load_wechat_settings(**{**values, **overrides})


def callback_xml(msg_type: str, *, openid: str = OPENID, **fields: str | int) -> str:
    """A callback as WeChat writes it (``CreateTime`` now unless given)."""
    head: dict[str, str | int] = {
        "ToUserName": ACCOUNT,
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": msg_type,
    }
    return write_xml({**head, **fields})


class Wechat:
    """WeChat's side of the callback: signs, encrypts and posts, as WeChat would."""

    def __init__(self, client: TestClient, settings: WechatSettings) -> None:  # type: ignore[type-arg]
        self.client = client
        self.settings = settings
        self.crypto = MessageCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID)

    def query(self, *, timestamp: int | None = None, token: str = TOKEN) -> dict[str, str]:
        """The signed query string WeChat adds to every callback."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(5)
        return {"signature": sign(token, stamp, nonce), "timestamp": stamp, "nonce": nonce}

    async def post(
        self, xml: str | bytes, *, safe: bool = True, timestamp: int | None = None, **extra: str
    ) -> tuple[int, str]:
        """POST one callback; (status, body)."""
        query = {**self.query(timestamp=timestamp), "openid": OPENID}
        body: str | bytes = xml
        if safe:
            encrypted = self.crypto.encrypt(xml if isinstance(xml, str) else xml.decode())
            query["encrypt_type"] = "aes"
            query["msg_signature"] = self.crypto.signature(
                query["timestamp"], query["nonce"], encrypted
            )
            body = write_xml({"ToUserName": ACCOUNT, "Encrypt": encrypted})
        query.update(extra)
        response = await self.client.post(self.settings.path, params=query, data=body)
        return response.status, await response.text()


@asynccontextmanager
async def running_bridge(
    database_url: str, settings: WechatSettings | None = None, bot_token: str | None = None
) -> AsyncIterator[Wechat]:
    """The bridge's app on a database, served on a local port, with WeChat's side to play
    (and with ``bot_token`` the Bot API face; no access log, which would show the token)."""
    settings = settings or wechat_settings()
    engine = create_engine(database_url)
    app = build_wechat_app(settings, create_session_factory(engine), bot_token=bot_token)
    server = TestServer(app, host="127.0.0.1", access_log=None)
    client: TestClient = TestClient(server)  # type: ignore[type-arg]
    await client.start_server()
    try:
        yield Wechat(client, settings)
    finally:
        await client.close()
        await engine.dispose()


async def queued(database_url: str, offset: int = 0) -> list[dict[str, Any]]:
    """The updates waiting for the bot (``getUpdates`` from ``offset``)."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            await confirm_updates(session, offset=offset)
            return await fetch_updates(session, offset=offset)
    finally:
        await engine.dispose()


async def queue_length(database_url: str) -> int:
    """How many updates wait in the queue."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return int(
                (await session.execute(select(func.count()).select_from(WechatUpdate))).scalar_one()
            )
    finally:
        await engine.dispose()
