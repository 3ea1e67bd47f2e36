"""Staff work on bookings: the approval queue, check-in (list or QR code) and no-shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.bookings import (
    Booking,
    BookingNotActive,
    BookingStatus,
    BookingView,
    booking_view,
    cancel_booking,
)
from models.booking.feedback import ask_for_rating
from models.booking.notices import tell_decision
from models.booking.slots import Slot
from models.core.audit import record_audit
from models.core.authz import Action, Scope, can
from models.core.base import utcnow
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.people import Person
from models.core.places import ServiceCentre, Venue


class NotCheckable(DomainError):
    """Check-in is only for confirmed bookings on the day of the visit."""

    message_id = "checkin.error.not_today"


class AlreadyCheckedIn(DomainError):
    """The booking was checked in before."""

    message_id = "checkin.error.already"


async def venue_town(session: AsyncSession, slot: Slot) -> int:
    """The town whose centre hosts the slot's venue."""
    venue = await session.get(Venue, slot.venue_id)
    centre = await session.get(ServiceCentre, venue.centre_id) if venue else None
    if centre is None:
        raise NotFound()
    return centre.town_id


async def _staff_view(
    session: AsyncSession, booking_id: int, scopes: Iterable[Scope], action: Action
) -> BookingView:
    try:
        view = await booking_view(session, booking_id)
    except NotFound:
        raise NotAllowed() from None  # forged ids learn nothing
    if not can(scopes, action, view.centre.town_id):
        raise NotAllowed()
    return view


async def pending_approvals(
    session: AsyncSession, town_ids: frozenset[int] | None, limit: int = 20
) -> list[BookingView]:
    """Bookings waiting for approval at venues of ``town_ids`` (None: both towns), oldest first."""
    query = (
        select(Booking, Slot, Venue, ServiceCentre)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(col(Booking.status) == BookingStatus.PENDING_APPROVAL.value)
        .order_by(col(Booking.created_at))
        .limit(limit)
    )
    if town_ids is not None:
        query = query.where(col(ServiceCentre.town_id).in_(town_ids))
    return [BookingView(*row) for row in (await session.execute(query)).all()]


async def decide(
    session: AsyncSession,
    booking_id: int,
    admin: Person,
    scopes: Iterable[Scope],
    *,
    approve: bool,
    reason: str | None = None,
) -> Booking:
    """Approve or decline a pending booking (admins of the venue's town); the resident is told."""
    view = await _staff_view(session, booking_id, scopes, Action.VENUE_MANAGE)
    booking = view.booking
    if booking.status != BookingStatus.PENDING_APPROVAL.value:
        raise BookingNotActive()
    booking.decided_by_id = admin.id
    if approve:
        booking.status, booking.updated_at = BookingStatus.CONFIRMED.value, utcnow()
        await session.flush()
        await record_audit(session, admin.id, "booking.approve", "booking", booking.id)
    else:
        await cancel_booking(
            session, booking, admin, status=BookingStatus.DECLINED, reason=reason or ""
        )
    await tell_decision(session, booking, approved=approve, reason=reason)
    return booking


async def check_in(
    session: AsyncSession,
    staff: Person,
    scopes: Iterable[Scope],
    *,
    booking_id: int | None = None,
    code: str | None = None,
    now: datetime | None = None,
) -> BookingView:
    """Mark a confirmed booking attended, by its id (roster) or its receipt's QR code."""
    now = now or utcnow()
    if code is not None:
        found = (
            await session.execute(select(Booking.id).where(col(Booking.code) == code))
        ).scalar_one_or_none()
        if found is None:
            raise NotAllowed()
        booking_id = found
    assert booking_id is not None
    view = await _staff_view(session, booking_id, scopes, Action.CHECK_IN)
    booking = view.booking
    if booking.status == BookingStatus.ATTENDED.value:
        raise AlreadyCheckedIn()
    same_day = abs(view.slot.starts_at - now) <= timedelta(hours=12)
    if booking.status not in (BookingStatus.CONFIRMED.value, BookingStatus.NO_SHOW.value):
        raise NotCheckable()
    if not same_day:
        raise NotCheckable()
    booking.status, booking.checked_in_at = BookingStatus.ATTENDED.value, now
    booking.checked_in_by_id, booking.updated_at = staff.id, now
    await session.flush()
    await record_audit(session, staff.id, "booking.check_in", "booking", booking.id)
    await ask_for_rating(session, booking, view.slot)
    return view


