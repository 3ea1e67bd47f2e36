"""Check-in: volunteers and admins mark attendance from the day's roster, or by the receipt's code.

Staff see and check in only bookings at venues of the towns their role covers; a forged or
foreign id is ``NotAllowed``. A resident is checked in once, on the day of the visit, and is
then asked to rate it (``models.booking.feedback``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.bookings import Booking, BookingStatus, BookingView
from models.booking.calendar import TOWNS_TZ
from models.booking.feedback import ask_for_rating
from models.booking.slots import Slot, day_bounds, slot_rows
from models.booking.staff import Page, page_of, staff_booking, venue_town
from models.core.audit import record_audit
from models.core.authz import Action, Scope, can, holds, towns_allowed
from models.core.base import get_or_raise, utcnow
from models.core.errors import DomainError, NotAllowed
from models.core.people import Person
from models.core.places import ServiceCentre, Town, Venue
from models.core.tickets import looks_like_code

SLOTS_PER_PAGE = 8
PEOPLE_PER_PAGE = 10
SAME_DAY = timedelta(hours=12)  # how far from the slot's start a check-in still counts
ON_ROSTER = (
    BookingStatus.CONFIRMED.value,
    BookingStatus.ATTENDED.value,
    BookingStatus.NO_SHOW.value,
)


class NotCheckable(DomainError):
    """Check-in is only for confirmed bookings on the day of the visit."""

    message_id = "checkin.error.not_today"


class AlreadyCheckedIn(DomainError):
    """The booking was checked in before."""

    message_id = "checkin.error.already"


class StaffOnly(DomainError):
    """A receipt's code was scanned by someone who does not check people in (the resident)."""

    message_id = "checkin.error.staff_only"


class CodeRefused(DomainError):
    """The scanned code is unknown, no longer valid, or for a venue of another town."""

    message_id = "checkin.error.other_town"


@dataclass(frozen=True)
class CheckInSlot:
    """A slot with people to check in, for the staff's list of the day."""

    slot: Slot
    venue: Venue
    centre: ServiceCentre
    booked: int  # bookings to check in: confirmed, attended or no-show
    attended: int


@dataclass(frozen=True)
class CheckInDay:
    """Today's slots with people to check in at the staff member's towns, a page of them."""

    day: date
    slots: Page[CheckInSlot]


@dataclass(frozen=True)
class Roster:
    """The people booked into one slot, a page of them, and how many came so far."""

    slot: Slot
    venue: Venue
    centre: ServiceCentre
    people: Page[tuple[Booking, Person]]
    attended: int


@dataclass(frozen=True)
class CheckedIn:
    """A booking checked in by its code, with the resident it belongs to."""

    view: BookingView
    resident: Person | None


async def _checking_towns(session: AsyncSession, scopes: Iterable[Scope]) -> frozenset[int]:
    towns = (await session.execute(select(col(Town.id)))).scalars()
    return towns_allowed(scopes, Action.CHECK_IN, (t for t in towns if t is not None))


async def slots_to_check_in(
    session: AsyncSession, town_ids: frozenset[int], *, since: datetime, until: datetime
) -> list[CheckInSlot]:
    """Slots starting in [since, until) with bookings to check in at venues of ``town_ids``."""
    attended = func.sum(case((col(Booking.status) == BookingStatus.ATTENDED.value, 1), else_=0))
    query = (
        slot_rows()
        .add_columns(func.count(col(Booking.id)), attended)
        .join(Booking, col(Booking.slot_id) == col(Slot.id))
        .where(
            col(Slot.starts_at) >= since,
            col(Slot.starts_at) < until,
            col(Booking.status).in_(ON_ROSTER),
            col(ServiceCentre.town_id).in_(town_ids),
        )
        .group_by(col(Slot.id), col(Venue.id), col(ServiceCentre.id))
        .order_by(col(Slot.starts_at), col(Venue.id))
    )
    rows = (await session.execute(query)).all()
    return [CheckInSlot(s, v, c, int(n), int(a or 0)) for s, v, c, n, a in rows]


