"""What the door's staff screens read and do: today's events of their towns, an event's
roster, ticks and the receipt's code, walk-ins, the driver's ride list and the CSV files.

Every function checks the event is hosted by a town the staff member covers
(``Action.CHECK_IN`` through ``staff_event``); a forged id is ``NotAllowed`` and reads nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Action, Scope, can
from models.core.people import Person
from models.core.places import Town
from models.events.door import (
    ON_ROSTER,
    RosterLine,
    check_in,
    check_in_code,
    record_walk_in,
    roster,
    staff_event,
)
from models.events.tables import Event, EventOption, EventStatus, Registration, RegStatus, WalkIn


async def _town_ids(session: AsyncSession) -> list[int]:
    ids = (await session.execute(select(col(Town.id)).order_by(col(Town.id)))).scalars()
    return [t or 0 for t in ids]


@dataclass(frozen=True)
class DoorLine:
    """An event at the door today: places booked (people) and people checked in."""

    event: Event
    booked: int
    attended: int


@dataclass(frozen=True)
class Rider:
    """Someone who asked for a ride: name, phone when they shared it, people with them."""

    name: str
    phone: str | None
    party: int


@dataclass(frozen=True)
class RideStop:
    """A pick-up point with its time and riders."""

    option: EventOption
    riders: list[Rider]


async def door_events(
    session: AsyncSession, *, scopes: Iterable[Scope], day_start: datetime, day_end: datetime
) -> list[DoorLine]:
    """Published events of the staff's towns starting between ``day_start`` and ``day_end``."""
    towns = [t for t in await _town_ids(session) if can(list(scopes), Action.CHECK_IN, t)]
    query = (
        select(Event)
        .where(
            or_(col(Event.host_town_id).in_(towns), col(Event.cohost_town_id).in_(towns)),
            col(Event.status) == EventStatus.PUBLISHED.value,
            col(Event.starts_at) >= day_start,
            col(Event.starts_at) < day_end,
        )
        .order_by(col(Event.starts_at), col(Event.id))
    )
    lines = []
    for event in (await session.execute(query)).scalars():
        counts = await session.execute(
            select(col(Registration.status), func.sum(col(Registration.party_size)))
            .where(col(Registration.event_id) == event.id, col(Registration.status).in_(ON_ROSTER))
            .group_by(col(Registration.status))
        )
        by_status = {status: int(n or 0) for status, n in counts.all()}
        lines.append(DoorLine(event, sum(by_status.values()), by_status.get("attended", 0)))
    return lines


async def ride_list(
    session: AsyncSession, *, event_id: int, scopes: Iterable[Scope]
) -> tuple[Event, list[RideStop]]:
    """For each pick-up point of the event, who asked for a ride (confirmed or attended)."""
    event = await staff_event(session, event_id, scopes)
    options = (
        await session.execute(
            select(EventOption)
            .where(col(EventOption.event_id) == event_id, col(EventOption.ride).is_(True))
            .order_by(col(EventOption.pickup_at), col(EventOption.position))
        )
    ).scalars()
    stops = []
    for option in options:
        rows = await session.execute(
            select(Registration, Person)
            .join(Person, col(Person.id) == col(Registration.person_id))
            .where(
                col(Registration.option_id) == option.id,
                col(Registration.status).in_((RegStatus.CONFIRMED.value, RegStatus.ATTENDED.value)),
            )
            .order_by(col(Registration.id))
        )
        riders = [Rider(p.display_name or "—", p.phone, r.party_size) for r, p in rows.all()]
        stops.append(RideStop(option, riders))
    return event, stops


ROSTER_COLUMNS = ("registration", "name", "town", "party_size", "status", "answer", "checked_in_at")


async def door_csv(
    session: AsyncSession, *, event_id: int, scopes: Iterable[Scope], attendance: bool
) -> tuple[Event, str]:
    """The roster (everyone expected) or the attendance (who came, walk-ins too) as CSV."""
    event = await staff_event(session, event_id, scopes)
    codes = {t.id: t.code for t in (await session.execute(select(Town))).scalars()}
    options = {
        o.id: o.label_zh
        for o in (
            await session.execute(select(EventOption).where(col(EventOption.event_id) == event_id))
        ).scalars()
    }
    statuses = (RegStatus.ATTENDED.value,) if attendance else ON_ROSTER
    rows = await session.execute(
        select(Registration, Person)
        .join(Person, col(Person.id) == col(Registration.person_id))
        .where(col(Registration.event_id) == event_id, col(Registration.status).in_(statuses))
        .order_by(col(Registration.id))
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    for r, p in rows.all():
        answer = options.get(r.option_id, "") if r.option_id else (r.answer_text or "")
        checked = r.checked_in_at.isoformat() if r.checked_in_at else ""
        writer.writerow(
            (r.id, p.display_name or "", codes.get(r.town_id, ""), r.party_size, r.status,
             answer, checked)
        )  # fmt: skip
    if attendance:
        walk_ins = await session.execute(
            select(WalkIn).where(col(WalkIn.event_id) == event_id).order_by(col(WalkIn.id))
        )
        for w in walk_ins.scalars():
            writer.writerow(
                ("", "", codes.get(w.town_id, ""), w.party_size, "walk_in", "",
                 w.recorded_at.isoformat())
            )  # fmt: skip
    return event, out.getvalue()


@dataclass(frozen=True)
class DoorRoster:
    """An event at the door: its roster (in registration order) and the towns for walk-ins."""

    event: Event
    lines: list[RosterLine]
    towns: list[Town]


async def door_roster(
    session: AsyncSession, *, event_id: int, scopes: Iterable[Scope]
) -> DoorRoster:
    """The event's roster for staff of a host town; ``NotAllowed`` for anyone else."""
    lines = await roster(session, event_id=event_id, scopes=scopes)
    event = await staff_event(session, event_id, scopes)
    towns = list((await session.execute(select(Town).order_by(col(Town.id)))).scalars())
    return DoorRoster(event, lines, towns)


async def tick(
    session: AsyncSession,
    *,
    registration_id: int,
    staff: Person,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> DoorRoster:
    """Check a person in from the roster; the roster as it is then."""
    scopes = list(scopes)
    done = await check_in(
        session, registration_id=registration_id, staff=staff, scopes=scopes, now=now
    )
    return await door_roster(session, event_id=done.event_id, scopes=scopes)


@dataclass(frozen=True)
class CheckedIn:
    """Who was checked in by their code, how many people, at which event."""

    event: Event
    name: str
    party: int


async def scan_in(
    session: AsyncSession,
    *,
    code: str,
    staff: Person,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> CheckedIn:
    """Check in by the receipt's QR code (``/start ev_<code>``)."""
    done = await check_in_code(session, code=code, staff=staff, scopes=scopes, now=now)
    event = await session.get(Event, done.event_id)
    person = await session.get(Person, done.person_id)
    assert event is not None
    return CheckedIn(event, (person.display_name if person else None) or "—", done.party_size)


async def walk_in(
    session: AsyncSession,
    *,
    event_id: int,
    town_id: int | None,
    party_size: int,
    staff: Person,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> DoorRoster:
    """Record people who came without registering; the roster as it is then."""
    scopes = list(scopes)
    await record_walk_in(
        session, event_id=event_id, town_id=town_id or None, party_size=party_size,
        staff=staff, scopes=scopes, now=now,
    )  # fmt: skip
    return await door_roster(session, event_id=event_id, scopes=scopes)
