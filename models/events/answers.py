"""What the resident conversations need in one transaction each: a registration with its
event as the screens show it, registering with the receipt's details, and the answer to the
day-before reminder ("1" coming, "2" cancel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.audit import record_audit
from models.core.base import utcnow
from models.core.people import Person
from models.events.listing import EventDetails, event_details
from models.events.registering import (
    cancel_registration,
    change_party,
    owned_registration,
)
from models.events.rules import RegistrationGone
from models.events.tables import Registration, RegStatus
from models.events.waitlist import accept_offer, decline_offer, waiting_position


@dataclass(frozen=True)
class RegistrationView:
    """A registration of the person's (or made by them for someone else), with its event as
    the resident screens show it; ``resident`` names the person registered when that is
    someone else; ``position`` is the place in the waiting line when waiting."""

    registration: Registration
    details: EventDetails
    resident: str | None
    position: int | None


async def view_of(
    session: AsyncSession, registration: Registration, person: Person
) -> RegistrationView:
    """The registration as ``person`` (the resident, or their proxy) sees it."""
    resident = person
    if registration.person_id != person.id:
        resident = await session.get(Person, registration.person_id) or person
    details = await event_details(session, event_id=registration.event_id, person=resident)
    waiting = registration.status == RegStatus.WAITLISTED.value
    position = await waiting_position(session, registration) if waiting else None
    name = resident.display_name if resident is not person else None
    return RegistrationView(registration, details, name, position)


async def registration_view(
    session: AsyncSession, *, registration_id: int, person: Person
) -> RegistrationView:
    """One of the person's registrations (own, or made as proxy); others' are refused."""
    registration = await owned_registration(session, registration_id, person)
    return await view_of(session, registration, person)


async def cancel_and_view(
    session: AsyncSession, *, registration_id: int, person: Person, now: datetime | None = None
) -> RegistrationView:
    """``cancel_registration``, and what was cancelled, for the words that confirm it."""
    registration = await cancel_registration(
        session, registration_id=registration_id, person=person, now=now
    )
    return await view_of(session, registration, person)


async def answer_reminder(
    session: AsyncSession,
    *,
    registration_id: int,
    person: Person,
    coming: bool,
    now: datetime | None = None,
) -> RegistrationView:
    """The reminder's answer: 1 coming (noted), 2 cancel (places offered on at once)."""
    now = now or utcnow()
    if not coming:
        return await cancel_and_view(
            session, registration_id=registration_id, person=person, now=now
        )
    registration = await owned_registration(session, registration_id, person)
    if registration.status != RegStatus.CONFIRMED.value:
        raise RegistrationGone()
    registration.attendance_reply, registration.updated_at = "coming", now
    await session.flush()
    await record_audit(session, person.id, "event.coming", "event_registration", registration.id)
    return await view_of(session, registration, person)


async def answer_offer(
    session: AsyncSession,
    *,
    registration_id: int,
    person: Person,
    accept: bool,
    now: datetime | None = None,
) -> RegistrationView:
    """Accept (the held places become the person's) or decline (passed on at once) an offer."""
    use_case = accept_offer if accept else decline_offer
    registration = await use_case(session, registration_id=registration_id, person=person, now=now)
    return await view_of(session, registration, person)


async def change_and_view(
    session: AsyncSession,
    *,
    registration_id: int,
    person: Person,
    party_size: int,
    now: datetime | None = None,
) -> RegistrationView:
    """``change_party``, and the registration as it now is."""
    registration = await change_party(
        session, registration_id=registration_id, person=person, party_size=party_size, now=now
    )
    return await view_of(session, registration, person)
