"""The proxy's and the resident's sides of a proxy booking, as the conversation asks them: the
proxy names the resident by phone, and the resident answers the one-tap question."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.bookings import BookingView, booking_view
from models.booking.proxies import ResidentNotFound, answer_proxy_booking, find_resident_by_phone
from models.booking.proxy_notices import tell_proxy_answer
from models.booking.rules import BookingNotActive
from models.booking.tables import ACTIVE, Booking, id_of
from models.core.base import get_or_raise
from models.core.errors import DomainError
from models.core.people import Person
from models.core.places import Town

PHONE_MAX = 40
PROXY_ANSWERS = ("ok", "always", "no")


class AlreadyAnswered(DomainError):
    """The resident tapped again after answering; the booking stands as they said."""

    message_id = "proxy.answered.already"


@dataclass(frozen=True)
class Resident:
    """The resident a proxy books for, as "is this them?" shows them."""

    id: int
    name: str | None
    town: Town | None


async def _resident(session: AsyncSession, person: Person) -> Resident:
    town = await session.get(Town, person.town_id) if person.town_id else None
    return Resident(id_of(person), person.display_name, town)


async def resident_by_phone(session: AsyncSession, *, person: Person, phone: str) -> Resident:
    """The registered resident with this phone number (never the proxy themself)."""
    return await _resident(
        session, await find_resident_by_phone(session, person, phone[:PHONE_MAX])
    )


async def proxied_resident(session: AsyncSession, *, resident_id: int) -> Resident:
    """The resident a proxy named before (``ResidentNotFound`` once they are gone)."""
    return await _resident(
        session, await get_or_raise(session, Person, resident_id, ResidentNotFound)
    )


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
    stands, ``BookingNotActive`` once it has ended.
    """
    try:
        booking = await answer_proxy_booking(session, booking_id, person, answer)
    except BookingNotActive:
        current = await session.get(Booking, booking_id)
        if current is not None and current.status in ACTIVE:
            raise AlreadyAnswered() from None
        raise
    await tell_proxy_answer(session, booking, person, agreed=answer != "no")
    view = await booking_view(session, booking_id)
    proxy = await session.get(Person, booking.booked_by_id) if booking.booked_by_id else None
    return ProxyAnswered(answer, view, proxy.display_name if proxy else None)
