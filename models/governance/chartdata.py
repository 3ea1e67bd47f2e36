"""The numbers behind the /stats charts: the monthly trend, the towns' bars and the venue usage
heat map. SQL aggregates (months are bucketed with ``CASE`` on local-midnight boundaries, so
the grouping is the same on SQLite and PostgreSQL); no personal data, only counts and the
names of venues and towns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.booking import Booking, Slot
from models.core.people import Person
from models.core.places import ServiceCentre, Town, Venue
from models.events import Event, EventStatus, Registration
from models.governance.cube import local_weekday, month_bucket
from models.governance.periods import Period, add_months, local_midnight
from models.governance.stats import COUNTED_BOOKINGS, COUNTED_REGISTRATIONS, share

HEAT_VENUES = 10  # the busiest venues shown on the heat map (a readable picture)


@dataclass(frozen=True)
class MonthPoint:
    """One month of the trend line: participations, and the index (None: nobody with a town)."""

    month: date
    bookings: int
    registrations: int
    known: int
    cross: int

    @property
    def index(self) -> float | None:
        """Cross-town share of the month's participations."""
        return share(self.cross, self.known)


@dataclass(frozen=True)
class VenueRow:
    """One venue's bookings by local weekday (0 = Monday)."""

    venue_id: int
    name_zh: str
    name_en: str
    weekdays: tuple[int, ...]

    def name(self, language: str) -> str:
        """The venue's name in ``language``."""
        return self.name_en if language == "en" else self.name_zh


def _known_cross(host: Any) -> list[ColumnElement[int]]:
    resident = col(Person.town_id)
    known = resident.is_not(None)
    cross = and_(known, resident != host)
    return [func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in (known, cross)]


async def monthly_trend(
    session: AsyncSession,
    *,
    months: list[date],
    town_id: int | None = None,
    bookings_by_month: dict[int, tuple[int, int, int]] | None = None,
) -> tuple[MonthPoint, ...]:
    """Bookings, registrations and the index of each month in ``months`` (consecutive 1sts);
    ``bookings_by_month`` (month index: total, known, cross) spares the bookings' query."""
    start, end = local_midnight(months[0]), local_midnight(add_months(months[-1], 1))
    host_b = col(ServiceCentre.town_id)
    starts_b = col(Slot.starts_at)
    bucket_b = month_bucket(starts_b, months)
    bookings = (
        select(bucket_b, func.count(), *_known_cross(host_b))
        .select_from(Booking)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .join(Person, col(Person.id) == col(Booking.person_id))
        .where(starts_b >= start, starts_b < end, col(Booking.status).in_(COUNTED_BOOKINGS))
        .group_by(bucket_b)
    )
    host_e, starts_e = col(Event.host_town_id), col(Event.starts_at)
    bucket_e = month_bucket(starts_e, months)
    registrations = (
        select(bucket_e, func.count(), *_known_cross(host_e))
        .select_from(Registration)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .join(Person, col(Person.id) == col(Registration.person_id))
        .where(starts_e >= start, starts_e < end)
        .where(col(Event.status) != EventStatus.CANCELLED.value)
        .where(col(Registration.status).in_(COUNTED_REGISTRATIONS))
        .group_by(bucket_e)
    )
    if town_id is not None:
        bookings = bookings.where(host_b == town_id)
        registrations = registrations.where(host_e == town_id)
    got: dict[int, list[int]] = {n: [0, 0, 0, 0] for n in range(len(months))}
    queries = [(0, bookings), (1, registrations)]
    if bookings_by_month is not None:
        queries = queries[1:]
        for n, (total, known, cross) in bookings_by_month.items():
            got[n] = [total, 0, known, cross]
    for kind, query in queries:
        for bucket, count, known, cross in (await session.execute(query)).all():
            if int(bucket) in got:
                row = got[int(bucket)]
                row[kind] += int(count)
                row[2] += int(known)
                row[3] += int(cross)
    return tuple(MonthPoint(m, *got[n]) for n, m in enumerate(months))


