"""Bookings: booking, cancelling and rescheduling a resident's places in a slot, and reading
them back for lists and receipts.

``book`` checks the rules and hands the creation to ``models.booking.creation.create_booking``
(the one function that creates a booking and decides its status). Ending a booking gives its
places to the waitlist at once (``models.booking.waitlist.offer_freed_places``). Notices and
reminders are outbox rows in the same transaction (``models.booking.notices``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from models.booking.calendar import TOWNS_TZ
from models.booking.creation import Booked, create_booking
from models.booking.notices import after_cancelled, plan_reminders
from models.booking.proxy_notices import WITHDRAWN, tell_resident_withdrawn
from models.booking.rules import (
    AlreadyYours,
    BookingNotActive,
    NotYourBooking,
    SlotFull,
    SlotUnavailable,
    check_rules,
    standing,
)
from models.booking.slots import release_places, take_places
from models.booking.tables import ACTIVE, Booking, BookingStatus, Slot, id_of
from models.booking.waitlist import offer_freed_places
from models.core.audit import record_audit
from models.core.base import get_or_raise, utcnow
from models.core.catalogue import centre_of, venue_of
from models.core.errors import NotFound
from models.core.people import Person
from models.core.places import ServiceCentre, Venue


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
    now = now or utcnow()
    person_id = id_of(person)
    slot = await get_or_raise(session, Slot, slot_id, SlotUnavailable)
    venue = await venue_of(session, slot.venue_id)
    if venue is None:
        raise SlotUnavailable()
    active, here = await standing(
        session, person_id, slot_id, id_of(venue), now, excluding=excluding
    )
    if here is not None:  # booked already (a repeated confirm): that booking, nothing new
        return Booked(await get_or_raise(session, Booking, here), created=False, slot=slot)
    await check_rules(
        session, person, slot, venue, party_size=party_size, active_bookings=active, now=now, tz=tz
    )
    return await create_booking(
        session,
        person=person,
        slot=slot,
        venue=venue,
        party_size=party_size,
        now=now,
        booked_by=booked_by,
        resident_agreed=resident_agreed,
    )


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
    """End an active booking: its places go to the waitlist (or back to the slot) at once.

    A proxy cancelling a booking its resident has not answered yet withdraws the request: the
    resident is told, and their answer to it changes nothing (``WITHDRAWN``).
    """
    if booking.status not in ACTIVE:
        raise BookingNotActive()
    withdrawn = (
        booking.status == BookingStatus.AWAITING_RESIDENT.value
        and status == BookingStatus.CANCELLED
        and actor.id == booking.booked_by_id
    )
    now = now or utcnow()
    booking.status, booking.updated_at = status.value, now
    reason = WITHDRAWN if withdrawn else reason
    if reason is not None:
        booking.decline_reason = reason[:256]
    await session.flush()
    await release_places(session, booking.slot_id, booking.party_size)
    await record_audit(session, actor.id, f"booking.{status.value}", "booking", booking.id)
    await after_cancelled(session, booking)
    if withdrawn:
        await tell_resident_withdrawn(session, booking)
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
    """Move a booking to another slot in one transaction, keeping the booking itself: its
    number, check-in code and calendar UID (``revision`` counts the moves: the calendar
    file's SEQUENCE). The new places are taken first, with the slot's conditional update; the
    old ones then go to the waitlist at once, and the reminders follow the booking."""
    if booking.status not in ACTIVE:
        raise BookingNotActive()
    if new_slot_id == booking.slot_id:
        return Booked(booking, created=False)
    now = now or utcnow()
    person = await get_or_raise(session, Person, booking.person_id, BookingNotActive)
    slot = await get_or_raise(session, Slot, new_slot_id, SlotUnavailable)
    venue = await venue_of(session, slot.venue_id)
    if venue is None:
        raise SlotUnavailable()
    active, here = await standing(
        session, id_of(person), new_slot_id, id_of(venue), now, excluding=booking.id
    )
    if here is not None:
        raise AlreadyYours(id=here)
    party = booking.party_size
    await check_rules(
        session, person, slot, venue, party_size=party, active_bookings=active, now=now, tz=tz
    )
    if not await take_places(session, new_slot_id, party):
        raise SlotFull(slot=new_slot_id)
    old_slot_id = booking.slot_id
    await after_cancelled(session, booking)  # the old time's reminders
    booking.slot_id, booking.revision, booking.updated_at = new_slot_id, booking.revision + 1, now
    booking.attendance_reply = None  # "coming" was said about the old time
    await session.flush()
    await release_places(session, old_slot_id, party)
    await record_audit(
        session, actor.id, "booking.move", "booking", booking.id, slot=new_slot_id,
        from_slot=old_slot_id,
    )  # fmt: skip
    if booking.status == BookingStatus.CONFIRMED.value:
        await plan_reminders(session, booking, slot, venue, now)
    await offer_freed_places(session, old_slot_id, now=now)
    return Booked(booking, created=True, slot=slot)


@dataclass(frozen=True)
class BookingView:
    """A booking with its slot, venue and centre, for lists and receipts."""

    booking: Booking
    slot: Slot
    venue: Venue
    centre: ServiceCentre


# Built once (statements are immutable; ``.where`` makes a new one).
_BOOKING_ROWS = (
    select(Booking, Slot, Venue, ServiceCentre)
    .join(Slot, col(Slot.id) == col(Booking.slot_id))
    .join(Venue, col(Venue.id) == col(Slot.venue_id))
    .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
)


def booking_rows() -> Select[Booking, Slot, Venue, ServiceCentre]:
    """Bookings with their slot, venue and centre (a ``BookingView`` a row), to narrow down."""
    return _BOOKING_ROWS


_BOOKING_VIEW = _BOOKING_ROWS.where(col(Booking.id) == bindparam("booking_id"))  # built once


async def booking_view(session: AsyncSession, booking_id: int) -> BookingView:
    """One booking with what a receipt shows."""
    row = (await session.execute(_BOOKING_VIEW, {"booking_id": booking_id})).first()
    if row is None:
        raise NotFound()
    return BookingView(*row)


async def view_of(session: AsyncSession, booked: Booked) -> BookingView:
    """The receipt's view of a booking just handled: its slot as the booking had it, its venue
    and centre from the catalogue cache (one joined read when any is missing)."""
    booking, slot = booked.booking, booked.slot
    venue = await venue_of(session, slot.venue_id) if slot is not None else None
    centre = await centre_of(session, venue.centre_id) if venue is not None else None
    if slot is None or venue is None or centre is None:
        return await booking_view(session, id_of(booking))
    return BookingView(booking, slot, venue, centre)


async def my_bookings(
    session: AsyncSession, person: Person, *, now: datetime | None = None, limit: int = 20
) -> list[BookingView]:
    """Upcoming bookings the person holds or made for someone else, soonest first."""
    params = {"me": person.id, "now": now or utcnow(), "limit": limit}
    return [BookingView(*row) for row in (await session.execute(_MY_BOOKINGS, params)).all()]


_MY_BOOKINGS = (  # built once ("my bookings" is opened after every booking)
    _BOOKING_ROWS.where(
        (col(Booking.person_id) == bindparam("me"))
        | (col(Booking.booked_by_id) == bindparam("me")),
        col(Booking.status).in_(ACTIVE),
        col(Slot.ends_at) > bindparam("now"),
    )
    .order_by(col(Slot.starts_at))
    .limit(bindparam("limit"))
)


async def confirm_attendance(
    session: AsyncSession, booking: Booking, *, now: datetime | None = None
) -> Booking:
    """The resident (or proxy) answered the 24 h reminder with "1, coming"."""
    if booking.status not in ACTIVE:
        raise BookingNotActive()
    booking.attendance_reply, booking.updated_at = "coming", now or utcnow()
    await session.flush()
    return booking
