"""One bot, both channels: the send router and the WeChat update feed (docs/wechat.md).

With ``TONGXIN_WECHAT_BRIDGE_URL`` set, the one Application (its handlers, conversations,
persistence, jobs and outbox pump) serves Telegram and the WeChat bridge at once:

- **sends**: every request object that sends (the Application's, the pump's, the worker's) is
  wrapped in :class:`ChannelRequest`, which sends a call naming a WeChat chat (chat ids from
  ``2**52``, callback queries ``wx…``) to the bridge and every other call to Telegram;
- **updates**: beside the updater (or the webhook), :class:`WechatFeed` long-polls the bridge's
  ``getUpdates`` and puts what it gets on the same Application's update queue.

Unset, nothing here is used and the bot is Telegram-only, exactly as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.context import TongxinApplication
from bot.settings import Settings
from channels.wechat.media import FILE_ID_PREFIX, FILE_PATH_PREFIX
from channels.wechat.tables import CHAT_ID_BASE, CHAT_ID_LIMIT

logger = logging.getLogger(__name__)

#: Seconds one long poll of the bridge lasts (as PTB's updater polls Telegram).
POLL_SECONDS = 10
#: Seconds between tries while the bridge does not answer; the last one repeats.
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
#: Seconds a stop waits for the feed's last poll and its confirmation.
STOP_SECONDS = 5.0


def is_wechat_call(parameters: dict[str, Any]) -> bool:
    """Whether a Bot API call names a WeChat chat, a callback query or a media from WeChat."""
    for name in ("chat_id", "user_id"):
        value = parameters.get(name)
        with contextlib.suppress(TypeError, ValueError):
            if value is not None and CHAT_ID_BASE < int(value) < CHAT_ID_LIMIT:
                return True
    if str(parameters.get("file_id", "")).startswith(FILE_ID_PREFIX):
        return True  # getFile of a WeChat voice note or picture
    return str(parameters.get("callback_query_id", "")).startswith("wx")


def _file_url(api_url: str) -> str:
    """The Bot API file URL beside an API URL ending in ``/bot`` (as ``Settings.file_url``)."""
    return api_url.removesuffix("/bot") + "/file/bot"


class ChannelRequest(BaseRequest):
    """Sends each Bot API call to Telegram, or to the bridge when it names a WeChat chat."""

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
                url = self._bridge_files + rest  # a WeChat media's download
        return await self._inner.do_request(url, method, request_data, **timeouts)


def routed(
    settings: Settings, request: BaseRequest | None = None, *, pool: int = 1
) -> BaseRequest | None:
    """``request`` behind the router when the bot also serves WeChat; else as given.

    Without a request of its own the router gets an ``HTTPXRequest`` of ``pool`` connections,
    what PTB would have built (256 for an Application, 1 for a plain Bot).
    """
    bridge = settings.wechat_bridge_url
    if not bridge:
        return request
    inner = request or HTTPXRequest(connection_pool_size=pool)
    return ChannelRequest(settings.bot_api_url, bridge, inner)


class WechatFeed:
    """Long-polls the bridge's ``getUpdates`` and hands the updates to the bot's Application.

    The bridge keeps an update until a later poll confirms it (``offset``), so a stop confirms
    what the feed took (the Application handles it before it stops); a poll cut short by a stop
    confirms nothing and its updates come again. While the bridge does not answer, the feed
    logs a warning (never the token) and tries again after a growing pause: the bot goes on
    serving Telegram.
    """

    def __init__(
        self,
        app: TongxinApplication,
        token: str,
        bridge_url: str,
        *,
        poll_seconds: int = POLL_SECONDS,
        backoff: Sequence[float] = BACKOFF,
    ) -> None:
        self._app = app
        self._token = token
        self._bridge = bridge_url
        self._bot = Bot(
            token, base_url=bridge_url, request=HTTPXRequest(), get_updates_request=HTTPXRequest()
        )
        self._poll_seconds = poll_seconds
        self._backoff = tuple(backoff) or BACKOFF
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._offset = 0
        self.failures = 0  # polls in a row the bridge did not answer

    async def start(self) -> None:
        """Start polling in the background (the bridge need not be up yet)."""
        self._task = asyncio.create_task(self._run(), name="wechat-feed")

    async def stop(self) -> None:
        """Stop polling, confirm what was taken, and close the connections."""
        self._stopping.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, STOP_SECONDS)
            except TimeoutError:
                logger.warning("WeChat feed: the last poll did not end in time")
            self._task = None
        if self._offset:
            try:
                await asyncio.wait_for(
                    self._bot.get_updates(offset=self._offset, timeout=0), STOP_SECONDS
                )
            except Exception as exc:  # they come again after the restart, and are handled twice
                why = self._why(exc)
                logger.warning("WeChat feed: could not confirm the last updates (%s)", why)
        with contextlib.suppress(Exception):
            await self._bot.shutdown()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                updates = await self._poll()
            except Exception as exc:
                pause = self._backoff[min(self.failures, len(self._backoff) - 1)]
                self.failures += 1
                logger.warning(
                    "WeChat feed: the bridge at %s did not answer (%s); trying again in %.0f s",
                    self._bridge,
                    self._why(exc),
                    pause,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), pause)
                continue
            if self.failures:
                logger.info("WeChat feed: the bridge answers again")
                self.failures = 0
            for update in updates:
                self._offset = max(self._offset, update.update_id + 1)
                try:
                    # Re-read with the Application's bot, so replies go through its router.
                    again = Update.de_json(update.to_dict(), self._app.bot)
                except Exception:  # a malformed update is skipped, never a crash
                    logger.warning("WeChat feed: update %s could not be read", update.update_id)
                    continue
                await self._app.update_queue.put(again)

    async def _poll(self) -> tuple[Update, ...]:
        """One long poll, cut short (nothing taken, nothing confirmed) when the feed stops."""

        async def poll() -> tuple[Update, ...]:
            await self._bot.initialize()  # once: getMe, which checks the token
            return await self._bot.get_updates(offset=self._offset, timeout=self._poll_seconds)

        polling = asyncio.ensure_future(poll())
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not polling.done():
                polling.cancel()
                with contextlib.suppress(BaseException):
                    await polling
        if polling.cancelled():
            return ()
        return polling.result()

    def _why(self, exc: BaseException) -> str:
        """The error's kind and message, without the token (PTB's InvalidToken names it)."""
        return f"{type(exc).__name__}: {exc}".replace(self._token, "<token>")


__all__ = ["ChannelRequest", "WechatFeed", "is_wechat_call", "routed"]
