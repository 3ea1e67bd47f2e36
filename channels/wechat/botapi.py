"""The Bot API face the bridge shows the unmodified bot.

The bot, pointed here by ``TONGXIN_BOT_API_URL`` with its own token, polls ``getUpdates`` as it
polls Telegram: the updates ``store.accept`` queued, in order; an ``offset`` confirms (deletes)
those before it; ``timeout`` long-polls, woken at once by a callback this process stored and
every second for those another bridge process stored. ``getMe`` and ``deleteWebhook`` answer as
Telegram would; the sends and the start-up settings go to ``sends``, ``getFile`` and the
downloads at ``/file/bot<token>/<file_path>`` to ``media`` (with the account's AppSecret
configured; without it they are "not found").
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.media import MediaError, MediaFiles
from channels.wechat.sends import BotApiError, Sends
from channels.wechat.store import confirm_updates, fetch_updates

logger = logging.getLogger(__name__)

MAX_POLL_SECONDS = 50
POLL_EVERY = 1.0
BOT_NAME = "同心"
BOT_USERNAME = "tongxin_wechat_bot"


def bot_user(token: str) -> dict[str, Any]:
    """The bot's own Bot API ``User`` (its id is the token's first part)."""
    bot_id = int(token.split(":", 1)[0]) if token[:1].isdigit() else 0
    return {"id": bot_id, "is_bot": True, "first_name": BOT_NAME, "username": BOT_USERNAME}


class UpdateSignal:
    """Wakes the long polls of this process when an update is queued."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def queued(self) -> None:
        """An update was just queued."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Wait until the next update is queued, at most ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)


class BotApi:
    """Answers the bot's Bot API calls from the queue."""

    def __init__(
        self,
        token: str,
        sessions: async_sessionmaker[AsyncSession],
        signal: UpdateSignal,
        sends: Sends | None = None,
        media: MediaFiles | None = None,
    ) -> None:
        self._token = token
        self._sessions = sessions
        self._signal = signal
        self._sends = sends
        self._media = media

    def _authorised(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.match_info["token"].encode(), self._token.encode())

    async def download(self, request: web.Request) -> web.Response:
        """A file the bot downloads: ``/file/bot<token>/<file_path>`` (``media``)."""
        if not self._authorised(request):
            return _error(401, "Unauthorized")
        if self._media is None:
            return _error(404, "Not Found")
        try:
            body, kind = await self._media.download(request.match_info["path"])
        except MediaError as exc:
            return _error(exc.code, str(exc))
        return web.Response(body=body, content_type=kind)

    async def handle(self, request: web.Request) -> web.Response:
        """One Bot API call: ``/bot<token>/<method>``."""
        if not self._authorised(request):
            return _error(401, "Unauthorized")
        method = request.match_info["method"].lower()
        params = await _params(request)
        if method == "getupdates":
            return _ok(await self._get_updates(params))
        if method == "getme":
            return _ok(bot_user(self._token))
        if method == "deletewebhook":
            return _ok(True)
        if self._sends is None or self._media is None:
            return _error(404, "Not Found: method not found")
        try:
            if method == "getfile":
                return _ok(self._media.get_file(params))
            return _ok(await self._sends.call(method, params))
        except (BotApiError, MediaError) as exc:
            return _error(exc.code, str(exc))

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        # A negative offset (Telegram: "the last few") is read as 0: the bot never sends one.
        offset = max(_int(params.get("offset"), 0), 0)
        limit = min(max(_int(params.get("limit"), 100), 1), 100)
        timeout = min(max(_int(params.get("timeout"), 0), 0), MAX_POLL_SECONDS)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._sessions() as session, session.begin():
            await confirm_updates(session, offset=offset)
        while True:
            # Reads only: an idle long poll does not write every second.
            async with self._sessions() as session:
                updates = await fetch_updates(session, offset=offset, limit=limit)
            remaining = deadline - loop.time()
            if updates or remaining <= 0:
                return updates
            await self._signal.wait(min(remaining, POLL_EVERY))


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
    else:
        params.update(dict(await request.post()))
    return params


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _error(code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=code, dumps=_dumps)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)
