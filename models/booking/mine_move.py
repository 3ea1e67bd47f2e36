"""我的预约与提醒: reschedule a booking at the same venue — the slots of a day, then the move.

The move itself is the core's ``reschedule``: one transaction that moves the booking (its number
kept) to the new slot, whose places are taken first; the old ones go to the waitlist at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.bookings import BookingView, booking_view, reschedule
from models.booking.calendar import TOWNS_TZ
from models.booking.mine import active_booking_of, saved_id
from models.booking.rules import SlotUnavailable
from models.booking.slots import OpenSlot, Slot, day_bounds, open_slots
from models.core.base import utcnow
from models.core.people import Person


@dataclass(frozen=True)
class MoveSlots:
    """The booking being moved and the other slots of one day with room for its party."""

    view: BookingView
    slots: list[OpenSlot]


async def move_slots(
    session: AsyncSession,
    *,
    person: Person,
    booking_id: int,
    day: date,
    tz: ZoneInfo = TOWNS_TZ,
    now: datetime | None = None,
) -> MoveSlots:
    """Slots on ``day`` at the booking's venue, still ahead, that fit its party."""
    await active_booking_of(session, person=person, booking_id=booking_id)
    view = await booking_view(session, booking_id)
    since, until = day_bounds(day, tz)
    found = await open_slots(
        session,
        kind=view.venue.kind,
        since=max(since, now or utcnow()),
        until=until,
        venue_id=view.venue.id,
        places=view.booking.party_size,
        tz=tz,
    )
    return MoveSlots(view, [s for s in found if s.slot.id != view.slot.id])


@dataclass(frozen=True)
class MoveChoice:
    """What the confirmation restates: the booking as it is, and the slot it would move to."""

    view: BookingView
    slot: Slot


async def move_choice(
    session: AsyncSession, *, person: Person, booking_id: int, slot_id: int
) -> MoveChoice:
    """The booking and the chosen slot (``SlotUnavailable`` unless it is at the same venue)."""
    await active_booking_of(session, person=person, booking_id=booking_id)
    view = await booking_view(session, booking_id)
    slot = await session.get(Slot, slot_id)
    if slot is None or slot.venue_id != view.venue.id:
        raise SlotUnavailable()
    return MoveChoice(view, slot)


async def move_booking(
    session: AsyncSession,
    *,
    person: Person,
    booking_id: int,
    slot_id: int,
    tz: ZoneInfo = TOWNS_TZ,
    now: datetime | None = None,
) -> BookingView:
    """Move the booking to ``slot_id`` and return the new one (a refusal changes nothing)."""
    booking = await active_booking_of(session, person=person, booking_id=booking_id)
    moved = await reschedule(session, booking, person, slot_id, now=now, tz=tz)
    return await booking_view(session, saved_id(moved.booking.id))
