"""The proxy's and the resident's sides of a proxy booking, as the conversation asks them: the
proxy names the resident by phone, and the resident answers the one-tap question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.booking.bookings import BookingView, booking_view
from models.booking.proxies import ResidentNotFound, answer_proxy_booking, look_up_resident
from models.booking.proxy_consent import name_for_proxy
from models.booking.proxy_notices import WITHDRAWN, tell_proxy_answer
from models.booking.rules import BookingNotActive
from models.booking.tables import ACTIVE, Booking, ProxyConsent, id_of
from models.core.base import get_or_raise
from models.core.errors import DomainError
from models.core.people import Person
from models.core.places import Town

PHONE_MAX = 40


class AlreadyAnswered(DomainError):
    """The resident tapped again after answering; the booking stands as they said."""

    message_id = "proxy.answered.already"


class RequestWithdrawn(DomainError):
    """The proxy withdrew the booking before the resident answered; the answer changes nothing."""

    message_id = "proxy.error.withdrawn"


@dataclass(frozen=True)
class Resident:
    """The resident a proxy books for, as "is this them?" shows them to that proxy: the name
    masked until the resident's standing consent to the proxy is on record, and the town."""

    id: int
    name: str
    town: Town | None


async def _resident(session: AsyncSession, resident: Person, proxy: Person) -> Resident:
    town = await session.get(Town, resident.town_id) if resident.town_id else None
    return Resident(id_of(resident), await name_for_proxy(session, resident, proxy.id), town)


@dataclass(frozen=True)
class PhoneLookup:
    """A proxy's phone lookup: the resident found, or the refusal to explain (one of the two).

    Refusals are returned, not raised: the lookup was counted and audited in this transaction,
    and a raised error would roll that record back (and guessing would cost nothing again).
    """

    resident: Resident | None = None
    refused: DomainError | None = None


async def resident_by_phone(
    session: AsyncSession,
    *,
    person: Person,
    phone: str,
    per_hour: int,
    now: datetime | None = None,
) -> PhoneLookup:
    """The registered resident with this phone number (never the proxy themself), at most
    ``per_hour`` lookups a rolling hour; see ``models.booking.proxies``."""
    try:
        found = await look_up_resident(
            session, person, phone[:PHONE_MAX], per_hour=per_hour, now=now
        )
    except DomainError as error:
        return PhoneLookup(refused=error)
    return PhoneLookup(resident=await _resident(session, found, person))


async def has_booked_for_others(session: AsyncSession, *, person: Person) -> bool:
    """Whether ``person`` ever booked for someone else (or was given standing consent to): only
    then does the booking flow open by asking whom it is for."""
    params = {"me": id_of(person)}
    for query in _BOOKED_FOR_OTHERS:
        if (await session.execute(query, params)).first() is not None:
            return True
    return False


_BOOKED_FOR_OTHERS = (  # built once: every booking flow opens with this question
    select(col(Booking.id))
    .where(col(Booking.booked_by_id) == bindparam("me"), col(Booking.person_id) != bindparam("me"))
    .limit(1),
    select(col(ProxyConsent.id)).where(col(ProxyConsent.proxy_id) == bindparam("me")).limit(1),
)


async def proxied_resident(session: AsyncSession, *, person: Person, resident_id: int) -> Resident:
    """The resident the proxy ``person`` named before (``ResidentNotFound`` once they are gone)."""
    resident = await get_or_raise(session, Person, resident_id, ResidentNotFound)
    return await _resident(session, resident, person)


@dataclass(frozen=True)
class ProxyAnswered:
    """The resident's answer, the booking as it now is, and who booked it for them."""

    answer: str
    view: BookingView
    proxy_name: str | None


async def answer_proxy_question(
    session: AsyncSession, *, person: Person, booking_id: int, answer: str
) -> ProxyAnswered:
    """The resident's tap (``ok``, ``always`` or ``no``); the proxy is told the answer.

    Only the named resident may answer; a second tap gets ``AlreadyAnswered`` while the booking
    stands, ``RequestWithdrawn`` once the proxy withdrew it, ``BookingNotActive`` once it has
    ended otherwise.
    """
    try:
        booking = await answer_proxy_booking(session, booking_id, person, answer)
    except BookingNotActive:
        current = await session.get(Booking, booking_id)
        if current is not None and current.status in ACTIVE:
            raise AlreadyAnswered() from None
        if current is not None and current.decline_reason == WITHDRAWN:
            raise RequestWithdrawn() from None
        raise
    await tell_proxy_answer(session, booking, person, agreed=answer != "no")
    view = await booking_view(session, booking_id)
    proxy = await session.get(Person, booking.booked_by_id) if booking.booked_by_id else None
    return ProxyAnswered(answer, view, proxy.display_name if proxy else None)
