"""From a picked slot to a booking: the slot checked before anything else is asked, the summary,
the booking itself (for oneself, or by a proxy with or without standing consent), and the
waitlist when the slot is full.

A proxy names the resident (``resident_id``); the rules are then the resident's, and the
booking is theirs. With the resident's standing consent it holds at once and they get a text
receipt; without it, it waits for their one-tap yes (``models.booking.proxy_notices``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.bookings import BookingView, book, view_of
from models.booking.calendar import TOWNS_TZ
from models.booking.creation import active_booking
from models.booking.proxies import ResidentNotFound
from models.booking.proxy_consent import has_consent
from models.booking.proxy_notices import tell_resident_booked
from models.booking.rules import (
    AlreadyYours,
    SlotFull,
    SlotUnavailable,
    check_rules,
    count_active,
)
from models.booking.slots import OpenSlot, slot_with_place
from models.booking.tables import ACTIVE, Booking, id_of
from models.booking.waitlist import join_waitlist
from models.core.base import get_or_raise, utcnow
from models.core.people import Person

REPEAT_WINDOW = timedelta(minutes=10)


async def _for_whom(session: AsyncSession, person: Person, resident_id: int | None) -> Person:
    """The resident a proxy named, or the person themself."""
    if resident_id is None:
        return person
    return await get_or_raise(session, Person, resident_id, ResidentNotFound)


async def slot_summary(session: AsyncSession, *, slot_id: int) -> OpenSlot:
    """The slot with its venue and centre, for the party question and the summary."""
    found = await slot_with_place(session, slot_id)
    if found is None:
        raise SlotUnavailable()
    return found


async def check_slot(
    session: AsyncSession,
    *,
    person: Person,
    slot_id: int,
    party_size: int = 1,
    resident_id: int | None = None,
    now: datetime | None = None,
    tz: ZoneInfo = TOWNS_TZ,
) -> OpenSlot:
    """The slot if booking it would be accepted now; else the rule it breaks, said early."""
    target, now = await _for_whom(session, person, resident_id), now or utcnow()
    found = await slot_summary(session, slot_id=slot_id)
    target_id = id_of(target)
    existing = await active_booking(session, slot_id, target_id)
    if existing is not None:
        raise AlreadyYours(id=existing.id)
    active = await count_active(session, target_id, id_of(found.venue), now, excluding=None)
    await check_rules(
        session,
        target,
        found.slot,
        found.venue,
        party_size=party_size,
        active_bookings=active,
        now=now,
        tz=tz,
    )
    if found.free < party_size:
        raise SlotFull(slot=slot_id)
    return found


@dataclass(frozen=True)
class BookingMade:
    """The booking as its receipt shows it, and whether this call made it (a repeated confirm
    finds the first one)."""

    view: BookingView
    created: bool


async def book_slot(
    session: AsyncSession,
    *,
    person: Person,
    slot_id: int,
    party_size: int = 1,
    resident_id: int | None = None,
    tz: ZoneInfo = TOWNS_TZ,
) -> BookingMade:
    """Book the slot for the person, or as a proxy for the resident they named."""
    if resident_id is None:
        booked = await book(session, person, slot_id, party_size=party_size, tz=tz)
    else:
        resident = await _for_whom(session, person, resident_id)
        agreed = await has_consent(session, id_of(resident), id_of(person))
        booked = await book(
            session,
            resident,
            slot_id,
            party_size=party_size,
            booked_by=person,
            resident_agreed=agreed,
            tz=tz,
        )
        if booked.created and agreed:
            await tell_resident_booked(session, booked.booking, person)
    return BookingMade(await view_of(session, booked), booked.created)


@dataclass(frozen=True)
class Queued:
    """A place on a slot's waitlist: the entry and its place in the queue (1: first)."""

    entry_id: int
    position: int


async def wait_for_slot(
    session: AsyncSession,
    *,
    person: Person,
    slot_id: int,
    party_size: int = 1,
    resident_id: int | None = None,
) -> Queued:
    """Queue the person (or the resident a proxy named) for a full slot."""
    target = await _for_whom(session, person, resident_id)
    entry, position = await join_waitlist(session, target, slot_id, party_size)
    return Queued(id_of(entry), position)


@dataclass(frozen=True)
class RecentBooking:
    """The booking a person made a moment ago, and whether it still holds its places."""

    id: int
    active: bool


async def just_booked(
    session: AsyncSession,
    *,
    person: Person,
    within: timedelta = REPEAT_WINDOW,
    now: datetime | None = None,
) -> RecentBooking | None:
    """The booking the person made (for themself or as a proxy) in the last ``within``, if any:
    a confirm tapped again after the receipt is answered with it, truthfully (it may have been
    cancelled since)."""
    since = (now or utcnow()) - within
    made_by_them = or_(
        col(Booking.booked_by_id) == person.id,
        and_(col(Booking.person_id) == person.id, col(Booking.booked_by_id).is_(None)),
    )
    query = (
        select(col(Booking.id), col(Booking.status))
        .where(made_by_them, col(Booking.created_at) >= since)
        .order_by(col(Booking.created_at).desc(), col(Booking.id).desc())
        .limit(1)
    )
    row = (await session.execute(query)).first()
    return None if row is None else RecentBooking(row[0] or 0, row[1] in ACTIVE)
