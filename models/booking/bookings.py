"""Bookings: a resident's places in a slot, and booking, cancelling and rescheduling them.

A booking is created in one transaction: the row is inserted first (``ON CONFLICT DO NOTHING``
on the one-active-booking-per-person-and-slot index, so a double tap finds the first booking),
then the places are taken by the slot's conditional update; a refusal raises, and the caller's
transaction rolls both back. Notices and reminders are outbox rows in the same transaction
(``models.booking.notices``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from models.booking.calendar import TOWNS_TZ
from models.booking.rules import SlotFull, SlotUnavailable, check_rules, count_active
from models.booking.slots import Slot, release_places, take_places
from models.core.audit import record_audit
from models.core.base import UTCDateTime, upsert_insert, utcnow
from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.core.places import ServiceCentre, Venue


class BookingStatus(StrEnum):
    """Where a booking is; the first three hold places in their slot."""

    AWAITING_RESIDENT = "awaiting_resident"  # booked by a proxy, the resident has not said yes
    PENDING_APPROVAL = "pending_approval"  # the venue needs an admin's approval
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    DECLINED = "declined"  # by an admin (with a reason) or by the resident (proxy booking)
    ATTENDED = "attended"
    NO_SHOW = "no_show"


ACTIVE = (
    BookingStatus.AWAITING_RESIDENT.value,
    BookingStatus.PENDING_APPROVAL.value,
    BookingStatus.CONFIRMED.value,
)
_ACTIVE_SQL = "status IN ('awaiting_resident', 'pending_approval', 'confirmed')"


class Booking(SQLModel, table=True):
    """A person's ``party_size`` places in a slot, maybe booked for them by a proxy."""

    __table_args__ = (
        Index(
            "uq_booking_active",
            "slot_id",
            "person_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_booking_person_status", "person_id", "status"),
        Index("ix_booking_slot_status", "slot_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id")
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    booked_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    party_size: int = Field(default=1, ge=1)
    status: str = Field(max_length=20)
    code: str = Field(max_length=24, unique=True)  # in the receipt's check-in QR code
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    decline_reason: str | None = Field(default=None, max_length=256)
    attendance_reply: str | None = Field(default=None, max_length=16)  # "coming" after "1"
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )


class NotYourBooking(DomainError):
    """The booking is not the caller's (or their proxy's); also what forged callbacks get."""

    message_id = "booking.error.not_yours"


class BookingNotActive(DomainError):
    """The booking was already cancelled, declined or is over."""

    message_id = "booking.error.not_active"


@dataclass(frozen=True)
class Booked:
    """The outcome of ``book``: the booking, and whether this call created it."""

    booking: Booking
    created: bool


async def active_booking(session: AsyncSession, slot_id: int, person_id: int) -> Booking | None:
    """The person's booking that holds places in the slot, if any."""
    query = select(Booking).where(
        col(Booking.slot_id) == slot_id,
        col(Booking.person_id) == person_id,
        col(Booking.status).in_(ACTIVE),
    )
    return (await session.execute(query)).scalars().first()


