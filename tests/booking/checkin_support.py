"""Helpers for the check-in and no-show tests: a slot starting now, a confirmed booking in it,
the names shown, the receipt's QR code as scanned, rating requests queued."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from handlers.booking.receipts import checkin_link
from models.booking.bookings import Booking, BookingStatus
from models.booking.calendar import TOWNS_TZ
from models.booking.slots import Slot, take_places
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.core.places import ServiceCentre, Venue


async def slot_now(services: Services, venue_code: str, hours_before: int = 0) -> Slot:
    """A slot of the venue starting at the current local hour (minus ``hours_before``)."""
    start = datetime.now(TOWNS_TZ).replace(minute=0, second=0, microsecond=0)
    start -= timedelta(hours=hours_before)
    async with services.sessions() as session, session.begin():
        venue = (
            await session.execute(select(Venue).where(col(Venue.code) == venue_code))
        ).scalar_one()
        assert venue.id is not None
        found = (
            await session.execute(
                select(Slot).where(col(Slot.venue_id) == venue.id, col(Slot.starts_at) == start)
            )
        ).scalar_one_or_none()
        if found is None:
            found = Slot(
                venue_id=venue.id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=40
            )
            session.add(found)
            await session.flush()
    return found


async def confirmed(services: Services, tg: int, slot_id: int, party: int = 1) -> Booking:
    """A confirmed booking (made directly: the slot may be outside opening hours)."""
    async with services.sessions() as session, session.begin():
        person = (
            await session.execute(select(Person).where(col(Person.tg_user_id) == tg))
        ).scalar_one()
        booking = Booking(
            slot_id=slot_id,
            person_id=person.id or 0,
            party_size=party,
            status=BookingStatus.CONFIRMED.value,
            code=secrets.token_urlsafe(12),
        )
        session.add(booking)
        assert await take_places(session, slot_id, party)
        await session.flush()
    return booking


async def describe(services: Services, slot: Slot, lang: str) -> tuple[str, str]:
    """The venue and centre names of a slot."""
    async with services.sessions() as session:
        venue = await session.get(Venue, slot.venue_id)
        assert venue is not None
        centre = await session.get(ServiceCentre, venue.centre_id)
        assert centre is not None
    return venue.name(lang), centre.name(lang)


def scan(booking: Booking) -> str:
    """What a phone sends after scanning the receipt's QR code."""
    link = checkin_link("tongxin_bot", booking.code)
    return "/start " + link.split("?start=", 1)[1]


async def rating_asks(services: Services, booking: Booking) -> int:
    """Rating requests queued for the booking's resident."""
    async with services.sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    return sum(1 for row in rows if f"rate:{booking.id}:" in str(row.payload))
