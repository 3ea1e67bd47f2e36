"""The web chat's WeChat side: a WeChat user's chat, through the emulator's control API.

The sandbox knows nothing of the bridge or the bot: it is given the emulator's address (as it is
given the personas) and talks to it over HTTP. ``POST /control/<act>`` plays the user;
``GET /control/inbox?openid=`` is what the account sent them. What the user said is not in that
inbox, so it is kept here, each act placed after the messages they had received when they acted.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

JSON = dict[str, Any]
OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ACTS = frozenset({"text", "voice", "tap", "follow"})
POLL_EVERY = 0.3  # seconds between looks at the emulator's inboxes during a long-poll


@dataclass
class _Said:
    after: int  # how many messages the user had received when they said it
    entry: JSON


@dataclass
class WechatChats:
    """The emulator's address, the account's name, and what each user said."""

    url: str
    account: str
    said: dict[str, list[_Said]] = field(default_factory=dict)
    _http: aiohttp.ClientSession | None = None

    def client(self) -> aiohttp.ClientSession:
        """One HTTP session to the emulator, opened on first use."""
        if self._http is None or self._http.closed:
            timeout = aiohttp.ClientTimeout(total=10)
            self._http = aiohttp.ClientSession(timeout=timeout)
        return self._http

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._http is not None:
            await self._http.close()

    async def inbox(self, openid: str) -> list[JSON]:
        """What the account sent this user (the emulator's record)."""
        url = f"{self.url}/control/inbox"
        async with self.client().get(url, params={"openid": check_openid(openid)}) as got:
            got.raise_for_status()
            return list((await got.json())["inbox"])

    async def act(self, openid: str, act: str, body: JSON) -> int:
        """Play one act of the user through the emulator; the bridge's answer status."""
        check_openid(openid)
        if act not in ACTS:
            raise ValueError(f"no such act: {act}")
        fields = {k: str(v) for k, v in body.items() if k in ("content", "recognition", "id")}
        received = len(await self.inbox(openid))
        entry = _said_entry(act, fields)
        if entry is not None:
            self.said.setdefault(openid, []).append(_Said(received, entry))
        url = f"{self.url}/control/{act}"
        async with self.client().post(url, json={"openid": openid, **fields}) as got:
            got.raise_for_status()
            return int((await got.json())["status"])

    async def snapshot(self, openid: str) -> JSON:
        """The chat as the page shows it: both sides, in order, numbered."""
        received = await self.inbox(openid)
        said = self.said.get(openid, [])
        messages: list[JSON] = []
        taken = 0
        for index, sent in enumerate(received):
            while taken < len(said) and said[taken].after <= index:
                messages.append({"side": "me", **said[taken].entry})
                taken += 1
            messages.append({"side": "bot", **_received_entry(sent)})
        messages.extend({"side": "me", **s.entry} for s in said[taken:])
        for number, message in enumerate(messages, start=1):
            message["id"] = number
        return {"messages": messages, "account": self.account}

    async def wait_changed(self, known: dict[str, str], seconds: float) -> dict[str, JSON]:
        """The chats whose snapshot differs from the page's digest, waiting up to ``seconds``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            changed: dict[str, JSON] = {}
            for openid, seen in known.items():
                snap = await self.snapshot(openid)
                fingerprint = digest(snap)
                if fingerprint != seen:
                    changed[openid] = {"digest": fingerprint, **snap}
            if changed or loop.time() >= deadline:
                return changed
            await asyncio.sleep(POLL_EVERY)


def check_openid(openid: str) -> str:
    """The openid, if it is one the page may name (ValueError otherwise)."""
    if not OPENID.match(openid):
        raise ValueError("bad openid")
    return openid


def digest(snap: JSON) -> str:
    """A short fingerprint of a snapshot."""
    raw = json.dumps(snap, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _said_entry(act: str, fields: dict[str, str]) -> JSON | None:
    if act == "text":
        return {"kind": "text", "text": fields.get("content", "")}
    if act == "tap":
        return {"kind": "text", "text": fields.get("content", "")}
    if act == "voice":
        return {"kind": "voice", "text": fields.get("recognition", "")}
    return None  # a follow shows nothing of the user's in the chat


def _received_entry(sent: JSON) -> JSON:
    """One message the account sent, as the page draws it."""
    kind = sent.get("msgtype")
    if kind == "text":
        return {"kind": "text", "text": str(sent["text"].get("content", ""))}
    if kind == "msgmenu":
        menu = sent["msgmenu"]
        lines = [
            {"id": str(i.get("id", "")), "text": str(i.get("content", ""))} for i in menu["list"]
        ]
        return {
            "kind": "menu",
            "head": str(menu.get("head_content", "")),
            "lines": lines,
            "tail": str(menu.get("tail_content", "")),
        }
    if kind == "template":
        data = sent.get("data") or {}
        fields = [
            {"key": str(k), "value": str(v.get("value", "") if isinstance(v, dict) else v)}
            for k, v in data.items()
        ]
        title = sent.get("title") or sent.get("template_title") or ""
        return {"kind": "template", "title": str(title), "fields": fields, "url": sent.get("url")}
    if kind == "image":
        return {"kind": "image", "text": ""}
    return {"kind": "other", "text": str(kind)}


WECHAT_KEY = web.AppKey("webchat_wechat", WechatChats)
MAX_WAIT = 25.0
MAX_CHATS = 20
MAX_TEXT = 2048


def _reply(obj: Any) -> web.Response:
    return web.json_response(obj, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def _object(request: web.Request) -> JSON:
    data = await request.json() if request.can_read_body else {}
    if not isinstance(data, dict):
        raise ValueError("JSON object expected")
    return data


async def _updates(request: web.Request) -> web.Response:
    """Long-poll: the WeChat chats that differ from the page's digests."""
    body = await _object(request)
    known = {check_openid(str(k)): str(v) for k, v in dict(body["chats"]).items()}
    if len(known) > MAX_CHATS:
        raise ValueError(f"at most {MAX_CHATS} chats")
    timeout = min(max(float(body.get("timeout", MAX_WAIT)), 0.0), MAX_WAIT)
    return _reply({"chats": await request.app[WECHAT_KEY].wait_changed(known, timeout)})


async def _act(request: web.Request) -> web.Response:
    """The user texts, speaks (a voice note with its recognition), taps a menu line or follows."""
    body = await _object(request)
    text = str(body.get("content", body.get("recognition", "")))
    if request.match_info["act"] in ("text", "voice") and not 0 < len(text.strip()) <= MAX_TEXT:
        raise ValueError(f"text must have 1 to {MAX_TEXT} characters")
    chats = request.app[WECHAT_KEY]
    status = await chats.act(request.match_info["openid"], request.match_info["act"], body)
    return _reply({"ok": status == 200, "status": status})


def add_wechat_routes(app: web.Application, chats: WechatChats) -> None:
    """``/api/wechat/updates`` and ``/api/wechat/<openid>/<act>`` on the web chat's app."""
    app[WECHAT_KEY] = chats
    app.router.add_post("/api/wechat/updates", _updates)
    app.router.add_post("/api/wechat/{openid}/{act}", _act)

    async def close(_: web.Application) -> None:
        await chats.close()

    app.on_cleanup.append(close)
