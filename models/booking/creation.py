"""The one place a booking is created, whatever creates it: a resident or a proxy booking a
slot (``models.booking.bookings.book``), or a resident taking up a waitlist offer.

``create_booking`` decides the status (``rules.initial_status``), inserts the row (``ON CONFLICT
DO NOTHING`` on the one-active-booking-per-person-and-slot index, so a double tap finds the
first booking), takes the places with the slot's conditional update (unless an offer already
holds them), audits it and sends what a new booking sends. A refusal raises, and the caller's
transaction rolls all of it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.notices import plan_reminders, request_approval
from models.booking.proxy_notices import ask_resident
from models.booking.rules import SlotFull, SlotUnavailable, initial_status
from models.booking.slots import take_places
from models.booking.tables import ACTIVE, ACTIVE_SQL, Booking, BookingStatus, Slot, id_of
from models.core.audit import record_audit
from models.core.base import get_or_raise, upsert_insert
from models.core.people import Person
from models.core.places import Venue
from models.core.tickets import new_code


@dataclass(frozen=True)
class Booked:
    """The outcome of creating a booking: the booking, and whether this call created it
    (with its slot, when the caller had it at hand: the receipt needs it)."""

    booking: Booking
    created: bool
    slot: Slot | None = None


_ACTIVE_BOOKING = select(Booking).where(
    col(Booking.slot_id) == bindparam("slot_id"),
    col(Booking.person_id) == bindparam("person_id"),
    col(Booking.status).in_(ACTIVE),
)  # built once: it runs at every booking


async def active_booking(session: AsyncSession, slot_id: int, person_id: int) -> Booking | None:
    """The person's booking that holds places in the slot, if any."""
    params = {"slot_id": slot_id, "person_id": person_id}
    return (await session.execute(_ACTIVE_BOOKING, params)).scalars().first()


_BOOKING_VALUES = (
    "slot_id",
    "person_id",
    "booked_by_id",
    "party_size",
    "status",
    "code",
    "created_at",
    "updated_at",
)
_INSERTS: dict[str, Any] = {}  # the booking INSERT, built once per SQL dialect


def _insert_booking(session: AsyncSession) -> Any:
    """INSERT … ON CONFLICT DO NOTHING RETURNING booking, its values bound at execution."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    statement = _INSERTS.get(dialect)
    if statement is None:
        statement = (
            upsert_insert(session, Booking, orm=True)
            .values({name: bindparam(name) for name in _BOOKING_VALUES})
            .on_conflict_do_nothing(
                index_elements=["slot_id", "person_id"], index_where=text(ACTIVE_SQL)
            )
            .returning(Booking)
        )
        _INSERTS[dialect] = statement
    return statement


async def create_booking(
    session: AsyncSession,
    *,
    person: Person,
    slot: Slot,
    venue: Venue,
    party_size: int,
    now: datetime,
    booked_by: Person | None = None,
    resident_agreed: bool = True,
    places_held: bool = False,
) -> Booked:
    """Create ``person``'s booking of ``slot`` (rules already checked); idempotent per slot.

    ``resident_agreed`` False: a proxy without standing consent, so it waits for the resident.
    ``places_held``: an accepted waitlist offer already holds the places.
    """
    person_id, slot_id = id_of(person), id_of(slot)
    status = initial_status(venue, resident_agreed=resident_agreed)
    values = {
        "slot_id": slot_id,
        "person_id": person_id,
        "booked_by_id": booked_by.id if booked_by else None,
        "party_size": party_size,
        "status": status.value,
        "code": new_code(),
        "created_at": now,
        "updated_at": now,
    }
    statement = _insert_booking(session)
    booking = (await session.scalars(statement, values)).one_or_none()
    if booking is None:  # the person holds a booking here already (a double tap committed first)
        existing = await active_booking(session, slot_id, person_id)
        if existing is None:  # and it ended in the meantime: nothing to show, nothing made
            raise SlotUnavailable()
        return Booked(existing, created=False, slot=slot)
    if not places_held and not await take_places(session, slot_id, party_size):
        raise SlotFull(slot=slot_id)
    actor, new_id = booked_by or person, id_of(booking)
    await record_audit(
        session, actor.id, "booking.create", "booking", new_id, slot=slot_id, status=status.value
    )
    await announce(session, booking, slot, venue, now=now)
    return Booked(booking, created=True, slot=slot)


async def announce(
    session: AsyncSession, booking: Booking, slot: Slot, venue: Venue, *, now: datetime
) -> None:
    """What a booking sends when it starts holding places, or when its resident agreed to it:
    reminders when confirmed, a request to the admins when it needs approval, the one-tap
    question to the resident when a proxy booked it without standing consent."""
    if booking.status == BookingStatus.CONFIRMED.value:
        await plan_reminders(session, booking, slot, venue, now)
    elif booking.status == BookingStatus.PENDING_APPROVAL.value:
        await request_approval(session, booking, slot, venue)
    elif booking.status == BookingStatus.AWAITING_RESIDENT.value:
        await ask_resident(session, booking, slot, venue)


async def slot_and_venue(session: AsyncSession, slot_id: int) -> tuple[Slot, Venue]:
    """A slot and its venue; ``SlotUnavailable`` when either is gone."""
    slot = await get_or_raise(session, Slot, slot_id, SlotUnavailable)
    return slot, await get_or_raise(session, Venue, slot.venue_id, SlotUnavailable)
