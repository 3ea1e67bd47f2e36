"""The bot's sends to WeChat followers: buffered per chat, merged, counted, sent or recorded.

Which sends answer which update: the bot answers an update with a burst of calls, so the bridge
holds a chat's sends until ``settle_seconds`` have passed without another one to that chat
(each send restarts the wait), then merges the burst (``pieces.merge``) and sends it. A reply
is thus late by the settle time (0.4 s by default), and the bot's single answer to one update
is never spread over more customer-service messages than it needs.

Each merged message is counted against the follower's window (``quota.take``) before it goes.
When WeChat's API does not answer, the message is sent again after each of ``retry_seconds``
(the chat's later bursts wait behind it, so the order holds). One that cannot go (no open
window, no quota left, WeChat refusing it or still unreachable) is written to
``wechat_undelivered`` with the reason, never dropped silently.

An outbox send (``Piece.proactive``: the pump named its message id and parameters) is decided
at once (``send_proactive``): with room in a window it joins the burst as any send; without,
it goes as its template message (``templates``) or raises ``NotDeliverable``, which the Bot
API face answers with a 403 the outbox counts as unreachable. ``proactive`` is the hook that
sends the template (given the follower's openid and the message, None when delivered, else
why not); it is also tried when a held outbox send finds its window gone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.api import UNREACHABLE, WechatApi, WechatApiError
from channels.wechat.pieces import Outgoing, Piece, merge, wechat_body
from channels.wechat.quota import OUT_OF_WINDOW, Quota, give_back, has_room, take
from channels.wechat.store import remember_button
from channels.wechat.tables import WechatUndelivered, WechatUser, user_id_of
from channels.wechat.templates import NoTemplate, TemplateSpec, template_body
from models.core.base import row_id

logger = logging.getLogger(__name__)

ProactiveHook = Callable[[str, Outgoing], Awaitable[str | None]]
# WeChat's answers that mean "not to this follower now", not "try again later".
REFUSALS = frozenset({45015, 45047, 43004, 40003, 48002})
UNFOLLOWED = 43004


class NotDeliverable(Exception):
    """An outbox send that can go neither way; ``blocked``: the follower unfollowed,
    ``transient``: WeChat did not answer (worth a retry)."""

    def __init__(self, reason: str, *, blocked: bool = False, transient: bool = False) -> None:
        super().__init__(reason)
        self.blocked = blocked
        self.transient = transient


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
        templates: Mapping[str, TemplateSpec] | None = None,
        proactive: ProactiveHook | None = None,
        retry_seconds: Sequence[float] = (),
    ) -> None:
        self._sessions = sessions
        self._api = api
        self._quota = quota
        self._settle = settle_seconds
        self._clock = clock
        self._templates = templates or {}
        self._proactive = proactive or self.by_template
        self._retries = tuple(retry_seconds)
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
            await self._send_retrying(wechat_body(openid, message, line_ids))
        except WechatApiError as exc:
            if exc.errcode not in REFUSALS:
                async with self._sessions() as session, session.begin():
                    await give_back(session, user_id=user_id, now=now, quota=self._quota)
            await self._not_by_customer_service(user_id, openid, message, str(exc))

    async def _send_retrying(self, body: dict[str, Any]) -> None:
        """A customer-service send, tried again while WeChat does not answer."""
        for delay in self._retries:
            try:
                return await self._api.send(body)
            except WechatApiError as exc:
                if exc.errcode != UNREACHABLE:
                    raise
                logger.warning("WeChat unreachable (%s): trying again in %.1f s", exc, delay)
            await asyncio.sleep(delay)
        try:
            return await self._api.send(body)
        except WechatApiError as exc:
            if exc.errcode == UNREACHABLE and self._retries:
                tries = len(self._retries) + 1
                raise WechatApiError(exc.errcode, f"{exc.errmsg} ({tries} tries)") from None
            raise

    async def _not_by_customer_service(
        self, user_id: int, openid: str, message: Outgoing, reason: str
    ) -> None:
        other = await self._proactive(openid, message)
        if other is None:
            return
        await self.record_undelivered(user_id, message, f"{reason}; {other}")

    async def by_template(self, openid: str, message: Outgoing) -> str | None:
        """The default ``proactive`` hook: the message's template, if it has one."""
        if message.proactive is None:
            return "not an outbox message: no template for it"
        try:
            body = template_body(self._templates, openid, message.proactive)
            await self._api.send_template(body)
        except (NoTemplate, WechatApiError) as exc:
            return str(exc)
        logger.info("WeChat template message sent for %s", message.proactive.msgid)
        return None

    async def send_proactive(self, chat_id: int, piece: Piece) -> None:
        """An outbox send: held with the burst while a window has room, else its template
        now; ``NotDeliverable`` (recorded) when neither can carry it."""
        user_id = user_id_of(chat_id)
        assert user_id is not None and piece.proactive is not None
        async with self._sessions() as session:
            room = await has_room(session, user_id=user_id, quota=self._quota, now=self._clock())
            user = await session.get(WechatUser, user_id)
        if room:
            self.add(chat_id, piece)
            return
        message = merge([piece])[0] if piece.text or piece.media_id else Outgoing()
        message.proactive = piece.proactive
        if user is None:
            raise NotDeliverable("no such follower", blocked=True)
        if piece.proactive.part > 0:
            # The first part went (as the template, which carries the message's words, or in
            # the window); a later part (a QR code, a long text's rest) has no template.
            reason = f"{OUT_OF_WINDOW}; a later part of an outbox message: no template for it"
            await self.record_undelivered(user_id, message, reason)
            return
        why = await self._proactive(user.openid, message)
        if why is None:
            return
        if why.startswith(str(UNREACHABLE)):  # the outbox retries it: not recorded yet
            raise NotDeliverable(why, transient=True)
        await self.record_undelivered(user_id, message, f"{OUT_OF_WINDOW}; {why}")
        raise NotDeliverable(why, blocked=why.startswith(str(UNFOLLOWED)))

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
