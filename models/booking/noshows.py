"""No-shows: confirmed bookings nobody checked in become no-shows after the venue's grace time,
and admins see the residents who missed several bookings lately at their towns' venues."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.bookings import Booking, BookingStatus
from models.booking.slots import Slot
from models.core.authz import Scope, admin_towns
from models.core.base import utcnow
from models.core.people import Person
from models.core.places import Community, ServiceCentre, Venue

NO_SHOW_DAYS = 90  # how far back the report looks
NO_SHOW_LINES = 30  # people listed by name; the rest are counted
REPEATED = 2  # misses that make someone a repeat case


@dataclass(frozen=True)
class NoShowLine:
    """A resident who missed bookings, where they live, and how many times."""

    person: Person
    community: Community | None
    times: int


@dataclass(frozen=True)
class NoShowReport:
    """Repeat no-shows of the last ``days`` days: the first lines, and how many more there are."""

    days: int
    lines: list[NoShowLine]
    total: int

    @property
    def more(self) -> int:
        """Repeat cases not listed."""
        return self.total - len(self.lines)


async def mark_no_shows(session: AsyncSession, now: datetime | None = None) -> int:
    """Confirmed bookings not checked in by their venue's grace time become no-shows."""
    now = now or utcnow()
    due = (
        select(col(Booking.id), col(Slot.starts_at), Venue)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .where(
            col(Booking.status) == BookingStatus.CONFIRMED.value,
            col(Slot.starts_at) < now - timedelta(minutes=5),
        )
    )
    candidates = (await session.execute(due)).all()
    ids = [
        row[0]
        for row in candidates
        if row[1] + timedelta(minutes=row[2].no_show_after_minutes) <= now
    ]
    if not ids:
        return 0
    await session.execute(
        update(Booking)
        .where(col(Booking.id).in_(ids), col(Booking.status) == BookingStatus.CONFIRMED.value)
        .values(status=BookingStatus.NO_SHOW.value, updated_at=now)
    )
    return len(ids)


async def repeated_no_shows(
    session: AsyncSession,
    town_ids: frozenset[int] | None,
    *,
    since: datetime,
    at_least: int = REPEATED,
) -> list[tuple[Person, int]]:
    """People with ``at_least`` no-shows since ``since`` at venues of ``town_ids``, most first."""
    query = (
        select(Person, func.count(col(Booking.id)))
        .join(Booking, col(Booking.person_id) == col(Person.id))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(col(Booking.status) == BookingStatus.NO_SHOW.value, col(Slot.starts_at) >= since)
        .group_by(col(Person.id))
        .having(func.count(col(Booking.id)) >= at_least)
        .order_by(func.count(col(Booking.id)).desc(), col(Person.id))
    )
    if town_ids is not None:
        query = query.where(col(ServiceCentre.town_id).in_(town_ids))
    return [(p, int(n)) for p, n in (await session.execute(query)).all()]


async def no_show_report(
    session: AsyncSession, *, scopes: Iterable[Scope], now: datetime | None = None
) -> NoShowReport:
    """Residents who missed bookings at least twice lately at venues of the admin's towns."""
    since = (now or utcnow()) - timedelta(days=NO_SHOW_DAYS)
    found = await repeated_no_shows(session, admin_towns(scopes), since=since)
    lines = []
    for person, times in found[:NO_SHOW_LINES]:
        where = person.community_id
        community = await session.get(Community, where) if where is not None else None
        lines.append(NoShowLine(person, community, times))
    return NoShowReport(NO_SHOW_DAYS, lines, len(found))
