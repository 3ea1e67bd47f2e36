"""The WeChat callback endpoint: URL check (GET) and messages (POST, plain or safe mode).

Every POST is authenticated (``signature``, and ``msg_signature`` in safe mode: 403 otherwise),
fresh (``timestamp`` within the replay window: 403 otherwise), bounded (413) and well-formed
(400), then accepted once in one transaction (``store.accept``) before WeChat gets its answer:
"success", or a passive reply with the polite line for a message the bot cannot take. The bot's
own answers go out later as customer-service messages (``outbound``), documents are served
at ``<path>/file/<id>`` behind a signed, expiring link (``sends``), and WeChat's media to the
bot at ``/file/bot<token>/wx/<MediaId>`` (``media``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.api import WechatApi
from channels.wechat.botapi import BotApi, UpdateSignal, bot_user
from channels.wechat.crypto import (
    BadCiphertext,
    BadSignature,
    MessageCrypto,
    WrongAppId,
    check_signature,
)
from channels.wechat.documents import Documents
from channels.wechat.inbound import BadCallback, Callback, Unsupported, read_callback
from channels.wechat.media import MediaFiles
from channels.wechat.outbound import Outbound
from channels.wechat.sends import Sends
from channels.wechat.settings import WechatSettings
from channels.wechat.store import Accepted, accept, forget_documents, forget_seen
from channels.wechat.xml import BadXml, read_xml, write_xml
from models.core.base import utcnow

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SUCCESS = "success"
SEEN_KEPT = timedelta(days=1)  # how long a callback's dedup key is kept
HOUSEKEEPING_EVERY = 3600.0  # seconds


class Bridge:
    """What the endpoint needs: settings, crypto, the database sessions and the clock."""

    def __init__(
        self,
        settings: WechatSettings,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock = utcnow,
    ) -> None:
        self.settings = settings
        self.token = settings.token_value()
        aes = settings.aes_key_value()
        self.crypto = (
            None
            if aes is None
            else MessageCrypto(token=self.token, encoding_aes_key=aes, app_id=settings.app_id)
        )
        self.sessions = sessions
        self.clock = clock
        self.signal = UpdateSignal()
        self.api: WechatApi | None = None
        self.outbound: Outbound | None = None
        self.link_key = self.token + (settings.secret.get_secret_value() if settings.secret else "")


BRIDGE_KEY = web.AppKey("wechat_bridge", Bridge)


def build_wechat_app(
    settings: WechatSettings,
    sessions: async_sessionmaker[AsyncSession],
    *,
    clock: Clock = utcnow,
    bot_token: str | None = None,
) -> web.Application:
    """The callback app, and with ``bot_token`` the Bot API face the bot polls
    (``botapi``); ``WechatSettingsError`` when the settings cannot serve it."""
    app = web.Application(client_max_size=settings.max_body_bytes)
    bridge = Bridge(settings, sessions, clock)
    app[BRIDGE_KEY] = bridge
    app.router.add_get(settings.path, verify_url)
    app.router.add_post(settings.path, receive)
    documents = Documents(sessions, bridge.link_key, clock)
    app.router.add_get(settings.path.rstrip("/") + "/file/{id}", documents.download)
    if bot_token:
        sends = _outbound(bridge, bot_token) if settings.secret is not None else None
        media = MediaFiles(bridge.api) if bridge.api is not None else None
        api = BotApi(bot_token, sessions, bridge.signal, sends, media)
        app.router.add_route("*", "/bot{token}/{method}", api.handle)
        app.router.add_get("/file/bot{token}/{path:.+}", api.download)
    app.cleanup_ctx.append(_housekeeping)
    app.on_cleanup.append(_close_outbound)
    return app


def _outbound(bridge: Bridge, bot_token: str) -> Sends:
    settings = bridge.settings
    bridge.api = WechatApi(
        base_url=settings.api_url,
        app_id=settings.app_id,
        secret=settings.secret_value(),
        sessions=bridge.sessions,
        clock=bridge.clock,
    )
    bridge.outbound = Outbound(
        sessions=bridge.sessions,
        api=bridge.api,
        quota=settings.quota,
        settle_seconds=settings.settle_seconds,
        clock=bridge.clock,
        templates=settings.templates,
        retry_seconds=settings.retry_seconds,
    )
    return Sends(
        sessions=bridge.sessions,
        outbound=bridge.outbound,
        api=bridge.api,
        bot=bot_user(bot_token),
        link_key=bridge.link_key,
        public_url=settings.public_url,
        file_path=settings.path.rstrip("/") + "/file",
        download_seconds=settings.download_seconds,
        foreign_media_note=settings.foreign_media_note,
        clock=bridge.clock,
    )


async def _close_outbound(app: web.Application) -> None:
    bridge = app[BRIDGE_KEY]
    if bridge.outbound is not None:
        await bridge.outbound.close()
    if bridge.api is not None:
        await bridge.api.close()


async def keep_house(bridge: Bridge) -> int:
    """Forget dedup keys older than ``SEEN_KEPT`` (how many were forgotten) and documents
    whose link has expired."""
    now = bridge.clock()
    async with bridge.sessions() as session, session.begin():
        await forget_documents(session, now=now)
        return await forget_seen(session, before=now - SEEN_KEPT)


async def _housekeeping(app: web.Application) -> AsyncIterator[None]:
    """While the app runs: ``keep_house`` at once, then every hour."""
    stop = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            try:
                forgotten = await keep_house(app[BRIDGE_KEY])
                logger.debug("%d old callback keys forgotten", forgotten)
            except Exception:  # a busy database now is no reason to stop forgetting later
                logger.exception("forgetting old callback keys failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), HOUSEKEEPING_EVERY)

    task = asyncio.create_task(loop())
    yield
    # Let a pass in progress finish: a query cancelled midway leaves its driver thread behind.
    stop.set()
    await task


def _authenticate(request: web.Request) -> tuple[str, str]:
    """Check ``signature`` and the replay window; the timestamp and nonce, or 403."""
    bridge = request.app[BRIDGE_KEY]
    query = request.query
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    try:
        check_signature(bridge.token, query.get("signature", ""), timestamp, nonce)
    except BadSignature:
        raise web.HTTPForbidden(text="bad signature") from None
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise web.HTTPForbidden(text="bad timestamp")
    skew = abs(bridge.clock().timestamp() - int(timestamp))
    if skew > bridge.settings.replay_window_seconds:
        raise web.HTTPForbidden(text="timestamp outside the replay window")
    return timestamp, nonce


async def verify_url(request: web.Request) -> web.Response:
    """WeChat's server URL check: echo ``echostr`` when the signature is right."""
    _authenticate(request)
    echostr = request.query.get("echostr", "")
    if not echostr:
        raise web.HTTPBadRequest(text="echostr missing")
    return web.Response(text=echostr)


