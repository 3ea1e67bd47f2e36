"""One pass over a report's bookings: counts by month, local weekday, venue, the resident's town
and whether they came, grouped in SQL (a few thousand cells at most, whatever the bookings).

/stats needs the period's bookings three ways (by host town, by month for the trend, by venue
and weekday for the heat map); reading them once and folding the cells in Python takes a third
of the time of three scans (bench/stats.py). ``participation`` keeps its own queries: it is also
called for any range (the meeting agenda), and the tests hold both ways to the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.booking import Booking, BookingStatus, Slot
from models.core.people import Person
from models.governance.periods import add_months, local_midnight
from models.governance.stats import COUNTED_BOOKINGS, Tally


def month_bucket(column: Any, months: list[date]) -> ColumnElement[int]:
    """The index in ``months`` of the local month a stored time falls in (-1: after them)."""
    bounds = [local_midnight(add_months(m, 1)) for m in months]
    return case(*((column < bound, n) for n, bound in enumerate(bounds)), else_=-1)


def local_weekday(session: AsyncSession, column: Any) -> ColumnElement[int]:
    """The local weekday (0 = Monday) of a stored UTC time, in the session's SQL dialect."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        local = func.timezone("Asia/Shanghai", column)
        return cast(func.extract("isodow", local), Integer) - 1
    # SQLite keeps naive UTC text; Asia/Shanghai has had no daylight saving since 1991: +8 h.
    sunday_first = cast(func.strftime("%w", func.datetime(column, "+8 hours")), Integer)
    return (sunday_first + 6) % 7


@dataclass(frozen=True)
class Cell:
    """Bookings of one month (index), weekday, venue, resident town (None: none) and attendance."""

    month: int
    weekday: int
    venue_id: int
    resident_town: int | None
    attended: bool
    count: int


async def booking_cells(session: AsyncSession, *, months: list[date]) -> list[Cell]:
    """The counted bookings whose slot starts in ``months`` (consecutive 1sts), as cells."""
    starts = col(Slot.starts_at)
    bucket, weekday = month_bucket(starts, months), local_weekday(session, starts)
    came = case((col(Booking.status) == BookingStatus.ATTENDED.value, 1), else_=0)
    keys = (bucket, weekday, col(Slot.venue_id), col(Person.town_id), came)
    query = (
        select(*keys, func.count())
        .select_from(Booking)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Person, col(Person.id) == col(Booking.person_id))
        .where(starts >= local_midnight(months[0]))
        .where(starts < local_midnight(add_months(months[-1], 1)))
        .where(col(Booking.status).in_(COUNTED_BOOKINGS))
        .group_by(*keys)
    )
    return [
        Cell(int(m), int(d), int(v), None if t is None else int(t), bool(a), int(n))
        for m, d, v, t, a, n in (await session.execute(query)).all()
        if int(m) >= 0
    ]


def tallies(cells: Iterable[Cell], host_of: dict[int, int]) -> dict[int, Tally]:
    """The cells' bookings by host town (their venue's), as ``participation`` counts them."""
    found: dict[int, Tally] = {}
    for cell in cells:
        host = host_of.get(cell.venue_id)
        if host is None:
            continue
        known = cell.resident_town is not None
        cross = known and cell.resident_town != host
        n, went = cell.count, cell.count if cell.attended else 0
        found[host] = found.get(host, Tally()) + Tally(
            n, n if known else 0, n if cross else 0,
            went, went if known else 0, went if cross else 0,
        )  # fmt: skip
    return found


@dataclass(frozen=True)
class Folded:
    """The cells folded three ways: the period's bookings by host town (both towns, as
    ``participation`` needs them), and the town's (None: both) by month and by venue and weekday."""

    bookings: dict[int, Tally]
    by_month: dict[int, tuple[int, int, int]]  # month index: total, with a town, cross-town
    weekdays: dict[int, list[int]]  # venue: the period's bookings, Monday first


def fold(
    cells: list[Cell], host_of: dict[int, int], *, period: set[int], town_id: int | None
) -> Folded:
    """Fold ``cells`` (``period``: the month indexes of the period)."""
    mine = [c for c in cells if town_id is None or host_of.get(c.venue_id) == town_id]
    by_month: dict[int, tuple[int, int, int]] = {}
    for month in {c.month for c in mine}:
        both = sum(tallies([c for c in mine if c.month == month], host_of).values(), Tally())
        by_month[month] = (both.total, both.known, both.cross)
    weekdays: dict[int, list[int]] = {}
    for cell in mine:
        if cell.month in period:
            weekdays.setdefault(cell.venue_id, [0] * 7)[cell.weekday] += cell.count
    bookings = tallies([c for c in cells if c.month in period], host_of)
    return Folded(bookings, by_month, weekdays)
