"""Venue catalogue import/export as CSV (format: docs/catalogue-csv.md); slots: ``catalogue_slots``.

Import is all-or-nothing: every row is checked first, and any problem raises
``CatalogueRejected`` listing them all, so the caller's transaction imports nothing. Rows are
matched by ``code`` (upsert); importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.calendar import (
    TOWNS_TZ,
    Blackout,
    OpeningHours,
    blackouts_of,
    hours_of,
    set_hours,
)
from models.booking.catalogue.slots import SLOT_REQUIRED, export_slots, import_slot_table
from models.booking.catalogue.text import (
    BlackoutText,
    Period,
    format_blackout,
    format_week,
    parse_blackouts,
    parse_week,
)
from models.booking.slots import generate_slots
from models.booking.staff import row_id
from models.booking.venue_rules import MAX_PLACES, apply_capacity
from models.core.audit import record_audit
from models.core.csvfile import (
    ABSENT,
    CatalogueRejected,
    CsvError,
    ImportReport,
    RowCells,
    Table,
    TextInvalid,
    check_header,
    format_bool,
    read_table,
    write_table,
)
from models.core.places import ServiceCentre, Venue, VenueKind

__all__ = ["CatalogueRejected", "export_catalogue", "export_slots", "import_catalogue"]

TEXT_COLUMNS = (
    "name_zh", "name_en", "accessibility_zh", "accessibility_en",
    "address_zh", "address_en", "directions_zh", "directions_en",
)  # fmt: skip
NUMBER_COLUMNS: dict[str, tuple[int, int]] = {
    "capacity": (1, MAX_PLACES),
    "slot_minutes": (15, 480),
    "lead_time_minutes": (0, 60 * 24 * 366),
    "horizon_days": (1, 366),
    "max_active_bookings": (1, 99),
    "max_party_size": (1, 99),
    "no_show_after_minutes": (0, 24 * 60),
}
FLAG_COLUMNS = ("needs_approval", "other_town_allowed", "active")
VENUE_REQUIRED = ("code", "centre_code", "kind", "name_zh", "name_en")
VENUE_COLUMNS = (
    *("code", "centre_code", "kind", "name_zh", "name_en", "capacity"), *TEXT_COLUMNS[2:],
    *list(NUMBER_COLUMNS)[1:], *FLAG_COLUMNS, "hours", "blackouts",
)  # fmt: skip
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
Week = dict[int, list[Period]]


@dataclass
class VenueRow:
    """One checked row: column values (ABSENT: not in the file) and its calendar."""

    line: int
    code: str
    centre_code: str
    values: dict[str, Any]
    hours: Week | None
    blackouts: list[BlackoutText] | None


def _length(column: str) -> int:
    return int(Venue.__table__.c[column].type.length)  # type: ignore[attr-defined]


def _code(raw: str) -> str:
    value = raw.strip()
    if not CODE.fullmatch(value):
        raise TextInvalid(f"{value!r} is not a code like d-canteen (letters, digits, - _ .)")
    if len(value) > _length("code"):
        raise TextInvalid(f"longer than {_length('code')} characters")
    return value


def _kind(raw: str) -> str:
    value = raw.strip()
    if value not in set(VenueKind):
        raise TextInvalid(f"{value!r} is not one of {', '.join(VenueKind)}")
    return value


def parse_venue_rows(
    table: Table, centres: Collection[str], venues: Collection[str]
) -> tuple[list[VenueRow], list[CsvError]]:
    """Check every venue row against the known centre and venue codes; returns the good rows
    and every problem found."""
    errors = check_header(table, VENUE_COLUMNS, ("code",))
    rows: list[VenueRow] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        before = len(errors)
        row = RowCells(line, cells, errors)
        code = row.parsed("code", _code, required=True)
        centre = row.text("centre_code", 32, required=True)
        values: dict[str, Any] = {"kind": row.parsed("kind", _kind, required=True)}
        for column in TEXT_COLUMNS:
            values[column] = row.text(column, _length(column), required=column.startswith("name"))
        for column, (low, high) in NUMBER_COLUMNS.items():
            values[column] = row.integer(column, low, high)
        for column in FLAG_COLUMNS:
            values[column] = row.boolean(column)
        hours = row.parsed("hours", parse_week)
        blackouts = row.parsed("blackouts", parse_blackouts)
        if centre is not ABSENT and centre and centre not in centres:
            row.fail("centre_code", f"there is no centre {centre!r}")
        if code is not ABSENT and code in seen:
            row.fail("code", f"{code} is already on line {seen[code]}")
        elif code is not ABSENT:
            seen[code] = line
            if code not in venues:
                missing = [c for c in VENUE_REQUIRED if c not in cells]
                errors.extend(CsvError(line, c, "needed for a new venue") for c in missing)
        if len(errors) == before:
            rows.append(
                VenueRow(
                    line, code, centre, values,
                    None if hours is ABSENT else hours,
                    None if blackouts is ABSENT else blackouts,
                )
            )  # fmt: skip
    return rows, errors


async def import_catalogue(
    session: AsyncSession,
    *,
    text: str,
    kind: str | None = None,
    tz: ZoneInfo = TOWNS_TZ,
    today: date | None = None,
) -> ImportReport:
    """Import venues or slots (``kind`` None: told by the header); raises CatalogueRejected."""
    table = read_table(text)
    if kind is None:
        kind = "slots" if "starts_at" in table.header else "venues"
        if "code" not in table.header and kind == "venues":
            missing = ", ".join(VENUE_REQUIRED + SLOT_REQUIRED)
            raise CatalogueRejected([CsvError(1, "-", f"not a venues or slots file ({missing})")])
    if kind == "slots":
        return await import_slot_table(session, table, tz)
    return await _import_venues(session, table, tz, today)


async def _import_venues(
    session: AsyncSession, table: Table, tz: ZoneInfo, today: date | None
) -> ImportReport:
    centres = {c.code: c for c in (await session.execute(select(ServiceCentre))).scalars()}
    venues = {v.code: v for v in (await session.execute(select(Venue))).scalars()}
    rows, errors = parse_venue_rows(table, centres, venues)
    if errors:
        raise CatalogueRejected(errors)
    report = ImportReport("venues")
    for row in rows:
        venue = venues.get(row.code)
        created = venue is None
        if venue is None:
            venue = Venue(code=row.code, centre_id=0, kind="", name_zh="", name_en="")
            session.add(venue)
        changed = await _apply_venue(session, venue, row, centres.get(row.centre_code))
        if created or changed:
            await record_audit(
                session, None, "venue.import", "venue", venue.id,
                code=venue.code, created=created, fields=sorted(changed),
            )  # fmt: skip
            if venue.active and (created or changed & {"hours", "slot_minutes", "active"}):
                first = today or datetime.now(tz).date()
                last = first + timedelta(days=venue.horizon_days)
                report.slots_generated += await generate_slots(session, venue, first, last, tz)
        report.created += created
        report.updated += bool(changed) and not created
        report.unchanged += not changed and not created
    return report


async def _apply_venue(
    session: AsyncSession, venue: Venue, row: VenueRow, centre: ServiceCentre | None
) -> set[str]:
    """Set the row's values on the venue; returns the names of what changed."""
    changed: set[str] = set()
    wanted = {k: v for k, v in row.values.items() if v is not ABSENT}
    if centre is not None:
        wanted["centre_id"] = centre.id
    capacity = wanted.pop("capacity", None)
    for column, value in wanted.items():
        if getattr(venue, column) != value:
            setattr(venue, column, value)
            changed.add(column)
    await session.flush()
    venue_id = row_id(venue)
    if capacity is not None and capacity != venue.capacity:
        await apply_capacity(session, venue, capacity)
        changed.add("capacity")
    if row.hours is not None and row.hours != await _week(session, venue_id):
        for weekday in range(7):
            await set_hours(session, venue_id, weekday, row.hours[weekday])
        changed.add("hours")
    if row.blackouts is not None:
        current = [_blackout_text(b) for b in await blackouts_of(session, venue_id)]
        if sorted(current, key=_order) != sorted(row.blackouts, key=_order):
            await session.execute(delete(Blackout).where(col(Blackout.venue_id) == venue_id))
            for item in row.blackouts:
                session.add(Blackout(venue_id=venue_id, **item.__dict__))
            changed.add("blackouts")
    await session.flush()
    return changed


