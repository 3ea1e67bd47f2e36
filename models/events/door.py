"""At the door: walk-ins, check-in from the roster or by the receipt's code, and no-shows.

Staff act only at events hosted by a town their role covers (``Action.CHECK_IN``); a forged or
foreign id is ``NotAllowed``. Walk-ins take event places (never a quota); a no-show gives its
places back, so later walk-ins fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Scope, can
from models.core.base import get_or_raise, utcnow
from models.core.capacity import take
from models.core.errors import NotAllowed
from models.core.people import Person
from models.core.tickets import looks_like_code
from models.events.places import EVENT_PLACES, free_registration
from models.events.rules import AlreadyCheckedIn, EventNotFound, NoRoom, NotCheckable
from models.events.tables import Event, Registration, RegStatus, WalkIn
from models.events.waitlist import move

SAME_DAY = timedelta(hours=12)  # how far from the start a check-in still counts
NO_SHOW_AFTER = timedelta(minutes=30)  # the grace period after the start
ON_ROSTER = (RegStatus.CONFIRMED.value, RegStatus.ATTENDED.value, RegStatus.NO_SHOW.value)


@dataclass(frozen=True)
class RosterLine:
    """One registration on the door's roster, with the person's name."""

    registration: Registration
    name: str


async def staff_event(session: AsyncSession, event_id: int, scopes: Iterable[Scope]) -> Event:
    """An event the staff may work the door of (hosted by a town they cover)."""
    event = await get_or_raise(session, Event, event_id, EventNotFound)
    scopes = list(scopes)
    if not any(can(scopes, Action.CHECK_IN, town) for town in event.host_towns):
        raise NotAllowed()
    return event


async def roster(
    session: AsyncSession, *, event_id: int, scopes: Iterable[Scope]
) -> list[RosterLine]:
    """Everyone confirmed (or already marked) at the event, in registration order."""
    await staff_event(session, event_id, scopes)
    query = (
        select(Registration, Person)
        .join(Person, col(Person.id) == col(Registration.person_id))
        .where(col(Registration.event_id) == event_id, col(Registration.status).in_(ON_ROSTER))
        .order_by(col(Registration.id))
    )
    return [RosterLine(r, p.display_name or "—") for r, p in (await session.execute(query)).all()]


async def _check_in(
    session: AsyncSession, registration: Registration, event: Event, staff: Person, now: datetime
) -> Registration:
    if registration.status == RegStatus.ATTENDED.value:
        raise AlreadyCheckedIn()
    if registration.status != RegStatus.CONFIRMED.value or abs(event.starts_at - now) > SAME_DAY:
        raise NotCheckable()
    if not await move(
        session, registration, RegStatus.ATTENDED, now, checked_in_at=now, checked_in_by_id=staff.id
    ):
        raise AlreadyCheckedIn()
    await record_audit(session, staff.id, "event.check_in", "event_registration", registration.id)
    return registration


async def check_in(
    session: AsyncSession,
    *,
    registration_id: int,
    staff: Person,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> Registration:
    """Tick a person on the roster."""
    registration = await session.get(Registration, registration_id, populate_existing=True)
    if registration is None:
        raise NotAllowed()
    event = await staff_event(session, registration.event_id, scopes)
    return await _check_in(session, registration, event, staff, now or utcnow())


async def check_in_code(
    session: AsyncSession,
    *,
    code: str,
    staff: Person,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> Registration:
    """Check in by the receipt's QR code (``/start ev_<code>``)."""
    if not looks_like_code(code):
        raise NotAllowed()
    query = select(Registration).where(col(Registration.code) == code)
    registration = (await session.execute(query)).scalars().first()
    if registration is None:
        raise NotAllowed()
    event = await staff_event(session, registration.event_id, scopes)
    return await _check_in(session, registration, event, staff, now or utcnow())


async def record_walk_in(
    session: AsyncSession,
    *,
    event_id: int,
    town_id: int | None,
    party_size: int,
    staff: Person,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> WalkIn:
    """People who came without registering: they take event places (``NoRoom`` when full),
    never a town quota."""
    await staff_event(session, event_id, scopes)
    if party_size < 1:
        raise NoRoom()
    if not await take(session, EVENT_PLACES, party_size, id=event_id):
        raise NoRoom()
    walk_in = WalkIn(
        event_id=event_id,
        town_id=town_id,
        party_size=party_size,
        recorded_by_id=staff.id,
        recorded_at=now or utcnow(),
    )
    session.add(walk_in)
    await session.flush()
    return walk_in


async def mark_no_shows(session: AsyncSession, now: datetime | None = None) -> int:
    """Confirmed registrations not checked in ``NO_SHOW_AFTER`` the start become no-shows;
    their places are given back (for walk-ins). Returns how many."""
    now = now or utcnow()
    query = (
        select(Registration)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(
            col(Registration.status) == RegStatus.CONFIRMED.value,
            col(Event.starts_at) <= now - NO_SHOW_AFTER,
        )
    )
    marked = 0
    locked = query.with_for_update(skip_locked=True, of=Registration)
    for registration in (await session.execute(locked)).scalars():
        if await move(session, registration, RegStatus.NO_SHOW, now):
            await free_registration(session, registration)
            marked += 1
    return marked
