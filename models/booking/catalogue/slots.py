"""slots.csv: import (upsert by venue and local start time) and export of bookable slots.

Times are local (the towns' zone) like ``2026-12-01 09:00``. A slot's places can never be set
below what is already booked; ``taken`` is exported for reading and ignored on import.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.calendar import TOWNS_TZ
from models.booking.slots import CapacityBelowTaken, Slot, day_bounds, set_capacity
from models.booking.staff import row_id
from models.core.audit import record_audit
from models.core.csvfile import (
    ABSENT,
    CatalogueRejected,
    CsvError,
    ImportReport,
    RowCells,
    Table,
    check_header,
    format_bool,
    format_local,
    parse_local,
    write_table,
)
from models.core.places import Venue

SLOT_COLUMNS = ("venue_code", "starts_at", "ends_at", "capacity", "closed", "taken")
SLOT_REQUIRED = ("venue_code", "starts_at", "ends_at")
MAX_SLOT_PLACES = 1000
T = TypeVar("T")


def _given(value: T) -> T | None:
    return None if value is ABSENT else value


async def import_slot_table(session: AsyncSession, table: Table, tz: ZoneInfo) -> ImportReport:
    """Check every row, then create or update the slots; CatalogueRejected lists all problems."""
    errors = check_header(table, SLOT_COLUMNS, SLOT_REQUIRED)
    venues = {v.code: v for v in (await session.execute(select(Venue))).scalars()}
    wanted: dict[tuple[int, datetime], tuple[int, datetime, int | None, bool | None]] = {}
    for line, cells in table.rows:
        row = RowCells(line, cells, errors)
        code = row.text("venue_code", 48, required=True)
        starts = row.parsed("starts_at", lambda raw: parse_local(raw, tz), required=True)
        ends = row.parsed("ends_at", lambda raw: parse_local(raw, tz), required=True)
        places = row.integer("capacity", 1, MAX_SLOT_PLACES)
        shut = row.boolean("closed")
        venue = venues.get(code) if code is not ABSENT else None
        if code is not ABSENT and venue is None:
            row.fail("venue_code", f"no venue {code!r}")
        if starts is ABSENT or ends is ABSENT or venue is None:
            continue
        if ends <= starts:
            row.fail("ends_at", "must be after starts_at")
            continue
        key = (row_id(venue), starts)
        if key in wanted:
            row.fail("starts_at", f"the same slot is already on line {wanted[key][0]}")
            continue
        wanted[key] = (line, ends, _given(places), _given(shut))
    existing = await _existing(session, wanted)
    for key, (line, _ends, capacity, _closed) in wanted.items():
        slot = existing.get(key)
        if slot is not None and capacity is not None and capacity < slot.taken:
            problem = f"{capacity} is below the {slot.taken} places already booked"
            errors.append(CsvError(line, "capacity", problem))
    if errors:
        raise CatalogueRejected(errors)
    report = ImportReport("slots")
    by_id = {v.id: v for v in venues.values()}
    for (venue_id, starts), (line, ends, capacity, closed) in wanted.items():
        slot = existing.get((venue_id, starts))
        if slot is None:
            session.add(
                Slot(
                    venue_id=venue_id,
                    starts_at=starts,
                    ends_at=ends,
                    capacity=by_id[venue_id].capacity if capacity is None else capacity,
                    closed=bool(closed),
                )
            )
            report.created += 1
            continue
        changed = await _update(session, slot, line, ends, capacity, closed)
        report.updated += changed
        report.unchanged += not changed
    await session.flush()
    if report.created or report.updated:
        await record_audit(
            session, None, "catalogue.import", "slot", None,
            created=report.created, updated=report.updated,
        )  # fmt: skip
    return report


async def _existing(
    session: AsyncSession, wanted: Mapping[tuple[int, datetime], object]
) -> dict[tuple[int, datetime], Slot]:
    if not wanted:
        return {}
    starts = [s for _v, s in wanted]
    query = select(Slot).where(
        col(Slot.venue_id).in_(sorted({v for v, _s in wanted})),
        col(Slot.starts_at) >= min(starts),
        col(Slot.starts_at) <= max(starts),
    )
    found = {(s.venue_id, s.starts_at): s for s in (await session.execute(query)).scalars()}
    return {key: found[key] for key in wanted if key in found}


async def _update(
    session: AsyncSession,
    slot: Slot,
    line: int,
    ends: datetime,
    capacity: int | None,
    closed: bool | None,
) -> bool:
    changed = False
    if slot.ends_at != ends:
        slot.ends_at, changed = ends, True
    if closed is not None and slot.closed != closed:
        slot.closed, changed = closed, True
    await session.flush()
    if capacity is not None and capacity != slot.capacity:
        try:
            await set_capacity(session, row_id(slot), capacity)
        except CapacityBelowTaken as exc:  # booked meanwhile
            problem = f"{capacity} is below the {exc.params['taken']} places already booked"
            raise CatalogueRejected([CsvError(line, "capacity", problem)]) from exc
        changed = True
    return changed


async def export_slots(
    session: AsyncSession,
    first: date | None = None,
    last: date | None = None,
    tz: ZoneInfo = TOWNS_TZ,
) -> str:
    """Slots starting on local days ``first``..``last`` (default: from today on), as CSV text."""
    since = day_bounds(first or datetime.now(tz).date(), tz)[0]
    query = (
        select(Slot, Venue)
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .where(col(Slot.starts_at) >= since)
        .order_by(col(Venue.code), col(Slot.starts_at))
    )
    if last is not None:
        query = query.where(col(Slot.starts_at) < day_bounds(last, tz)[1])
    rows = [
        [
            venue.code,
            format_local(slot.starts_at, tz),
            format_local(slot.ends_at, tz),
            slot.capacity,
            format_bool(slot.closed),
            slot.taken,
        ]
        for slot, venue in (await session.execute(query)).all()
    ]
    return write_table(SLOT_COLUMNS, rows)