async def checkin_day(
    session: AsyncSession,
    *,
    scopes: Iterable[Scope],
    page: int = 0,
    tz: ZoneInfo = TOWNS_TZ,
    now: datetime | None = None,
) -> CheckInDay:
    """Today's slots with bookings to check in, at the towns the staff member's role covers."""
    today = (now or utcnow()).astimezone(tz).date()
    since, until = day_bounds(today, tz)
    towns = await _checking_towns(session, scopes)
    found = await slots_to_check_in(session, towns, since=since, until=until)
    return CheckInDay(today, page_of(found, page, SLOTS_PER_PAGE))


async def checkin_roster(
    session: AsyncSession, *, scopes: Iterable[Scope], slot_id: int, page: int = 0
) -> Roster:
    """The people booked into a slot, for staff of the venue's town."""
    slot = await get_or_raise(session, Slot, slot_id, NotAllowed)
    if not can(scopes, Action.CHECK_IN, await venue_town(session, slot)):
        raise NotAllowed()
    venue = await get_or_raise(session, Venue, slot.venue_id)
    centre = await get_or_raise(session, ServiceCentre, venue.centre_id)
    query = (
        select(Booking, Person)
        .join(Person, col(Person.id) == col(Booking.person_id))
        .where(col(Booking.slot_id) == slot_id, col(Booking.status).in_(ON_ROSTER))
        .order_by(col(Booking.id))
    )
    people = [(b, p) for b, p in (await session.execute(query)).all()]
    attended = sum(b.status == BookingStatus.ATTENDED.value for b, _ in people)
    return Roster(slot, venue, centre, page_of(people, page, PEOPLE_PER_PAGE), attended)


async def _check_in(
    session: AsyncSession,
    staff: Person,
    scopes: Iterable[Scope],
    booking_id: int,
    now: datetime,
) -> BookingView:
    """Mark a confirmed booking of today attended (audited), and ask the resident to rate it."""
    view = await staff_booking(session, booking_id, scopes, Action.CHECK_IN)
    booking = view.booking
    if booking.status == BookingStatus.ATTENDED.value:
        raise AlreadyCheckedIn()
    if booking.status not in (BookingStatus.CONFIRMED.value, BookingStatus.NO_SHOW.value):
        raise NotCheckable()
    if abs(view.slot.starts_at - now) > SAME_DAY:
        raise NotCheckable()
    booking.status, booking.checked_in_at = BookingStatus.ATTENDED.value, now
    booking.checked_in_by_id, booking.updated_at = staff.id, now
    await session.flush()
    await record_audit(session, staff.id, "booking.check_in", "booking", booking.id)
    await ask_for_rating(session, booking, view.slot)
    return view


async def check_in_from_roster(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    booking_id: int,
    page: int = 0,
    now: datetime | None = None,
) -> Roster:
    """Check a booking in from its slot's roster; returns the roster as it now is."""
    view = await _check_in(session, person, scopes, booking_id, now or utcnow())
    return await checkin_roster(session, scopes=scopes, slot_id=view.booking.slot_id, page=page)


async def check_in_with_code(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    code: str,
    now: datetime | None = None,
) -> CheckedIn:
    """Check a booking in by its receipt's code, scanned by staff of the venue's town."""
    scopes = list(scopes)
    if not holds(scopes, Action.CHECK_IN):
        raise StaffOnly()
    if not looks_like_code(code):
        raise CodeRefused()
    query = select(col(Booking.id)).where(col(Booking.code) == code)
    booking_id = (await session.execute(query)).scalar_one_or_none()
    if booking_id is None:
        raise CodeRefused()
    try:
        view = await _check_in(session, person, scopes, booking_id, now or utcnow())
    except NotAllowed:
        raise CodeRefused() from None
    return CheckedIn(view, await session.get(Person, view.booking.person_id))
