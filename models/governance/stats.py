"""Participation statistics by period and town: bookings, registrations, the cross-community
participation index, repeat cross-town participants, cases and unreachable residents.

Every figure is a SQL aggregate (``GROUP BY`` the host town), never a loop over rows; only the
durations of the cases resolved in the period are read, to take their median. The definitions
are in docs/governance.md ("统计 / Statistics"); in short:

- a booking counts when its slot starts in the period and it was not cancelled or declined; its
  host town is its venue's centre's town;
- a registration counts when its event starts in the period, the event was not cancelled and
  the registration holds or held a place (confirmed, offered, attended, no-show); its host town
  is the event's ``host_town_id`` (a co-host is not a host: see the docs);
- cross-town: the resident's town (``person.town_id``, as it is now) is set and differs from
  the host town; participations of people without a town count in the totals, not the index;
- a town's figures are those hosted in it (its venues, the events it hosts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.booking import Booking, BookingStatus, Slot
from models.core.people import Person
from models.core.places import ServiceCentre, Venue
from models.events import Event, EventStatus, Registration, RegStatus
from models.governance.cases import case_figures, unreachable_residents, wechat_residents

COUNTED_BOOKINGS = tuple(
    s.value for s in BookingStatus if s not in (BookingStatus.CANCELLED, BookingStatus.DECLINED)
)
COUNTED_REGISTRATIONS = (
    RegStatus.CONFIRMED.value,
    RegStatus.OFFERED.value,
    RegStatus.ATTENDED.value,
    RegStatus.NO_SHOW.value,
)
BOOKING_ATTENDED = BookingStatus.ATTENDED.value
REG_ATTENDED = RegStatus.ATTENDED.value


@dataclass(frozen=True)
class Tally:
    """One kind of participation hosted somewhere: how many, how many by residents with a town
    (``known``), how many of those crossed towns; the same for the attended ones."""

    total: int = 0
    known: int = 0
    cross: int = 0
    attended: int = 0
    attended_known: int = 0
    attended_cross: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(_fields(self), _fields(other), strict=True)))


def _fields(tally: Tally) -> tuple[int, ...]:
    return (
        tally.total,
        tally.known,
        tally.cross,
        tally.attended,
        tally.attended_known,
        tally.attended_cross,
    )


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to share (shown as "—")."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Totals:
    """Bookings and registrations of both towns together (beside a town admin's figures)."""

    bookings: Tally
    registrations: Tally

    @property
    def index(self) -> float | None:
        """The cross-community participation index of both towns."""
        both = self.bookings + self.registrations
        return share(both.cross, both.known)


@dataclass(frozen=True)
class TownParticipation:
    """Bookings and registrations hosted in one town."""

    town_id: int
    bookings: Tally
    registrations: Tally

    @property
    def index(self) -> float | None:
        """The cross-community participation index of what the town hosts."""
        both = self.bookings + self.registrations
        return share(both.cross, both.known)


@dataclass(frozen=True)
class ParticipationFigures:
    """Every /stats figure for ``[start, end)`` and one town (None: both towns)."""

    start: datetime
    end: datetime
    town_id: int | None
    bookings: Tally
    registrations: Tally
    repeat_cross_participants: int
    cases_opened: int
    cases_resolved: int
    cases_joint: int
    median_resolution_hours: float | None
    unreachable_residents: int
    by_town: tuple[TownParticipation, ...] = field(default=())
    # Both towns' bookings and registrations, whatever ``town_id`` (the same grouped queries).
    totals: Totals = field(default=Totals(Tally(), Tally()))
    wechat_residents: int = 0  # registered through the WeChat channel (Person.channel)

    @property
    def participations(self) -> Tally:
        """Bookings and registrations together."""
        return self.bookings + self.registrations

    @property
    def index(self) -> float | None:
        """Cross-town bookings and registrations / those of residents with a town."""
        return share(self.participations.cross, self.participations.known)

    @property
    def booking_index(self) -> float | None:
        """The index of bookings alone."""
        return share(self.bookings.cross, self.bookings.known)

    @property
    def registration_index(self) -> float | None:
        """The index of registrations alone."""
        return share(self.registrations.cross, self.registrations.known)

    @property
    def attendance_index(self) -> float | None:
        """The index of attendances (attended bookings and registrations)."""
        both = self.participations
        return share(both.attended_cross, both.attended_known)


def _flags(resident: Any, host: Any, status: Any, attended: str) -> list[ColumnElement[int]]:
    known = resident.is_not(None)
    cross = and_(known, resident != host)
    went = status == attended
    cases = (known, cross, went, and_(went, known), and_(went, cross))
    return [func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in cases]


def _booking_host() -> Any:
    return col(ServiceCentre.town_id)


async def _booking_tallies(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[int, Tally]:
    host = _booking_host()
    query = (
        select(
            host,
            func.count(),
            *_flags(col(Person.town_id), host, col(Booking.status), BOOKING_ATTENDED),
        )
        .select_from(Booking)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .join(Person, col(Person.id) == col(Booking.person_id))
        .where(col(Slot.starts_at) >= start, col(Slot.starts_at) < end)
        .where(col(Booking.status).in_(COUNTED_BOOKINGS))
        .group_by(host)
    )
    rows = (await session.execute(query)).all()
    return {int(r[0]): Tally(*(int(v) for v in r[1:])) for r in rows}


async def _registration_tallies(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[int, Tally]:
    host = col(Event.host_town_id)
    flags = _flags(col(Person.town_id), host, col(Registration.status), REG_ATTENDED)
    query = (
        select(host, func.count(), *flags)
        .select_from(Registration)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .join(Person, col(Person.id) == col(Registration.person_id))
        .where(col(Event.starts_at) >= start, col(Event.starts_at) < end)
        .where(col(Event.status) != EventStatus.CANCELLED.value)
        .where(col(Registration.status).in_(COUNTED_REGISTRATIONS))
        .group_by(host)
    )
    rows = (await session.execute(query)).all()
    return {int(r[0]): Tally(*(int(v) for v in r[1:])) for r in rows}


async def _repeat_cross(
    session: AsyncSession, start: datetime, end: datetime, town_id: int | None
) -> int:
    """People with at least two cross-town bookings and registrations together."""
    booking_host, event_host = _booking_host(), col(Event.host_town_id)
    bookings: Select[Any] = (
        select(col(Booking.person_id).label("pid"))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .join(Person, col(Person.id) == col(Booking.person_id))
        .where(col(Slot.starts_at) >= start, col(Slot.starts_at) < end)
        .where(col(Booking.status).in_(COUNTED_BOOKINGS))
        .where(col(Person.town_id).is_not(None), col(Person.town_id) != booking_host)
        .where(booking_host == town_id if town_id is not None else literal(True))
    )
    registrations: Select[Any] = (
        select(col(Registration.person_id).label("pid"))
        .join(Event, col(Event.id) == col(Registration.event_id))
        .join(Person, col(Person.id) == col(Registration.person_id))
        .where(col(Event.starts_at) >= start, col(Event.starts_at) < end)
        .where(col(Event.status) != EventStatus.CANCELLED.value)
        .where(col(Registration.status).in_(COUNTED_REGISTRATIONS))
        .where(col(Person.town_id).is_not(None), col(Person.town_id) != event_host)
        .where(event_host == town_id if town_id is not None else literal(True))
    )
    both = union_all(bookings, registrations).subquery()
    repeaters = select(both.c.pid).group_by(both.c.pid).having(func.count() >= 2).subquery()
    return int(await session.scalar(select(func.count()).select_from(repeaters)) or 0)


def _sum(tallies: Sequence[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total = total + tally
    return total


async def participation(
    session: AsyncSession, *, start: datetime, end: datetime, town_id: int | None = None
) -> ParticipationFigures:
    """Every participation figure for ``[start, end)``, of one town's hosting or both towns'."""
    bookings = await _booking_tallies(session, start, end)
    return await figures_with(session, start=start, end=end, town_id=town_id, bookings=bookings)


async def figures_with(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    town_id: int | None,
    bookings: dict[int, Tally],
) -> ParticipationFigures:
    """``participation`` with the bookings already counted by host town (``cube.tallies``)."""
    registrations = await _registration_tallies(session, start, end)
    towns = sorted(set(bookings) | set(registrations))
    by_town = tuple(
        TownParticipation(t, bookings.get(t, Tally()), registrations.get(t, Tally()))
        for t in towns
        if town_id is None or t == town_id
    )
    cases = await case_figures(session, start=start, end=end, town_id=town_id)
    return ParticipationFigures(
        start=start,
        end=end,
        town_id=town_id,
        bookings=_sum([row.bookings for row in by_town]),
        registrations=_sum([row.registrations for row in by_town]),
        repeat_cross_participants=await _repeat_cross(session, start, end, town_id),
        cases_opened=cases.opened,
        cases_resolved=cases.resolved,
        cases_joint=cases.joint,
        median_resolution_hours=cases.median_hours,
        unreachable_residents=await unreachable_residents(session, town_id=town_id),
        by_town=by_town,
        totals=Totals(_sum(list(bookings.values())), _sum(list(registrations.values()))),
        wechat_residents=await wechat_residents(session, town_id=town_id),
    )
