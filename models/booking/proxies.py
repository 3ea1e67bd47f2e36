"""Proxy booking: a family member or volunteer books for a named resident, with their consent.

Consent is either standing (the resident tapped "yes, always" once: a ``proxy_consent`` row) or
given per booking with one tap; until then the booking holds its places as
``awaiting_resident`` and lapses after ``ANSWER_WINDOW``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.bookings import cancel_booking
from models.booking.creation import announce, slot_and_venue
from models.booking.rules import BookingNotActive, NotYourBooking, initial_status
from models.booking.tables import Booking, BookingStatus, ProxyConsent, id_of
from models.core.audit import record_audit
from models.core.base import utcnow
from models.core.errors import DomainError
from models.core.people import Person

ANSWER_WINDOW = timedelta(hours=2)


class ResidentNotFound(DomainError):
    """No registered resident has that phone number."""

    message_id = "proxy.error.not_found"


class NotForYourself(DomainError):
    """A proxy booking names someone else, not the proxy."""

    message_id = "proxy.error.self"


_DIGITS = re.compile(r"\D+")


def normalise_phone(raw: str) -> str:
    """Digits only, without a leading +86 / 0086 (phones are stored as shared by Telegram)."""
    digits = _DIGITS.sub("", raw)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


async def find_resident_by_phone(session: AsyncSession, proxy: Person, raw: str) -> Person:
    """The registered resident whose shared phone number is ``raw``."""
    wanted = normalise_phone(raw)
    if len(wanted) < 7:
        raise ResidentNotFound()
    query = select(Person).where(
        col(Person.phone).is_not(None), col(Person.onboarded_at).is_not(None)
    )
    for person in (await session.execute(query)).scalars():
        if normalise_phone(person.phone or "") == wanted:
            if person.id == proxy.id:
                raise NotForYourself()
            return person
    raise ResidentNotFound()


async def has_consent(session: AsyncSession, resident_id: int, proxy_id: int) -> bool:
    """Whether the resident gave standing consent to this proxy."""
    query = select(ProxyConsent.id).where(
        col(ProxyConsent.resident_id) == resident_id,
        col(ProxyConsent.proxy_id) == proxy_id,
        col(ProxyConsent.revoked_at).is_(None),
    )
    return (await session.execute(query)).first() is not None


async def grant_consent(session: AsyncSession, resident: Person, proxy_id: int) -> None:
    """Record standing consent (idempotent)."""
    resident_id = id_of(resident)
    if not await has_consent(session, resident_id, proxy_id):
        session.add(ProxyConsent(resident_id=resident_id, proxy_id=proxy_id))
        await session.flush()
        await record_audit(session, resident_id, "proxy.consent", "person", proxy_id)


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
    if answer == "no":
        return await cancel_booking(session, booking, resident, status=BookingStatus.DECLINED)
    if answer == "always" and booking.booked_by_id is not None:
        await grant_consent(session, resident, booking.booked_by_id)
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