async def roster(
    session: AsyncSession, slot_id: int, scopes: Iterable[Scope]
) -> list[tuple[Booking, Person]]:
    """The people booked into a slot, for a check-in list (staff of the venue's town)."""
    slot = await session.get(Slot, slot_id)
    if slot is None or not can(scopes, Action.CHECK_IN, await venue_town(session, slot)):
        raise NotAllowed()
    query = (
        select(Booking, Person)
        .join(Person, col(Person.id) == col(Booking.person_id))
        .where(
            col(Booking.slot_id) == slot_id,
            col(Booking.status).in_(
                (
                    BookingStatus.CONFIRMED.value,
                    BookingStatus.ATTENDED.value,
                    BookingStatus.NO_SHOW.value,
                )
            ),
        )
        .order_by(col(Booking.id))
    )
    return [(b, p) for b, p in (await session.execute(query)).all()]


async def mark_no_shows(session: AsyncSession, now: datetime | None = None) -> int:
    """Confirmed bookings not checked in by their venue's grace time become no-shows."""
    now = now or utcnow()
    due = (
        select(col(Booking.id), col(Slot.starts_at), Venue)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .where(
            col(Booking.status) == BookingStatus.CONFIRMED.value,
            col(Slot.starts_at) < now - timedelta(minutes=5),
        )
    )
    candidates = (await session.execute(due)).all()
    ids = [
        row[0]
        for row in candidates
        if row[1] + timedelta(minutes=row[2].no_show_after_minutes) <= now
    ]
    if not ids:
        return 0
    await session.execute(
        update(Booking)
        .where(col(Booking.id).in_(ids), col(Booking.status) == BookingStatus.CONFIRMED.value)
        .values(status=BookingStatus.NO_SHOW.value, updated_at=now)
    )
    return len(ids)


async def repeated_no_shows(
    session: AsyncSession,
    town_ids: frozenset[int] | None,
    *,
    since: datetime,
    at_least: int = 2,
) -> list[tuple[Person, int]]:
    """People with ``at_least`` no-shows since ``since`` at venues of ``town_ids``, most first."""
    query = (
        select(Person, func.count(col(Booking.id)))
        .join(Booking, col(Booking.person_id) == col(Person.id))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(col(Booking.status) == BookingStatus.NO_SHOW.value, col(Slot.starts_at) >= since)
        .group_by(col(Person.id))
        .having(func.count(col(Booking.id)) >= at_least)
        .order_by(func.count(col(Booking.id)).desc())
    )
    if town_ids is not None:
        query = query.where(col(ServiceCentre.town_id).in_(town_ids))
    return [(p, int(n)) for p, n in (await session.execute(query)).all()]


@dataclass(frozen=True)
class CheckInSlot:
    """A slot with people to check in, for the staff's list of the day."""

    slot: Slot
    venue: Venue
    centre: ServiceCentre
    booked: int  # bookings to check in: confirmed, attended or no-show
    attended: int


async def slots_to_check_in(
    session: AsyncSession, town_ids: frozenset[int] | None, *, since: datetime, until: datetime
) -> list[CheckInSlot]:
    """Slots starting in [since, until) with bookings to check in at venues of ``town_ids``."""
    attended = func.sum(case((col(Booking.status) == BookingStatus.ATTENDED.value, 1), else_=0))
    query = (
        select(Slot, Venue, ServiceCentre, func.count(col(Booking.id)))
        .add_columns(attended)
        .join(Booking, col(Booking.slot_id) == col(Slot.id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(
            col(Slot.starts_at) >= since,
            col(Slot.starts_at) < until,
            col(Booking.status).in_(
                (
                    BookingStatus.CONFIRMED.value,
                    BookingStatus.ATTENDED.value,
                    BookingStatus.NO_SHOW.value,
                )
            ),
        )
        .group_by(col(Slot.id), col(Venue.id), col(ServiceCentre.id))
        .order_by(col(Slot.starts_at), col(Venue.id))
    )
    if town_ids is not None:
        query = query.where(col(ServiceCentre.town_id).in_(town_ids))
    rows = (await session.execute(query)).all()
    return [CheckInSlot(s, v, c, int(n), int(a or 0)) for s, v, c, n, a in rows]
