"""The bridge's rows: accepting a callback once, its user, its menu button, and the update queue.

``accept`` does it all in the caller's transaction, so a callback is either seen and queued or
neither: the HTTP answer goes back only after the commit, and WeChat's retry of a callback
already committed (same ``MsgId``, or the same event of the same user at the same second) is
refused by the ``wechat_seen_message`` key, also after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from channels.wechat.inbound import (
    JSON,
    MAX_ROW_ID,
    Button,
    Callback,
    Chat,
    Deliver,
    Ignored,
    Outcome,
    Unsupported,
    to_update,
)
from channels.wechat.quota import close_windows, open_window
from channels.wechat.tables import (
    WechatDocument,
    WechatMenuButton,
    WechatSeenMessage,
    WechatUpdate,
    WechatUser,
    chat_id_of,
    user_id_of,
)
from models.core.base import row_id, upsert_insert

logger = logging.getLogger(__name__)

# The events after which WeChat lets the account answer (3 messages within a minute).
WINDOW_EVENTS = frozenset({"subscribe", "scan", "click"})


@dataclass(frozen=True)
class Duplicate:
    """A callback already accepted (WeChat's retry): nothing more to do."""

    key: str


@dataclass(frozen=True)
class Accepted:
    """What became of a new callback, and the queued ``update_id`` when there is an update."""

    outcome: Outcome
    chat_id: int
    update_id: int | None = None


async def claim(session: AsyncSession, key: str, *, now: datetime) -> bool:
    """Record a callback's key; False when it was accepted before."""
    try:
        async with session.begin_nested():
            session.add(WechatSeenMessage(key=key, received_at=now))
    except IntegrityError:
        return False
    return True


async def user_for(session: AsyncSession, openid: str, *, now: datetime) -> WechatUser:
    """The follower with this openid, created on their first callback."""
    insert = upsert_insert(session, WechatUser).values(openid=openid, created_at=now)
    await session.execute(insert.on_conflict_do_nothing(index_elements=["openid"]))
    found = await session.execute(select(WechatUser).where(col(WechatUser.openid) == openid))
    user = found.scalar_one()
    if user.chat_id is None:
        user.chat_id = chat_id_of(row_id(user))
        await session.flush()
    return user


async def next_message_id(session: AsyncSession, user_id: int) -> int:
    """The next message id in this user's chat."""
    bumped = await session.execute(
        update(WechatUser)
        .where(col(WechatUser.id) == user_id)
        .values(last_message_id=col(WechatUser.last_message_id) + 1)
        .returning(col(WechatUser.last_message_id))
    )
    return int(bumped.scalar_one())


async def button_for(session: AsyncSession, user_id: int, button_id: int) -> Button | None:
    """The menu line with this id sent to this user (None: unknown, or someone else's)."""
    row = await session.get(WechatMenuButton, button_id)
    if row is None or row.user_id != user_id:
        return None
    sent_at = int(row.created_at.timestamp())
    return Button(
        text=row.text, callback_data=row.callback_data, message_id=row.message_id, sent_at=sent_at
    )


async def accept(
    session: AsyncSession,
    callback: Callback,
    *,
    now: datetime,
    menu_texts: Mapping[str, str],
    first_name: str,
) -> Accepted | Duplicate:
    """Accept one callback: claim it, find its user and button, map it, queue its update."""
    key = callback.dedup_key()
    if not await claim(session, key, now=now):
        logger.info("a %s callback already accepted: a retry, dropped", callback.msg_type)
        return Duplicate(key)
    user = await user_for(session, callback.openid, now=now)
    user_id = row_id(user)
    button = None
    if callback.menu_tap is not None:
        button = await button_for(session, user_id, callback.menu_tap)
    chat = Chat(chat_id=chat_id_of(user_id), first_name=first_name)
    message_id = await next_message_id(session, user_id)
    outcome = to_update(
        callback, chat=chat, message_id=message_id, menu_texts=menu_texts, button=button
    )
    if callback.msg_type != "event":
        user.last_inbound_at = now
        await open_window(session, user_id=user_id, kind="message", now=now)
    elif callback.event in WINDOW_EVENTS:
        await open_window(session, user_id=user_id, kind="event", now=now)
    elif callback.event == "unsubscribe":
        await close_windows(session, user_id=user_id)
    if not isinstance(outcome, Deliver):
        reason = outcome.reason if isinstance(outcome, Unsupported | Ignored) else ""
        logger.info("a %s callback not for the bot: %s", callback.msg_type, reason)
        return Accepted(outcome, chat.chat_id)
    queued = WechatUpdate(payload=outcome.body, created_at=now)
    session.add(queued)
    await session.flush()
    return Accepted(outcome, chat.chat_id, update_id=row_id(queued))


async def forget_seen(session: AsyncSession, *, before: datetime) -> int:
    """Forget the keys of callbacks accepted before ``before``; how many were forgotten.

    WeChat retries a callback three times within about 15 seconds, so a key older than a day
    guards nothing.
    """
    result = await session.execute(
        delete(WechatSeenMessage).where(col(WechatSeenMessage.received_at) < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_documents(session: AsyncSession, *, now: datetime) -> int:
    """Delete the documents whose links have expired; how many."""
    result = await session.execute(
        delete(WechatDocument).where(col(WechatDocument.expires_at) <= now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def confirm_updates(session: AsyncSession, *, offset: int) -> None:
    """The bot has the updates before ``offset``: delete them (they hold what residents said)."""
    if offset > 0:
        last = min(offset - 1, MAX_ROW_ID)  # within the column's range (PostgreSQL checks)
        await session.execute(delete(WechatUpdate).where(col(WechatUpdate.id) <= last))


async def fetch_updates(session: AsyncSession, *, offset: int = 0, limit: int = 100) -> list[JSON]:
    """The queued updates from ``offset`` on, oldest first, as ``getUpdates`` returns them."""
    if offset > MAX_ROW_ID:
        return []
    rows = await session.execute(
        select(WechatUpdate)
        .where(col(WechatUpdate.id) >= offset)
        .order_by(col(WechatUpdate.id))
        .limit(limit)
    )
    return [{"update_id": row.id, **row.payload} for row in rows.scalars()]


async def remember_button(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    callback_data: str | None,
    message_id: int | None,
    now: datetime,
) -> int:
    """Note a menu line about to be sent to a chat; its id is the line's ``bizmsgmenuid``.

    The outbound side (later) calls this for each button of a keyboard it turns into a menu
    message; the tests use it to play that side.
    """
    user_id = user_id_of(chat_id)
    if user_id is None:
        raise ValueError(f"{chat_id} is not a WeChat chat")
    button = WechatMenuButton(
        user_id=user_id,
        text=text,
        callback_data=callback_data,
        message_id=message_id,
        created_at=now,
    )
    session.add(button)
    await session.flush()
    return row_id(button)
