"""The emulator's HTTP face: WeChat's API for the bridge, and a control API playing users.

API (as ``api.weixin.qq.com``): ``/cgi-bin/token``, ``/cgi-bin/message/custom/send``,
``/cgi-bin/message/template/send``, ``/cgi-bin/media/upload``, ``/cgi-bin/media/get``;
WeChat's JSON answers and error codes (``world``). While ``world.outage`` is set every API
call is answered 503, as when WeChat cannot be reached.

Control (for tests and the demo): ``POST /control/{text,voice,image,tap,click,follow,
unfollow}`` with JSON ``{"openid": ..., ...}`` sends that act to the bridge's callback, signed
and (safe mode) encrypted as WeChat does, and answers the callback's status; ``GET
/control/inbox`` ``?openid=`` is what that user received.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import time
from typing import Any

import aiohttp
from aiohttp import web

from channels.wechat.crypto import MessageCrypto, sign
from channels.wechat.emulator.world import CONTENT_TYPES, OK, WechatError, World
from channels.wechat.xml import write_xml

ACCOUNT = "gh_tongxin"
FAKE_AMR = b"#!AMR\n"  # a voice note's bytes when the test gives none (AMR's magic number)
FAKE_JPEG = b"\xff\xd8\xff\xe0"  # likewise a picture's (JPEG's)


class Player:
    """Plays WeChat's app and servers towards the bridge's callback URL."""

    def __init__(self, world: World, *, callback_url: str, token: str, aes_key: str | None) -> None:
        self.world = world
        self.callback_url = callback_url
        self.token = token
        self.crypto = (
            None
            if aes_key is None
            else MessageCrypto(token=token, encoding_aes_key=aes_key, app_id=world.app_id)
        )
        self._msg_ids = itertools.count(int(time.time()) * 1000)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()

    async def _post(self, openid: str, fields: dict[str, str | int]) -> int:
        head: dict[str, str | int] = {
            "ToUserName": ACCOUNT,
            "FromUserName": openid,
            "CreateTime": int(self.world.clock().timestamp()),
        }
        xml = write_xml({**head, **fields})
        stamp, nonce = str(head["CreateTime"]), secrets.token_hex(5)
        query = {"signature": sign(self.token, stamp, nonce), "timestamp": stamp, "nonce": nonce}
        query["openid"] = openid
        body = xml
        if self.crypto is not None:
            encrypted = self.crypto.encrypt(xml)
            query["encrypt_type"] = "aes"
            query["msg_signature"] = self.crypto.signature(stamp, nonce, encrypted)
            body = write_xml({"ToUserName": ACCOUNT, "Encrypt": encrypted})
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(self.callback_url, params=query, data=body) as response:
            await response.read()
            return response.status

    def _message(self, openid: str, msg_type: str, **fields: str | int) -> dict[str, str | int]:
        self.world.follower(openid).following = True  # only a follower can write to the account
        self.world.acted(openid, "message")
        return {"MsgType": msg_type, **fields, "MsgId": next(self._msg_ids)}

    async def text(self, openid: str, content: str) -> int:
        """The user types a text."""
        return await self._post(openid, self._message(openid, "text", Content=content))

    async def voice(self, openid: str, recognition: str, audio: bytes = FAKE_AMR) -> int:
        """The user speaks a voice note (kept as media, ``audio`` its bytes) that WeChat
        recognises as ``recognition`` ("": recognition off, no ``Recognition`` field)."""
        media_id = self.world.keep_media("voice", "voice.amr", audio)
        heard = {"Recognition": recognition} if recognition else {}
        fields = self._message(openid, "voice", MediaId=media_id, Format="amr", **heard)
        return await self._post(openid, fields)

    async def image(self, openid: str, content: bytes) -> int:
        """The user sends a picture (kept as media)."""
        media_id = self.world.keep_media("image", "image.jpg", content)
        fields = self._message(openid, "image", MediaId=media_id, PicUrl="http://mmbiz.invalid/")
        return await self._post(openid, fields)

    async def tap(self, openid: str, menu_id: str, content: str) -> int:
        """The user taps a line of a menu message: WeChat sends the line's text and id."""
        fields = self._message(openid, "text", Content=content, bizmsgmenuid=menu_id)
        return await self._post(openid, fields)

    async def click(self, openid: str, key: str) -> int:
        """The user clicks a custom-menu item with this key."""
        self.world.follower(openid)
        self.world.acted(openid, "event")
        return await self._post(openid, {"MsgType": "event", "Event": "CLICK", "EventKey": key})

    async def follow(self, openid: str, scene: str = "") -> int:
        """The user follows the account (through a QR code with ``scene`` when given)."""
        self.world.follow(openid)
        fields: dict[str, str | int] = {"MsgType": "event", "Event": "subscribe"}
        if scene:
            fields["EventKey"] = f"qrscene_{scene}"
        return await self._post(openid, fields)

    async def unfollow(self, openid: str) -> int:
        """The user unfollows the account."""
        self.world.unfollow(openid)
        return await self._post(openid, {"MsgType": "event", "Event": "unsubscribe"})


WORLD_KEY = web.AppKey("wechat_world", World)
PLAYER_KEY = web.AppKey("wechat_player", Player)


def _answer(code: tuple[int, str], **extra: Any) -> web.Response:
    return web.json_response({"errcode": code[0], "errmsg": code[1], **extra})


def _refused(exc: WechatError) -> web.Response:
    return web.json_response({"errcode": exc.errcode, "errmsg": exc.errmsg})


