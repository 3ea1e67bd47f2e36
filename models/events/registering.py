"""Registering for an event, for oneself or for a resident (a proxy), cancelling, and changing
the party size.

A registration is created in one transaction: the row is inserted first as waiting, with
``ON CONFLICT DO NOTHING`` against the one-active-registration index (a double tap, even two
racing taps, finds the first registration), then the places are taken in the event and the
person's town quota together (``models.events.places.hold_places``). Taken: confirmed, with
reminders planned; not: it stays in the waiting line, whose order is the rows' arrival order.
Sign-ups for one event take turns (the event's row is locked first), so the position told is
exact even when hundreds arrive at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking import has_consent
from models.core.audit import record_audit
from models.core.base import N_, get_or_raise, upsert_insert, utcnow
from models.core.capacity import take
from models.core.people import Person
from models.core.tickets import new_code
from models.events.notices import drop_reminders, plan_reminders, send_receipt, tell
from models.events.places import (
    QUOTA_PLACES,
    free_places,
    free_registration,
    has_quota,
    hold_places,
    use_held_back,
)
from models.events.rules import (
    AnswerNeeded,
    ConsentNeeded,
    EventNotFound,
    NoRoom,
    NotYourRegistration,
    RegistrationGone,
    check_audience,
    check_open,
    check_party,
)
from models.events.tables import (
    ACTIVE,
    ACTIVE_SQL,
    Event,
    EventOption,
    QuestionKind,
    Registration,
    RegStatus,
)
from models.events.waitlist import move, offer_freed_places, waiting_position

ANSWER_MAX = 256


@dataclass(frozen=True)
class Registered:
    """The outcome of registering: the registration, whether this call made it, and the place
    in the waiting line when it waits (None when confirmed)."""

    registration: Registration
    created: bool
    position: int | None


async def active_registration(
    session: AsyncSession, event_id: int, person_id: int
) -> Registration | None:
    """The person's active registration (confirmed, waiting or offered) for the event."""
    query = select(Registration).where(
        col(Registration.event_id) == event_id,
        col(Registration.person_id) == person_id,
        col(Registration.status).in_(ACTIVE),
    )
    return (await session.execute(query)).scalars().first()


async def _check_answer(
    session: AsyncSession, event: Event, option_id: int | None, answer_text: str | None
) -> tuple[int | None, str | None]:
    if event.question_kind == QuestionKind.CHOICE.value:
        option = await session.get(EventOption, option_id) if option_id is not None else None
        if option is None or option.event_id != event.id:
            raise AnswerNeeded()
        return option_id, None
    if event.question_kind == QuestionKind.TEXT.value:
        answer = (answer_text or "").strip()
        if not answer or len(answer) > ANSWER_MAX:
            raise AnswerNeeded()
        return None, answer
    return None, None


async def check_registrable(
    session: AsyncSession,
    event: Event,
    person: Person,
    party_size: int,
    option_id: int | None,
    answer_text: str | None,
    now: datetime,
) -> tuple[int | None, str | None]:
    """Refuse what ``register`` would refuse before any place is taken (closed, audience,
    party, the question's answer); the answer as kept."""
    check_open(event, now)
    check_audience(event, person)
    check_party(event, party_size)
    return await _check_answer(session, event, option_id, answer_text)


async def _check_proxy(
    session: AsyncSession, person: Person, booked_by: Person | None, resident_agreed: bool
) -> int | None:
    """The proxy's id, after the booking rules for proxies: standing consent, or the
    resident's yes this time (asked by the conversation)."""
    if booked_by is None or booked_by.id == person.id:
        return None
    if not resident_agreed and not await has_consent(session, person.id or 0, booked_by.id or 0):
        raise ConsentNeeded()
    return booked_by.id