async def book(
    session: AsyncSession,
    person: Person,
    slot_id: int,
    *,
    party_size: int = 1,
    booked_by: Person | None = None,
    resident_agreed: bool = True,
    now: datetime | None = None,
    tz: ZoneInfo = TOWNS_TZ,
    excluding: int | None = None,
) -> Booked:
    """Book places for ``person`` (by ``booked_by``, a proxy, when given); idempotent per slot.

    Raises a rule error (``models.booking.rules``) or ``SlotFull``; the caller's transaction
    then rolls back. ``resident_agreed`` False (a proxy without standing consent) makes the
    booking wait for the resident's one-tap yes. ``excluding``: a booking being rescheduled.
    """
    from models.booking.notices import after_booked

    now = now or utcnow()
    assert person.id is not None
    existing = await active_booking(session, slot_id, person.id)
    if existing is not None:
        return Booked(existing, created=False)
    slot = await session.get(Slot, slot_id)
    venue = await session.get(Venue, slot.venue_id) if slot else None
    if slot is None or venue is None:
        raise SlotUnavailable()
    assert venue.id is not None
    active = await count_active(session, person.id, venue.id, now, excluding=excluding)
    await check_rules(
        session, person, slot, venue, party_size=party_size, active_bookings=active, now=now, tz=tz
    )
    if not resident_agreed:
        status = BookingStatus.AWAITING_RESIDENT
    elif venue.needs_approval:
        status = BookingStatus.PENDING_APPROVAL
    else:
        status = BookingStatus.CONFIRMED
    statement = (
        upsert_insert(session, Booking)
        .values(
            slot_id=slot_id,
            person_id=person.id,
            booked_by_id=booked_by.id if booked_by else None,
            party_size=party_size,
            status=status.value,
            code=secrets.token_urlsafe(12),
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(
            index_elements=["slot_id", "person_id"], index_where=text(_ACTIVE_SQL)
        )
        .returning(col(Booking.id))
    )
    new_id = (await session.execute(statement)).scalar_one_or_none()
    if new_id is None:  # a concurrent double tap committed first
        existing = await active_booking(session, slot_id, person.id)
        assert existing is not None
        return Booked(existing, created=False)
    if not await take_places(session, slot_id, party_size):
        raise SlotFull(slot=slot_id)
    booking = await session.get(Booking, new_id)
    assert booking is not None
    actor = booked_by or person
    await record_audit(
        session, actor.id, "booking.create", "booking", new_id, slot=slot_id, status=status.value
    )
    await after_booked(session, booking, slot, venue, now=now)
    return Booked(booking, created=True)


async def owned_booking(session: AsyncSession, booking_id: int, person: Person) -> Booking:
    """A booking the person holds or booked as a proxy; ``NotYourBooking`` otherwise."""
    booking = await session.get(Booking, booking_id)
    if booking is None or person.id not in (booking.person_id, booking.booked_by_id):
        raise NotYourBooking()
    return booking


async def cancel_booking(
    session: AsyncSession,
    booking: Booking,
    actor: Person,
    *,
    status: BookingStatus = BookingStatus.CANCELLED,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """End an active booking: its places go to the waitlist (or back to the slot) at once."""
    from models.booking.notices import after_cancelled
    from models.booking.waitlist import offer_freed_places

    if booking.status not in ACTIVE:
        raise BookingNotActive()
    now = now or utcnow()
    booking.status, booking.updated_at = status.value, now
    if reason is not None:
        booking.decline_reason = reason[:256]
    await session.flush()
    await release_places(session, booking.slot_id, booking.party_size)
    await record_audit(session, actor.id, f"booking.{status.value}", "booking", booking.id)
    await after_cancelled(session, booking)
    await offer_freed_places(session, booking.slot_id, now=now)
    return booking


async def reschedule(
    session: AsyncSession,
    booking: Booking,
    actor: Person,
    new_slot_id: int,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = TOWNS_TZ,
) -> Booked:
    """Move a booking to another slot in one transaction: the new one is booked first."""
    if booking.status not in ACTIVE:
        raise BookingNotActive()
    if new_slot_id == booking.slot_id:
        return Booked(booking, created=False)
    person = await session.get(Person, booking.person_id)
    booked_by = await session.get(Person, booking.booked_by_id) if booking.booked_by_id else None
    assert person is not None
    moved = await book(
        session,
        person,
        new_slot_id,
        party_size=booking.party_size,
        booked_by=booked_by,
        now=now,
        tz=tz,
        excluding=booking.id,
    )
    await cancel_booking(session, booking, actor, now=now)
    return moved


@dataclass(frozen=True)
class BookingView:
    """A booking with its slot, venue and centre, for lists and receipts."""

    booking: Booking
    slot: Slot
    venue: Venue
    centre: ServiceCentre


async def booking_view(session: AsyncSession, booking_id: int) -> BookingView:
    """One booking with what a receipt shows."""
    query = (
        select(Booking, Slot, Venue, ServiceCentre)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(col(Booking.id) == booking_id)
    )
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound()
    return BookingView(*row)


async def my_bookings(
    session: AsyncSession, person: Person, *, now: datetime | None = None, limit: int = 20
) -> list[BookingView]:
    """Upcoming bookings the person holds or made for someone else, soonest first."""
    now = now or utcnow()
    query = (
        select(Booking, Slot, Venue, ServiceCentre)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(
            (col(Booking.person_id) == person.id) | (col(Booking.booked_by_id) == person.id),
            col(Booking.status).in_(ACTIVE),
            col(Slot.ends_at) > now,
        )
        .order_by(col(Slot.starts_at))
        .limit(limit)
    )
    return [BookingView(*row) for row in (await session.execute(query)).all()]


async def confirm_attendance(
    session: AsyncSession, booking: Booking, *, now: datetime | None = None
) -> Booking:
    """The resident (or proxy) answered the 24 h reminder with "1, coming"."""
    if booking.status not in ACTIVE:
        raise BookingNotActive()
    booking.attendance_reply, booking.updated_at = "coming", now or utcnow()
    await session.flush()
    return booking
