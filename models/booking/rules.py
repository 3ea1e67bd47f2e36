"""The rules a booking must meet, each refused with a typed error that names its reason, and
the status a new booking starts in."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.calendar import TOWNS_TZ, venue_calendars, within_hours
from models.booking.tables import ACTIVE, Booking, BookingStatus, Slot, id_of
from models.core.catalogue import centre_of, town_of
from models.core.errors import DomainError
from models.core.outbox import bilingual_param
from models.core.people import Person
from models.core.places import Venue


class SlotFull(DomainError):
    """No places left in the slot; the resident may join its waitlist."""

    message_id = "booking.error.full"


class SlotUnavailable(DomainError):
    """The slot is closed, has started, or its venue is no longer offered."""

    message_id = "booking.error.unavailable"


class TooSoon(DomainError):
    """The slot starts sooner than the venue's lead time allows (``hours`` may be "1.5")."""

    message_id = "booking.error.lead_time"
    plural = "whole_hours"  # the whole number that picks the form of ``hours``


class TooFarAhead(DomainError):
    """The slot is beyond how far ahead the venue takes bookings."""

    message_id = "booking.error.horizon"
    plural = "days"


class QuotaReached(DomainError):
    """The resident already holds the most active bookings the venue allows."""

    message_id = "booking.error.quota"
    plural = "max"


class BlackoutDay(DomainError):
    """The venue is closed that day (holiday or maintenance)."""

    message_id = "booking.error.blackout"


class OutsideOpeningHours(DomainError):
    """The slot is not within the venue's opening hours."""

    message_id = "booking.error.hours"


class OtherTownNotAllowed(DomainError):
    """The venue takes bookings from its own town's residents only."""

    message_id = "booking.error.other_town"


class PartyTooLarge(DomainError):
    """More places asked for than the venue allows per booking."""

    message_id = "booking.error.party"
    plural = "max"


class AlreadyYours(DomainError):
    """The person already holds a booking in this slot."""

    message_id = "booking.slot.already_yours"


class NotYourBooking(DomainError):
    """The booking is not the caller's (or their proxy's); also what forged callbacks get."""

    message_id = "booking.error.not_yours"


class BookingNotActive(DomainError):
    """The booking was already cancelled, declined or is over."""

    message_id = "booking.error.not_active"


def initial_status(venue: Venue, *, resident_agreed: bool) -> BookingStatus:
    """A new booking waits for the resident (a proxy's, without consent), for an admin's
    approval (venues that need it), or is confirmed."""
    if not resident_agreed:
        return BookingStatus.AWAITING_RESIDENT
    if venue.needs_approval:
        return BookingStatus.PENDING_APPROVAL
    return BookingStatus.CONFIRMED


async def check_rules(
    session: AsyncSession,
    person: Person,
    slot: Slot,
    venue: Venue,
    *,
    party_size: int,
    active_bookings: int,
    now: datetime,
    tz: ZoneInfo = TOWNS_TZ,
) -> None:
    """Raise the first rule the booking breaks (capacity is the database's job, not this)."""
    if slot.closed or not venue.active or slot.starts_at <= now:
        raise SlotUnavailable()
    centre = await centre_of(session, venue.centre_id)
    if centre is None:
        raise SlotUnavailable()
    if not venue.other_town_allowed and person.town_id != centre.town_id:
        town = await town_of(session, centre.town_id)
        if town is None:
            raise SlotUnavailable()
        raise OtherTownNotAllowed(town=bilingual_param(town.name_zh, town.name_en))
    if slot.starts_at - now < timedelta(minutes=venue.lead_time_minutes):
        hours, whole = _hours(venue.lead_time_minutes)
        raise TooSoon(hours=hours, whole_hours=whole)
    if slot.starts_at - now > timedelta(days=venue.horizon_days):
        raise TooFarAhead(days=venue.horizon_days)
    venue_id, calendars = id_of(venue), await venue_calendars(session)
    blackout = calendars.blackout_on(venue_id, slot.starts_at.astimezone(tz).date())
    if blackout is not None:
        raise BlackoutDay(reason=bilingual_param(blackout.reason_zh, blackout.reason_en))
    if not within_hours(calendars.hours_of(venue_id), slot.starts_at, slot.ends_at, tz):
        raise OutsideOpeningHours()
    if not 1 <= party_size <= venue.max_party_size:
        raise PartyTooLarge(max=venue.max_party_size)
    if active_bookings >= venue.max_active_bookings:
        raise QuotaReached(max=venue.max_active_bookings)


def _hours(minutes: int) -> tuple[str, int]:
    """The lead time in hours as shown ("2", "1.5"), and the count that picks its plural form
    (a fraction takes the form of many: "1.5 hours")."""
    hours = minutes / 60
    if hours == int(hours):
        return str(int(hours)), int(hours)
    return f"{math.ceil(hours * 10) / 10:g}", 2


# Built once, as they run at every booking; ``excluding`` -1 stands for none (ids are positive).
_AHEAD = and_(col(Slot.starts_at) > bindparam("now"), col(Booking.id) != bindparam("excluding"))
_HELD_AT_VENUE = (
    select(func.count())
    .select_from(Booking)
    .join(Slot, col(Slot.id) == col(Booking.slot_id))
    .where(
        col(Booking.person_id) == bindparam("person_id"),
        col(Slot.venue_id) == bindparam("venue_id"),
        col(Booking.status).in_(ACTIVE),
    )
)
_COUNT_ACTIVE = _HELD_AT_VENUE.where(_AHEAD)
_STANDING = _HELD_AT_VENUE.with_only_columns(
    func.count(case((_AHEAD, 1))),
    func.max(case((col(Booking.slot_id) == bindparam("slot_id"), col(Booking.id)))),
)


def _held_params(
    person_id: int, venue_id: int, now: datetime, excluding: int | None
) -> dict[str, object]:
    return {
        "person_id": person_id,
        "venue_id": venue_id,
        "now": now,
        "excluding": -1 if excluding is None else excluding,
    }


async def standing(
    session: AsyncSession,
    person_id: int,
    slot_id: int,
    venue_id: int,
    now: datetime,
    *,
    excluding: int | None,
) -> tuple[int, int | None]:
    """In one query: the person's bookings at the venue that hold a place in a future slot
    (``excluding`` one being rescheduled), and their active booking of ``slot_id``, if any."""
    params = {**_held_params(person_id, venue_id, now, excluding), "slot_id": slot_id}
    active, here = (await session.execute(_STANDING, params)).one()
    return int(active or 0), here


async def count_active(
    session: AsyncSession, person_id: int, venue_id: int, now: datetime, *, excluding: int | None
) -> int:
    """The person's bookings at the venue that still hold a place in a future slot."""
    params = _held_params(person_id, venue_id, now, excluding)
    return int((await session.execute(_COUNT_ACTIVE, params)).scalar_one())