async def token(request: web.Request) -> web.Response:
    """``GET /cgi-bin/token?grant_type=client_credential&appid=&secret=``."""
    world = request.app[WORLD_KEY]
    query = request.query
    try:
        value, seconds = world.issue_token(query.get("appid", ""), query.get("secret", ""))
    except WechatError as exc:
        return _refused(exc)
    return web.json_response({"access_token": value, "expires_in": seconds})


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def custom_send(request: web.Request) -> web.Response:
    """``POST /cgi-bin/message/custom/send?access_token=``."""
    world = request.app[WORLD_KEY]
    try:
        world.check_token(request.query.get("access_token"))
        world.custom_send(await _body(request))
    except WechatError as exc:
        return _refused(exc)
    return _answer(OK)


async def template_send(request: web.Request) -> web.Response:
    """``POST /cgi-bin/message/template/send?access_token=``."""
    world = request.app[WORLD_KEY]
    try:
        world.check_token(request.query.get("access_token"))
        msgid = world.template_send(await _body(request))
    except WechatError as exc:
        return _refused(exc)
    return _answer(OK, msgid=msgid)


async def upload(request: web.Request) -> web.Response:
    """``POST /cgi-bin/media/upload?access_token=&type=`` with the file as ``media``."""
    world = request.app[WORLD_KEY]
    try:
        world.check_token(request.query.get("access_token"))
    except WechatError as exc:
        return _refused(exc)
    form = await request.post()
    media = form.get("media")
    if not isinstance(media, web.FileField):
        return _answer((41005, "media data missing"))
    content = media.file.read()
    return web.json_response(
        world.upload(request.query.get("type", "image"), media.filename, content)
    )


async def media_get(request: web.Request) -> web.Response:
    """``GET /cgi-bin/media/get?access_token=&media_id=``: the media's bytes, or a JSON error."""
    world = request.app[WORLD_KEY]
    try:
        world.check_token(request.query.get("access_token"))
        media = world.media_get(request.query.get("media_id", ""))
    except WechatError as exc:
        return _refused(exc)
    disposition = f'attachment; filename="{media["filename"]}"'
    return web.Response(
        body=media["content"],
        content_type=CONTENT_TYPES.get(media["type"], "application/octet-stream"),
        headers={"Content-Disposition": disposition},
    )


@web.middleware
async def outage(request: web.Request, handler: Any) -> web.StreamResponse:
    """WeChat's API unreachable while ``world.outage`` is set (the control API still plays)."""
    world = request.app[WORLD_KEY]
    if world.outage and request.path.startswith("/cgi-bin/"):
        world.outage_calls += 1
        if world.outage_ends_after is not None and world.outage_calls >= world.outage_ends_after:
            world.outage = False
        raise web.HTTPServiceUnavailable(text="upstream unavailable")
    response: web.StreamResponse = await handler(request)
    return response


def _bytes(body: dict[str, Any], key: str, default: bytes) -> bytes:
    """An act's media bytes: ``key`` in base64, or ``default``."""
    try:
        return base64.b64decode(str(body[key]), validate=True)
    except (KeyError, ValueError):
        return default


async def control(request: web.Request) -> web.Response:
    """``POST /control/<act>``: play one act of a user towards the bridge."""
    player = request.app[PLAYER_KEY]
    act = request.match_info["act"]
    body = await _body(request)
    openid = str(body.get("openid", ""))
    if not openid:
        raise web.HTTPBadRequest(text="openid missing")
    acts = {
        "text": lambda: player.text(openid, str(body.get("content", ""))),
        "voice": lambda: player.voice(
            openid, str(body.get("recognition", "")), _bytes(body, "audio", FAKE_AMR)
        ),
        "image": lambda: player.image(openid, _bytes(body, "content", FAKE_JPEG)),
        "tap": lambda: player.tap(openid, str(body.get("id", "")), str(body.get("content", ""))),
        "click": lambda: player.click(openid, str(body.get("key", ""))),
        "follow": lambda: player.follow(openid, str(body.get("scene", ""))),
        "unfollow": lambda: player.unfollow(openid),
    }
    if act not in acts:
        raise web.HTTPNotFound(text=f"no such act: {act}")
    return web.json_response({"status": await acts[act]()})


async def inbox(request: web.Request) -> web.Response:
    """``GET /control/inbox?openid=``: what the account sent this user, and what was refused."""
    user = request.app[WORLD_KEY].follower(request.query.get("openid", ""))
    refused = [{"errcode": code, "body": body} for code, body in user.refused]
    return web.json_response({"inbox": user.inbox, "refused": refused})


def build_emulator_app(world: World, player: Player) -> web.Application:
    """The emulator's aiohttp app (WeChat's API and the control API)."""
    app = web.Application(middlewares=[outage])
    app[WORLD_KEY] = world
    app[PLAYER_KEY] = player
    app.router.add_get("/cgi-bin/token", token)
    app.router.add_post("/cgi-bin/message/custom/send", custom_send)
    app.router.add_post("/cgi-bin/message/template/send", template_send)
    app.router.add_post("/cgi-bin/media/upload", upload)
    app.router.add_get("/cgi-bin/media/get", media_get)
    app.router.add_post("/control/{act}", control)
    app.router.add_get("/control/inbox", inbox)

    async def close_player(_: web.Application) -> None:
        await player.close()

    app.on_cleanup.append(close_player)
    return app
