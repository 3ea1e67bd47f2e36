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
    """The ``index``-th demo slot of a venue on its ``days_ahead``-th open day after today.

    Open days are the days with slots (a closed weekday or a holiday has none), counted from
    tomorrow. So the slot is at least ``days_ahead`` days away, exactly that many for a venue
    open every day, and a larger ``days_ahead`` always gives a later day: ``slot_of(v, 3)`` and
    ``slot_of(v, 4)`` never meet, whatever the weekday or month today is (tests/test_clock.py)."""
    assert days_ahead >= 1, "count open days from tomorrow"
    tomorrow = datetime.combine(local_today() + timedelta(days=1), datetime.min.time(), TOWNS_TZ)
    async with sessions() as session:
        venue = (
            await session.execute(select(Venue).where(col(Venue.code) == venue_code))
        ).scalar_one()
        slots = (
            await session.execute(
                select(Slot)
                .where(col(Slot.venue_id) == venue.id, col(Slot.starts_at) >= tomorrow)
                .order_by(col(Slot.starts_at))
            )
        ).scalars()
        days: dict[date, list[Slot]] = {}
        for slot in slots:
            days.setdefault(slot.starts_at.astimezone(TOWNS_TZ).date(), []).append(slot)
    open_days = sorted(days)
    assert len(open_days) >= days_ahead, f"{venue_code} has only {len(open_days)} open days"
    day = open_days[days_ahead - 1]
    assert len(days[day]) > index, f"{venue_code} has {len(days[day])} slots on {day}"
    return days[day][index]


def names_booking(text: str, booking_id: int | None) -> bool:
    """Whether ``text`` names the booking by its number, as residents read it (docs/glossary.md:
    "第 9 号预约" / "booking number 9", never "#9")."""
    return f"第 {booking_id} 号预约" in text or f"booking number {booking_id}" in text
