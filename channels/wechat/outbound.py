"""The bot's sends to WeChat followers: buffered per chat, merged, counted, sent or recorded.

Which sends answer which update: the bot answers an update with a burst of calls, so the bridge
holds a chat's sends until ``settle_seconds`` have passed without another one to that chat
(each send restarts the wait), then merges the burst (``pieces.merge``) and sends it. A reply
is thus late by the settle time (0.4 s by default), and the bot's single answer to one update
is never spread over more customer-service messages than it needs.

Each merged message is counted against the follower's window (``quota.take``) before it goes.
One that cannot go (no open window, no quota left, WeChat refusing it) is written to
``wechat_undelivered`` with the reason, never dropped silently. ``proactive`` is the hook for the
next step, template messages: given the follower's openid and the message, it returns None
when it delivered it another way, or the reason it could not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.api import WechatApi, WechatApiError
from channels.wechat.pieces import Outgoing, Piece, merge, wechat_body
from channels.wechat.quota import Quota, give_back, take
from channels.wechat.store import remember_button
from channels.wechat.tables import WechatUndelivered, WechatUser, user_id_of
from models.core.base import row_id

logger = logging.getLogger(__name__)

Proactive = Callable[[str, Outgoing], Awaitable[str | None]]
# WeChat's answers that mean "not to this follower now", not "try again later".
REFUSALS = frozenset({45015, 45047, 43004, 40003, 48002})


async def no_template(openid: str, message: Outgoing) -> str | None:
    """The default ``proactive`` hook: template messages are not built yet."""
    return "no template message for it yet"


class Outbound:
    """Buffers, merges and delivers what the bot sends to WeChat chats."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        api: WechatApi,
        quota: Quota,
        settle_seconds: float,
        clock: Callable[[], datetime],
        proactive: Proactive = no_template,
    ) -> None:
        self._sessions = sessions
        self._api = api
        self._quota = quota
        self._settle = settle_seconds
        self._clock = clock
        self._proactive = proactive
        self._pending: dict[int, list[Piece]] = {}
        self._timers: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def add(self, chat_id: int, piece: Piece) -> None:
        """Hold one send for this chat; it goes when the chat's burst has settled."""
        self._pending.setdefault(chat_id, []).append(piece)
        timer = self._timers.pop(chat_id, None)
        if timer is not None:
            timer.cancel()
        self._timers[chat_id] = asyncio.create_task(self._after_settling(chat_id))

    async def _after_settling(self, chat_id: int) -> None:
        await asyncio.sleep(self._settle)
        self._timers.pop(chat_id, None)
        try:
            await self.flush(chat_id)
        except Exception:  # one follower's failure must not stop the others' messages
            logger.exception("sending a WeChat burst failed")

    async def flush_all(self) -> None:
        """Send every held burst now (tests, and shutting down)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for chat_id in list(self._pending):
            await self.flush(chat_id)
        for lock in list(self._locks.values()):  # and wait for bursts already on their way
            async with lock:
                pass

    async def close(self) -> None:
        """Send what is held, then stop."""
        await self.flush_all()

    async def flush(self, chat_id: int) -> None:
        """Merge and deliver the chat's held sends, in order."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            pieces = self._pending.pop(chat_id, [])
            user_id = user_id_of(chat_id)
            if not pieces or user_id is None:
                return
            async with self._sessions() as session:
                user = await session.get(WechatUser, user_id)
                openid = user.openid if user is not None else None
            if openid is None:
                logger.warning("a send to a WeChat chat with no follower: dropped")
                return
            for message in merge(pieces):
                await self._deliver(chat_id, user_id, openid, message)

    async def _deliver(self, chat_id: int, user_id: int, openid: str, message: Outgoing) -> None:
        now = self._clock()
        async with self._sessions() as session, session.begin():
            room = await take(session, user_id=user_id, quota=self._quota, now=now)
            line_ids = []
            if room.ok:
                for line, message_id in message.lines:
                    line_ids.append(
                        await remember_button(
                            session,
                            chat_id=chat_id,
                            text=line.text,
                            callback_data=line.callback_data,
                            message_id=message_id if line.callback_data is not None else None,
                            now=now,
                        )
                    )
        if not room.ok:
            await self._not_by_customer_service(user_id, openid, message, room.reason)
            return
        try:
            await self._api.send(wechat_body(openid, message, line_ids))
        except WechatApiError as exc:
            if exc.errcode not in REFUSALS:
                async with self._sessions() as session, session.begin():
                    await give_back(session, user_id=user_id, now=now, quota=self._quota)
            await self._not_by_customer_service(user_id, openid, message, str(exc))

    async def _not_by_customer_service(
        self, user_id: int, openid: str, message: Outgoing, reason: str
    ) -> None:
        other = await self._proactive(openid, message)
        if other is None:
            return
        await self.record_undelivered(user_id, message, f"{reason}; {other}")

    async def record_undelivered(self, user_id: int, message: Outgoing, reason: str) -> None:
        """Write down a message that could not reach the follower, with the reason."""
        async with self._sessions() as session, session.begin():
            row = WechatUndelivered(
                user_id=user_id,
                reason=reason[:200],
                summary=message.summary(),
                created_at=self._clock(),
            )
            session.add(row)
            await session.flush()
            logger.info("WeChat message %s not deliverable: %s", row_id(row), reason)