async def venue_usage(
    session: AsyncSession, *, period: Period, town_id: int | None = None
) -> tuple[VenueRow, ...]:
    """The busiest venues' bookings in the period by local weekday (slot start), busiest first."""
    starts = col(Slot.starts_at)
    weekday = local_weekday(session, starts)
    query = (
        select(col(Venue.id), weekday, func.count())
        .select_from(Booking)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(starts >= period.start, starts < period.end)
        .where(col(Booking.status).in_(COUNTED_BOOKINGS))
        .group_by(col(Venue.id), weekday)
    )
    if town_id is not None:
        query = query.where(col(ServiceCentre.town_id) == town_id)
    counts: dict[int, list[int]] = {}
    for venue_id, day, count in (await session.execute(query)).all():
        counts.setdefault(int(venue_id or 0), [0] * 7)[int(day)] += int(count)
    return await venue_rows(session, counts)


async def venue_rows(session: AsyncSession, counts: dict[int, list[int]]) -> tuple[VenueRow, ...]:
    """The busiest venues of ``counts`` (venue: bookings by weekday), named, busiest first."""
    busiest = sorted(counts, key=lambda v: (-sum(counts[v]), v))[:HEAT_VENUES]
    if not busiest:
        return ()
    # Both towns have a 健康体检 and a 多功能活动室: each label says whose it is.
    named = (
        select(col(Venue.id), col(Venue.name_zh), col(Venue.name_en))
        .add_columns(col(Town.name_zh), col(Town.name_en))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .join(Town, col(Town.id) == col(ServiceCentre.town_id))
        .where(col(Venue.id).in_(busiest))
    )
    names: dict[int, tuple[str, str]] = {
        int(row[0] or 0): (f"{row[1]} · {row[3]}", f"{row[2]} · {row[4]}")
        for row in (await session.execute(named)).all()
    }
    return tuple(
        VenueRow(v, names[v][0], names[v][1], tuple(counts[v])) for v in busiest if v in names
    )


@dataclass(frozen=True)
class TownBar:
    """One town's bar: what it hosted, and the part of it from the other town."""

    name_zh: str
    name_en: str
    bookings: int
    bookings_cross: int
    registrations: int
    registrations_cross: int

    def name(self, language: str) -> str:
        """The town's name in ``language``."""
        return self.name_en if language == "en" else self.name_zh


@dataclass(frozen=True)
class ChartData:
    """Every number the three charts draw (and nothing else: no person appears in it). It
    travels as JSON in a digest's outbox row, so the charts are drawn in the reader's language
    when sent."""

    trend: tuple[MonthPoint, ...]
    towns: tuple[TownBar, ...]
    venues: tuple[VenueRow, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values."""
        return {
            "trend": [
                [p.month.isoformat(), p.bookings, p.registrations, p.known, p.cross]
                for p in self.trend
            ],
            "towns": [
                [
                    b.name_zh,
                    b.name_en,
                    b.bookings,
                    b.bookings_cross,
                    b.registrations,
                    b.registrations_cross,
                ]
                for b in self.towns
            ],
            "venues": [[v.venue_id, v.name_zh, v.name_en, list(v.weekdays)] for v in self.venues],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChartData:
        """Read back what ``to_json`` wrote."""
        return cls(
            trend=tuple(
                MonthPoint(date.fromisoformat(m), int(b), int(r), int(k), int(c))
                for m, b, r, k, c in data.get("trend", [])
            ),
            towns=tuple(
                TownBar(str(zh), str(en), int(b), int(bc), int(r), int(rc))
                for zh, en, b, bc, r, rc in data.get("towns", [])
            ),
            venues=tuple(
                VenueRow(int(v), str(zh), str(en), tuple(int(n) for n in days))
                for v, zh, en, days in data.get("venues", [])
            ),
        )
