"""The event's waiting line on the shared engine (``models.core.offers``): freed places are
offered in arrival order to the first waiting person whose party fits the event's places and
their town's quota; the offer holds the places and lapses after ``OFFER_WINDOW`` (sooner close
to the event), then passes on. Held-back places join the freed ones at their release time.

Every status change is a compare-and-set (``UPDATE … WHERE status = <the status read>``), so an
accept racing a cancel on the same offer lets exactly one of them win.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.base import N_, utcnow
from models.core.offers import Queue, lapse_due, offer_deadline, offer_in_turn, position
from models.core.people import Person
from models.events.notices import plan_reminders, send_offer, tell
from models.events.places import free_registration, hold_places, release_held_back
from models.events.rules import NotYourRegistration, OfferGone
from models.events.tables import Event, EventStatus, Registration, RegStatus

OFFER_WINDOW = timedelta(hours=12)
OFFER_MARGIN = timedelta(hours=3)  # an offer ends this long before the start, for the next
LINE = Queue(
    Registration,
    "event_id",
    waiting=RegStatus.WAITLISTED.value,
    offered=RegStatus.OFFERED.value,
    lapsed=RegStatus.CANCELLED.value,
)


async def move(
    session: AsyncSession,
    registration: Registration,
    to: RegStatus,
    now: datetime,
    **values: object,
) -> bool:
    """Change a registration's status if nobody changed it since it was read (compare-and-set)."""
    result = await session.execute(
        update(Registration)
        .where(
            col(Registration.id) == registration.id, col(Registration.status) == registration.status
        )
        .values(status=to.value, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(registration)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def waiting_position(session: AsyncSession, registration: Registration) -> int:
    """1 for the first person waiting."""
    return await position(session, LINE, registration)


async def offer_freed_places(
    session: AsyncSession, event_id: int, now: datetime | None = None
) -> int:
    """Offer free places to the people waiting, in order; returns how many offers were made."""
    now = now or utcnow()
    event = await session.get(Event, event_id, populate_existing=True)
    if event is None or event.status != EventStatus.PUBLISHED.value or event.starts_at <= now:
        return 0
    open_event = event

    async def hold(registration: Registration) -> bool:
        return await hold_places(session, event_id, registration.town_id, registration.party_size)

    async def send(registration: Registration) -> None:
        await send_offer(session, registration, open_event)

    return await offer_in_turn(
        session,
        LINE,
        event_id,
        hold=hold,
        send=send,
        now=now,
        expires_at=offer_deadline(now, event.starts_at, OFFER_WINDOW, OFFER_MARGIN),
    )


async def open_offer(
    session: AsyncSession, registration_id: int, person: Person, now: datetime
) -> Registration:
    """The person's own offer that is still open; ``OfferGone`` otherwise (forged ids refused)."""
    registration = await session.get(Registration, registration_id, populate_existing=True)
    if registration is None or person.id not in (
        registration.person_id,
        registration.booked_by_id,
    ):
        raise NotYourRegistration()
    expires = registration.offer_expires_at
    if registration.status != RegStatus.OFFERED.value or expires is None or expires <= now:
        raise OfferGone()
    return registration


async def accept_offer(
    session: AsyncSession, *, registration_id: int, person: Person, now: datetime | None = None
) -> Registration:
    """Take up an offer: the held places become the person's; reminders are planned."""
    now = now or utcnow()
    registration = await open_offer(session, registration_id, person, now)
    if not await move(session, registration, RegStatus.CONFIRMED, now):
        raise OfferGone()
    event = await session.get(Event, registration.event_id)
    if event is not None:
        await plan_reminders(session, registration, event, now)
    await record_audit(
        session, person.id, "event.offer_accepted", "event_registration", registration.id
    )
    return registration


async def decline_offer(
    session: AsyncSession, *, registration_id: int, person: Person, now: datetime | None = None
) -> Registration:
    """Say no to an offer: it leaves the line, its places pass to the next person at once."""
    now = now or utcnow()
    registration = await open_offer(session, registration_id, person, now)
    if not await move(session, registration, RegStatus.CANCELLED, now):
        raise OfferGone()
    await free_registration(session, registration)
    await offer_freed_places(session, registration.event_id, now)
    return registration


async def lapse_offers(session: AsyncSession, now: datetime | None = None) -> int:
    """Lapse offers past their time (the person is told) and pass their places on."""
    now = now or utcnow()
    lapsed = await lapse_due(session, LINE, now)
    for registration in lapsed:
        registration.updated_at = now
        await free_registration(session, registration)
        await tell(session, registration, "lapsed", N_("events.offer.lapsed"), urgent=False)
    for event_id in dict.fromkeys(r.event_id for r in lapsed):
        await offer_freed_places(session, event_id, now)
    return len(lapsed)


async def release_due_held_back(session: AsyncSession, now: datetime | None = None) -> int:
    """Give held-back places whose release time has come to the waiting line; returns how
    many places were released."""
    now = now or utcnow()
    query = select(Event.id).where(
        col(Event.held_back) > 0,
        col(Event.held_back_until) <= now,
        col(Event.status) == EventStatus.PUBLISHED.value,
    )
    released = 0
    for event_id in (await session.execute(query)).scalars().all():
        if event_id is None:
            continue
        released += await release_held_back(session, event_id, now)
        await offer_freed_places(session, event_id, now)
    return released