async def receive(request: web.Request) -> web.Response:
    """One message or event from WeChat, accepted once; "success" or a passive reply."""
    bridge = request.app[BRIDGE_KEY]
    timestamp, nonce = _authenticate(request)
    encrypted = request.query.get("encrypt_type", "raw").lower() == "aes"
    mode = bridge.settings.encryption
    if (encrypted and bridge.crypto is None) or (not encrypted and mode == "safe"):
        raise web.HTTPForbidden(text=f"this account is in {mode} mode")
    limit = bridge.settings.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    body = await request.read()  # beyond client_max_size (the same limit): 413 too
    try:
        fields = read_xml(body, limit=limit)
        if encrypted:
            fields = _open(request, fields, timestamp, nonce)
        callback = read_callback(fields)
    except (BadXml, BadCallback, BadCiphertext) as exc:
        raise web.HTTPBadRequest(text=f"malformed message: {exc}") from None
    try:
        async with asyncio.timeout(bridge.settings.answer_seconds):
            result = await _accept(bridge, callback)
    except TimeoutError:
        logger.warning(
            "a %s callback took too long to store: 503, WeChat retries", callback.msg_type
        )
        raise web.HTTPServiceUnavailable(text="busy") from None
    if isinstance(result, Accepted) and result.update_id is not None:
        bridge.signal.queued()
    if isinstance(result, Accepted) and isinstance(result.outcome, Unsupported):
        return _reply_text(request, callback, bridge.settings.unsupported_reply, encrypted)
    return web.Response(text=SUCCESS)


def _open(
    request: web.Request, outer: dict[str, str], timestamp: str, nonce: str
) -> dict[str, str]:
    crypto = request.app[BRIDGE_KEY].crypto
    if crypto is None:  # checked by the caller; kept for the type checker
        raise web.HTTPForbidden(text="not in safe mode")
    encrypt = outer.get("Encrypt", "")
    if not encrypt:
        raise BadXml("Encrypt missing")
    try:
        inner = crypto.open(
            msg_signature=request.query.get("msg_signature", ""),
            timestamp=timestamp,
            nonce=nonce,
            encrypted=encrypt,
        )
    except (BadSignature, WrongAppId) as exc:
        raise web.HTTPForbidden(text=str(exc)) from None
    return read_xml(inner, limit=request.app[BRIDGE_KEY].settings.max_body_bytes)


async def _accept(bridge: Bridge, callback: Callback) -> object:
    async with bridge.sessions() as session, session.begin():
        return await accept(
            session,
            callback,
            now=bridge.clock(),
            menu_texts=bridge.settings.menu,
            first_name=bridge.settings.display_name,
        )


def _reply_text(
    request: web.Request, callback: Callback, text: str, encrypted: bool
) -> web.Response:
    """A passive text reply (free of WeChat's quota), encrypted in safe mode."""
    bridge = request.app[BRIDGE_KEY]
    now = int(bridge.clock().timestamp())
    reply = write_xml(
        {
            "ToUserName": callback.openid,
            "FromUserName": callback.fields.get("ToUserName", ""),
            "CreateTime": now,
            "MsgType": "text",
            "Content": text,
        }
    )
    if not encrypted or bridge.crypto is None:
        return web.Response(text=reply, content_type="application/xml")
    nonce, stamp = secrets.token_hex(8), str(now)
    sealed = bridge.crypto.encrypt(reply)
    envelope = write_xml(
        {
            "Encrypt": sealed,
            "MsgSignature": bridge.crypto.signature(stamp, nonce, sealed),
            "TimeStamp": now,
            "Nonce": nonce,
        }
    )
    return web.Response(text=envelope, content_type="application/xml")
