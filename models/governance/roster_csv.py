"""The roster as CSV for operators (``tongxin export roster`` / ``tongxin import --kind roster``),
with the conventions of docs/catalogue-csv.md: all or nothing, every problem listed, idempotent.

Columns: ``name,title,home_town,centre,first_day,last_day,weekdays,hours`` (town and centre by
code; weekdays ``mon-fri`` or ``tue,thu``; hours ``09:00-12:00 14:00-17:00``). A row is matched
by its name, centre and first day: importing the same file twice changes nothing. Past entries
are kept as a record, so an import does not refuse a secondment that is over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.catalogue import places
from models.core.csvfile import (
    ABSENT,
    CatalogueRejected,
    CsvError,
    ImportReport,
    RowCells,
    TextInvalid,
    check_header,
    read_table,
    write_table,
)
from models.core.errors import DomainError
from models.governance.roster_text import (
    WEEKDAY_NAMES,
    check_days,
    read_hours,
    read_name,
    read_title,
    read_weekdays,
    weekdays_of,
)
from models.governance.tables.roster import StaffSecondment

T = TypeVar("T")
COLUMNS = ("name", "title", "home_town", "centre", "first_day", "last_day", "weekdays", "hours")
FIELDS = ("title", "home_town_id", "last_day", "weekdays", "hours")


def is_roster_file(text: str) -> bool:
    """Whether the header is a roster's (it has ``home_town``)."""
    return "home_town" in read_table(text.split("\n", 1)[0]).header


def weekdays_spec(mask: int) -> str:
    """``mon-fri``, ``tue,thu``: consecutive days as a range."""
    runs: list[list[int]] = []
    for day in weekdays_of(mask):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = WEEKDAY_NAMES
    return ",".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs)


async def export_roster(session: AsyncSession) -> str:
    """Every secondment, by centre and first day."""
    found = await places(session)
    towns = {t.id: t.code for t in found.towns}
    query = select(StaffSecondment).order_by(
        col(StaffSecondment.centre_id), col(StaffSecondment.first_day), col(StaffSecondment.id)
    )
    rows = [
        (r.name, r.title, towns.get(r.home_town_id, ""), found.centres[r.centre_id].code,
         r.first_day.isoformat(), r.last_day.isoformat(), weekdays_spec(r.weekdays), r.hours)
        for r in (await session.execute(query)).scalars()
    ]  # fmt: skip
    return write_table(COLUMNS, rows)


def _checked(reader: Callable[[str], T]) -> Callable[[str], T]:
    """A cell reader raising ``TextInvalid`` for a refused domain answer."""

    def read(raw: str) -> T:
        try:
            return reader(raw)
        except DomainError as exc:
            raise TextInvalid(f"{raw.strip()!r} cannot be read here") from exc

    return read


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise TextInvalid("a date like 2026-12-31 is needed") from exc


async def import_roster(session: AsyncSession, *, text: str) -> ImportReport:
    """Create or update the file's secondments, or nothing (``CatalogueRejected``)."""
    table, found = read_table(text), await places(session)
    towns = {t.code.casefold(): t.id for t in found.towns}
    centres = {c.code.casefold(): c for c in found.centres.values()}
    errors: list[CsvError] = check_header(table, COLUMNS, COLUMNS)
    wanted: list[StaffSecondment] = []
    for line, cells in [] if errors else table.rows:
        row = RowCells(line, cells, errors)
        name = row.parsed("name", _checked(read_name), required=True)
        title = row.parsed("title", _checked(read_title), required=True)
        home = towns.get(cells["home_town"].strip().casefold())
        centre = centres.get(cells["centre"].strip().casefold())
        first, last = row.parsed("first_day", _day), row.parsed("last_day", _day)
        weekdays = row.parsed("weekdays", _checked(read_weekdays), required=True)
        hours = row.parsed("hours", _checked(read_hours), required=True)
        if home is None:
            row.fail("home_town", "not a town code (D or Q)")
        if centre is None:
            row.fail("centre", "not a centre code")
        elif home == centre.town_id:
            row.fail("home_town", "the centre is in the home town: nobody is seconded there")
        if first is not ABSENT and last is not ABSENT:
            try:
                check_days(first, last, first)
            except DomainError:
                row.fail("last_day", "before the first day, or more than two years after it")
        if len(errors) == 0 and centre is not None and home is not None:
            wanted.append(StaffSecondment(
                name=name, title=title, home_town_id=home, centre_id=centre.id or 0,
                first_day=first, last_day=last, weekdays=weekdays, hours=hours,
            ))  # fmt: skip
    if errors:
        raise CatalogueRejected(errors)
    report = ImportReport("roster")
    for new in wanted:
        query = select(StaffSecondment).where(
            col(StaffSecondment.name) == new.name,
            col(StaffSecondment.centre_id) == new.centre_id,
            col(StaffSecondment.first_day) == new.first_day,
        )
        old = (await session.execute(query)).scalars().first()
        if old is None:
            session.add(new)
            report.created += 1
        elif any(getattr(old, f) != getattr(new, f) for f in FIELDS):
            for f in FIELDS:
                setattr(old, f, getattr(new, f))
            report.updated += 1
        else:
            report.unchanged += 1
    await session.flush()
    if report.created or report.updated:
        await record_audit(session, None, "roster.import", "staff_secondment", None,
                           created=report.created, updated=report.updated)  # fmt: skip
    return report
