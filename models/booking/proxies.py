"""Proxy booking: a family member or volunteer books for a named resident, with their consent.

Consent is either standing (the resident tapped "yes, always" once: a ``proxy_consent`` row) or
given per booking with one tap; until then the booking holds its places as
``awaiting_resident`` and lapses after ``ANSWER_WINDOW``.

A proxy names the resident by the phone number the resident shared. That lookup must not be an
oracle for who owns a number, so:

- each person may look up only ``per_hour`` numbers in any rolling hour (``LOOKUP_WINDOW``),
  counted from the audit log, in the database, so a restart forgets nothing; every lookup and
  every refused one writes an audit row (ids only, never the number typed);
- until the resident's standing consent to this proxy is on record, the proxy sees the name
  masked (王*姨, :func:`name_for_proxy`), here and in every later message about the booking.
  The town is still shown: there are two, it tells the proxy little they could misuse, and a
  family member needs it (with the masked name) to tell it is the right person.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.bookings import cancel_booking
from models.booking.creation import announce, slot_and_venue
from models.booking.proxy_consent import take_consent_answer
from models.booking.rules import BookingNotActive, NotYourBooking, initial_status
from models.booking.tables import Booking, BookingStatus, ProxyConsent, id_of
from models.core.audit import AuditLog, record_audit
from models.core.base import utcnow
from models.core.errors import DomainError
from models.core.people import Person, phone_key, phone_owner

ANSWER_WINDOW = timedelta(hours=2)
LOOKUP_WINDOW = timedelta(hours=1)  # lookups are counted over the last hour, rolling
LOOKUP = "proxy.lookup"  # audit actions: a lookup made, and one refused for too many
LOOKUP_REFUSED = "proxy.lookup_refused"


class ResidentNotFound(DomainError):
    """No registered resident has that phone number."""

    message_id = "proxy.error.not_found"


class NotForYourself(DomainError):
    """A proxy booking names someone else, not the proxy."""

    message_id = "proxy.error.self"


class TooManyLookups(DomainError):
    """The proxy looked up as many numbers as an hour allows; ``minutes`` until the next."""

    message_id = "proxy.error.too_many"
    plural = "minutes"


MIN_LOOKUP_DIGITS = 7  # fewer digits name no one: refused without a lookup (nor counting one)


def _wanted_key(proxy: Person, raw: str) -> str:
    """The key of the number typed; a number too short to be one, or the proxy's own, refused."""
    wanted = phone_key(raw)
    if wanted is None or len(wanted) < MIN_LOOKUP_DIGITS:
        raise ResidentNotFound()
    if wanted == proxy.phone_key:
        raise NotForYourself()
    return wanted


async def _registered_owner(session: AsyncSession, key: str) -> Person:
    found = await phone_owner(session, key)
    if found is None or found.onboarded_at is None:
        raise ResidentNotFound()
    return found


async def find_resident_by_phone(session: AsyncSession, proxy: Person, raw: str) -> Person:
    """The registered resident whose shared phone number is ``raw`` (by its indexed key).

    Neither counted nor audited: a proxy's lookup goes through :func:`look_up_resident`.
    """
    return await _registered_owner(session, _wanted_key(proxy, raw))


async def look_up_resident(
    session: AsyncSession, proxy: Person, raw: str, *, per_hour: int, now: datetime | None = None
) -> Person:
    """The resident with phone number ``raw``, as a counted and audited lookup.

    A number too short to be one, or the proxy's own, costs nothing. Otherwise, with
    ``per_hour`` lookups made in the last ``LOOKUP_WINDOW`` the lookup is refused
    (``TooManyLookups``); else it counts, found or not. Audit rows are written before an error
    is raised: the caller must commit them (``models.booking.proxying.resident_by_phone``).
    The proxy's row is locked first (PostgreSQL; SQLite writers take turns), so lookups at the
    same moment cannot all see the same count.
    """
    now, proxy_id = now or utcnow(), id_of(proxy)
    wanted = _wanted_key(proxy, raw)
    await session.execute(select(Person.id).where(col(Person.id) == proxy_id).with_for_update())
    made, oldest = await _lookups_since(session, proxy_id, now - LOOKUP_WINDOW)
    if made >= per_hour and oldest is not None:
        wait = oldest + LOOKUP_WINDOW - now
        await record_audit(session, proxy_id, LOOKUP_REFUSED, made=made)
        raise TooManyLookups(minutes=max(1, math.ceil(wait.total_seconds() / 60)))
    try:
        found = await _registered_owner(session, wanted)
    except ResidentNotFound:
        await record_audit(session, proxy_id, LOOKUP, found=False)
        raise
    await record_audit(session, proxy_id, LOOKUP, "person", found.id, found=True)
    return found


async def _lookups_since(
    session: AsyncSession, proxy_id: int, since: datetime
) -> tuple[int, datetime | None]:
    """How many lookups the proxy made since ``since``, and when the oldest of them was."""
    query = select(func.count(), func.min(AuditLog.at)).where(
        col(AuditLog.actor_id) == proxy_id,
        col(AuditLog.action) == LOOKUP,
        col(AuditLog.at) > since,
    )
    made, oldest = (await session.execute(query)).one()  # min() keeps the column's UTC type
    return int(made), oldest


async def revoke_consent(session: AsyncSession, resident: Person, proxy_id: int) -> None:
    """Withdraw standing consent."""
    await session.execute(
        update(ProxyConsent)
        .where(
            col(ProxyConsent.resident_id) == resident.id,
            col(ProxyConsent.proxy_id) == proxy_id,
            col(ProxyConsent.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )


async def answer_proxy_booking(
    session: AsyncSession, booking_id: int, resident: Person, answer: str
) -> Booking:
    """The resident's one tap: ``ok`` (this once), ``always`` (and from now on) or ``no``."""
    booking = await session.get(Booking, booking_id)
    if booking is None or booking.person_id != resident.id:
        raise NotYourBooking()
    if booking.status != BookingStatus.AWAITING_RESIDENT.value:
        raise BookingNotActive()
    if not await take_consent_answer(session, resident, booking.booked_by_id, answer):
        return await cancel_booking(session, booking, resident, status=BookingStatus.DECLINED)
    slot, venue = await slot_and_venue(session, booking.slot_id)
    now = utcnow()
    status = initial_status(venue, resident_agreed=True)
    booking.status, booking.updated_at = status.value, now
    await session.flush()
    await record_audit(session, resident.id, "proxy.agree", "booking", booking.id)
    await announce(session, booking, slot, venue, now=now)
    return booking


async def lapse_unanswered(session: AsyncSession, now: datetime | None = None) -> int:
    """Proxy bookings the resident did not answer within ``ANSWER_WINDOW`` are cancelled."""
    now = now or utcnow()
    query = select(Booking).where(
        col(Booking.status) == BookingStatus.AWAITING_RESIDENT.value,
        col(Booking.created_at) <= now - ANSWER_WINDOW,
    )
    lapsed = list((await session.execute(query)).scalars())
    for booking in lapsed:
        resident = await session.get(Person, booking.person_id)
        if resident is None:  # erased meanwhile: their bookings went with them
            continue
        await cancel_booking(session, booking, resident, reason="unanswered", now=now)
    return len(lapsed)
