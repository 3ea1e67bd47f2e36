"""Helpers for booking tests: find demo slots by venue code and day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import col, select

from bot.db import SessionFactory
from models.booking import TOWNS_TZ, Slot
from models.core.places import Venue


def local_today() -> date:
    """Today in the towns' time zone."""
    return datetime.now(TOWNS_TZ).date()


async def slot_of(
    sessions: SessionFactory, venue_code: str, days_ahead: int = 3, index: int = 0
) -> Slot:
    """The ``index``-th demo slot of a venue ``days_ahead`` days from today (a weekday is sought
    forwards when the venue is closed that day)."""
    async with sessions() as session:
        venue = (
            await session.execute(select(Venue).where(col(Venue.code) == venue_code))
        ).scalar_one()
        for extra in range(7):
            day = local_today() + timedelta(days=days_ahead + extra)
            start = datetime.combine(day, datetime.min.time(), TOWNS_TZ)
            slots = list(
                (
                    await session.execute(
                        select(Slot)
                        .where(
                            col(Slot.venue_id) == venue.id,
                            col(Slot.starts_at) >= start,
                            col(Slot.starts_at) < start + timedelta(days=1),
                        )
                        .order_by(col(Slot.starts_at))
                    )
                ).scalars()
            )
            if len(slots) > index:
                return slots[index]
    raise AssertionError(f"no slot for {venue_code}")
