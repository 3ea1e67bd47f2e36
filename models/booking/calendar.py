"""When a venue is open: weekly opening hours, blackout dates, and slots generated from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.tables import Blackout, OpeningHours
from models.core.base import TOWNS_TZ
from models.core.catalogue import cached
from models.core.places import Venue


async def hours_of(session: AsyncSession, venue_id: int) -> list[OpeningHours]:
    """A venue's weekly opening hours, by weekday then time."""
    query = (
        select(OpeningHours)
        .where(OpeningHours.venue_id == venue_id)
        .order_by(col(OpeningHours.weekday), col(OpeningHours.opens))
    )
    return list((await session.execute(query)).scalars())


async def set_hours(
    session: AsyncSession, venue_id: int, weekday: int, periods: list[tuple[time, time]]
) -> None:
    """Replace a venue's opening periods on one weekday (an empty list: closed that day)."""
    await session.execute(
        delete(OpeningHours).where(
            col(OpeningHours.venue_id) == venue_id, col(OpeningHours.weekday) == weekday
        )
    )
    for opens, closes in periods:
        session.add(OpeningHours(venue_id=venue_id, weekday=weekday, opens=opens, closes=closes))
    await session.flush()


def within_hours(
    hours: list[OpeningHours], starts: datetime, ends: datetime, tz: ZoneInfo = TOWNS_TZ
) -> bool:
    """Whether the local window [starts, ends) lies inside one opening period."""
    local_start, local_end = starts.astimezone(tz), ends.astimezone(tz)
    if local_start.date() != local_end.date() and local_end.time() != time(0):
        return False
    end_time = local_end.time() if local_end.time() != time(0) else time.max
    return any(
        h.weekday == local_start.weekday()
        and h.opens <= local_start.time()
        and end_time <= h.closes
        for h in hours
    )


async def blackout_on(session: AsyncSession, venue_id: int, day: date) -> Blackout | None:
    """The blackout covering ``day`` at the venue, if any."""
    query = select(Blackout).where(
        Blackout.venue_id == venue_id, Blackout.first_day <= day, Blackout.last_day >= day
    )
    return (await session.execute(query.limit(1))).scalars().first()


async def blackouts_of(session: AsyncSession, venue_id: int) -> list[Blackout]:
    """A venue's blackouts, earliest first."""
    query = select(Blackout).where(Blackout.venue_id == venue_id).order_by(col(Blackout.first_day))
    return list((await session.execute(query)).scalars())


def slot_windows(
    venue: Venue, hours: list[OpeningHours], first_day: date, last_day: date, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """Slot windows (UTC) that fit the opening hours, ``slot_minutes`` long, for a day range."""
    length = timedelta(minutes=venue.slot_minutes)
    windows: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        for period in (h for h in hours if h.weekday == day.weekday()):
            start = datetime.combine(day, period.opens, tz)
            close = datetime.combine(day, period.closes, tz)
            while start + length <= close:
                windows.append((start.astimezone(ZoneInfo("UTC")), (start + length)))
                start += length
        day += timedelta(days=1)
    return [(s, e.astimezone(ZoneInfo("UTC"))) for s, e in windows]


@dataclass(frozen=True)
class VenueCalendars:
    """Every venue's opening hours and blackout days (the catalogue cache holds one)."""

    hours: dict[int, list[OpeningHours]]
    blackouts: dict[int, list[Blackout]]

    def hours_of(self, venue_id: int) -> list[OpeningHours]:
        """A venue's weekly opening hours, by weekday then time."""
        return self.hours.get(venue_id, [])

    def blackout_on(self, venue_id: int, day: date) -> Blackout | None:
        """The blackout covering ``day`` at the venue, if any."""
        return next(
            (b for b in self.blackouts.get(venue_id, []) if b.first_day <= day <= b.last_day), None
        )


async def _load_calendars(session: AsyncSession) -> VenueCalendars:
    hours: dict[int, list[OpeningHours]] = {}
    in_order = select(OpeningHours).order_by(col(OpeningHours.weekday), col(OpeningHours.opens))
    for period in (await session.execute(in_order)).scalars():
        hours.setdefault(period.venue_id, []).append(period)
    blackouts: dict[int, list[Blackout]] = {}
    for blackout in (
        await session.execute(select(Blackout).order_by(col(Blackout.first_day)))
    ).scalars():
        blackouts.setdefault(blackout.venue_id, []).append(blackout)
    return VenueCalendars(hours, blackouts)


async def venue_calendars(session: AsyncSession) -> VenueCalendars:
    """Every venue's hours and blackouts: from the catalogue cache when the session has one."""
    return await cached(session, "venue_calendars", _load_calendars)