async def register(
    session: AsyncSession,
    *,
    person: Person,
    event_id: int,
    party_size: int = 1,
    option_id: int | None = None,
    answer_text: str | None = None,
    booked_by: Person | None = None,
    resident_agreed: bool = False,
    from_held_back: bool = False,
    now: datetime | None = None,
) -> Registered:
    """Register ``person`` (maybe by a proxy, or by staff on a held-back place); idempotent
    per person and event. Confirmed when the event and the town quota both take the places,
    else waiting with a position."""
    now = now or utcnow()
    # The event's row is locked first (PostgreSQL; SQLite has one writer anyway): sign-ups
    # for one event take turns from the insert to the commit, so the line's order is the
    # commit order and the position a person is told counts everyone ahead of them.
    event = await session.get(Event, event_id, with_for_update=True, populate_existing=True)
    if event is None:
        raise EventNotFound()
    option_id, answer_text = await check_registrable(
        session, event, person, party_size, option_id, answer_text, now
    )
    proxy_id = await _check_proxy(session, person, booked_by, resident_agreed)
    statement = (
        upsert_insert(session, Registration, orm=True)
        .values(
            event_id=event_id,
            person_id=person.id,
            booked_by_id=proxy_id,
            town_id=person.town_id,
            party_size=party_size,
            status=RegStatus.WAITLISTED.value,
            option_id=option_id,
            answer_text=answer_text,
            from_held_back=from_held_back,
            code=new_code(),
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(
            index_elements=["event_id", "person_id"], index_where=text(ACTIVE_SQL)
        )
        .returning(Registration)
    )
    registration = (await session.scalars(statement)).one_or_none()
    if registration is None:  # a double tap: the first registration stands
        existing = await active_registration(session, event_id, person.id or 0)
        if existing is None:
            raise RegistrationGone()
        return await _outcome(session, existing, created=False)
    if await _take(session, event_id, person.town_id, party_size, from_held_back):
        registration.status = RegStatus.CONFIRMED.value
        await session.flush()
        await plan_reminders(session, registration, event, now)
        await send_receipt(session, registration, event)
    actor = booked_by or person
    await record_audit(
        session, actor.id, "event.register", "event_registration", registration.id,
        event=event_id, status=registration.status,
    )  # fmt: skip
    return await _outcome(session, registration, created=True)


async def _take(
    session: AsyncSession, event_id: int, town_id: int | None, places: int, held: bool
) -> bool:
    if not held:
        return await hold_places(session, event_id, town_id, places)
    if not await use_held_back(session, event_id, places):
        raise NoRoom()
    quota = {"event_id": event_id, "town_id": town_id}
    if await has_quota(session, event_id, town_id) and not await take(
        session, QUOTA_PLACES, places, **quota
    ):
        raise NoRoom()  # the transaction rolls the held-back places back
    return True


async def _outcome(session: AsyncSession, registration: Registration, created: bool) -> Registered:
    waiting = registration.status == RegStatus.WAITLISTED.value
    place = await waiting_position(session, registration) if waiting else None
    return Registered(registration, created, place)


async def owned_registration(
    session: AsyncSession, registration_id: int, person: Person
) -> Registration:
    """A registration of the person's own or made by them as proxy; others' are refused."""
    registration = await session.get(Registration, registration_id, populate_existing=True)
    if registration is None or person.id not in (
        registration.person_id,
        registration.booked_by_id,
    ):
        raise NotYourRegistration()
    return registration


async def cancel_registration(
    session: AsyncSession, *, registration_id: int, person: Person, now: datetime | None = None
) -> Registration:
    """Cancel (or leave the waiting line); freed places are offered at once. The other of
    resident and proxy is told."""
    now = now or utcnow()
    registration = await owned_registration(session, registration_id, person)
    if registration.status not in ACTIVE:
        raise RegistrationGone()
    held = registration.status != RegStatus.WAITLISTED.value
    if not await move(session, registration, RegStatus.CANCELLED, now):
        raise RegistrationGone()  # an accept, a lapse or another cancel came first
    await drop_reminders(session, registration)
    if held:
        await free_registration(session, registration)
        await offer_freed_places(session, registration.event_id, now)
    if registration.booked_by_id is not None:
        await tell(session, registration, "cancelled", N_("events.registration.cancelled"))
    await record_audit(
        session, person.id, "event.cancel_registration", "event_registration", registration.id
    )
    return registration


async def change_party(
    session: AsyncSession,
    *,
    registration_id: int,
    person: Person,
    party_size: int,
    now: datetime | None = None,
) -> Registration:
    """Change a registration's party size within the event's maximum: more people take more
    places (refused with ``NoRoom`` when there are none), fewer give places back."""
    now = now or utcnow()
    registration = await owned_registration(session, registration_id, person)
    if registration.status not in ACTIVE:
        raise RegistrationGone()
    event = await get_or_raise(session, Event, registration.event_id, EventNotFound)
    check_open(event, now)
    check_party(event, party_size)
    change = party_size - registration.party_size
    holding = registration.status != RegStatus.WAITLISTED.value
    if holding and change > 0:
        if not await hold_places(session, event.id or 0, registration.town_id, change):
            raise NoRoom()
    elif holding and change < 0:
        await free_places(session, event.id or 0, registration.town_id, -change)
    registration.party_size = party_size
    registration.updated_at = now
    await session.flush()
    if holding and change < 0:
        await offer_freed_places(session, registration.event_id, now)
    return registration
