"""Customer-service windows and their quota, counted in ``wechat_window``.

WeChat lets an account answer a follower with a few customer-service messages only: by default
5 within 48 h after the follower's message, 3 within a minute after a follow, a menu click or a
QR scan (``WechatSettings.quota``: kind → seconds, messages). Each new act opens its kind's
window afresh; a send takes the newest open window with room, as the emulator and WeChat do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from channels.wechat.tables import WechatWindow
from models.core.base import upsert_insert

Quota = Mapping[str, tuple[int, int]]
OUT_OF_WINDOW = "45015 out of window"
OUT_OF_QUOTA = "45047 out of quota"


@dataclass(frozen=True)
class Room:
    """Whether a message may go now (``reason`` says why not)."""

    ok: bool
    reason: str = ""


async def open_window(session: AsyncSession, *, user_id: int, kind: str, now: datetime) -> None:
    """The follower acted: their ``kind`` window starts now, with its whole quota."""
    insert = upsert_insert(session, WechatWindow).values(
        user_id=user_id, kind=kind, opened_at=now, used=0
    )
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id", "kind"], set_={"opened_at": now, "used": 0}
        )
    )


async def close_windows(session: AsyncSession, *, user_id: int) -> None:
    """The follower unfollowed: nothing more may be sent to them."""
    await session.execute(delete(WechatWindow).where(col(WechatWindow.user_id) == user_id))


async def take(session: AsyncSession, *, user_id: int, quota: Quota, now: datetime) -> Room:
    """Count one message against the newest open window with room, or say why it cannot go."""
    rows = await session.execute(
        select(WechatWindow)
        .where(col(WechatWindow.user_id) == user_id)
        .order_by(col(WechatWindow.opened_at).desc())
        .with_for_update()
    )
    windows = [w for w in rows.scalars() if w.kind in quota]
    open_now = [w for w in windows if now < w.opened_at + timedelta(seconds=quota[w.kind][0])]
    for window in open_now:
        if window.used < quota[window.kind][1]:
            window.used += 1
            return Room(True)
    return Room(False, OUT_OF_QUOTA if open_now else OUT_OF_WINDOW)


async def has_room(session: AsyncSession, *, user_id: int, quota: Quota, now: datetime) -> bool:
    """Whether a message could go now by customer service (nothing is counted)."""
    rows = await session.execute(select(WechatWindow).where(col(WechatWindow.user_id) == user_id))
    return any(
        w.kind in quota
        and now < w.opened_at + timedelta(seconds=quota[w.kind][0])
        and w.used < quota[w.kind][1]
        for w in rows.scalars()
    )


async def give_back(session: AsyncSession, *, user_id: int, now: datetime, quota: Quota) -> None:
    """A counted message did not go after all (WeChat unreachable): return it to its window."""
    rows = await session.execute(
        select(WechatWindow)
        .where(col(WechatWindow.user_id) == user_id, col(WechatWindow.used) > 0)
        .order_by(col(WechatWindow.opened_at).desc())
    )
    for window in rows.scalars():
        if window.kind in quota and now < window.opened_at + timedelta(
            seconds=quota[window.kind][0]
        ):
            window.used -= 1
            return