def _order(item: BlackoutText) -> tuple[date, date, str, str]:
    return (item.first_day, item.last_day, item.reason_zh, item.reason_en)


def _blackout_text(b: Blackout) -> BlackoutText:
    return BlackoutText(b.first_day, b.last_day, b.reason_zh, b.reason_en)


async def _week(session: AsyncSession, venue_id: int) -> Week:
    week: Week = {day: [] for day in range(7)}
    for h in await hours_of(session, venue_id):
        week[h.weekday].append((h.opens, h.closes))
    return week


async def export_venues(session: AsyncSession) -> str:
    """Every venue as venues.csv text, by code."""
    query = (
        select(Venue, ServiceCentre)
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .order_by(col(Venue.code))
    )
    hours: dict[int, Week] = {}
    for h in (await session.execute(select(OpeningHours))).scalars():
        hours.setdefault(h.venue_id, {d: [] for d in range(7)})[h.weekday].append(
            (h.opens, h.closes)
        )
    rows = []
    for venue, centre in (await session.execute(query)).all():
        venue_id = row_id(venue)
        week = {d: sorted(p) for d, p in hours.get(venue_id, {}).items()}
        closed = "; ".join(
            format_blackout(_blackout_text(b)) for b in await blackouts_of(session, venue_id)
        )
        cells = {c: getattr(venue, c) for c in (*TEXT_COLUMNS, *NUMBER_COLUMNS)}
        cells |= {c: format_bool(getattr(venue, c)) for c in FLAG_COLUMNS}
        cells |= {"centre_code": centre.code, "code": venue.code, "kind": venue.kind}
        rows.append([*(cells[c] for c in VENUE_COLUMNS[:-2]), format_week(week), closed])
    return write_table(VENUE_COLUMNS, rows)


async def export_catalogue(
    session: AsyncSession,
    *,
    kind: str,
    first: date | None = None,
    last: date | None = None,
    tz: ZoneInfo = TOWNS_TZ,
) -> str:
    """venues.csv or slots.csv text (slots: local days ``first``..``last``, inclusive)."""
    if kind == "slots":
        return await export_slots(session, first, last, tz)
    return await export_venues(session)
