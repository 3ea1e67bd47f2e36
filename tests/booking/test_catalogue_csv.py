"""Venue and slot catalogues as CSV: text formats, round trips, all-or-nothing validation,
slot upserts, and the `tongxin import` / `tongxin export` commands as real subprocesses."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import col

from bot.context import Services
from models.booking import CatalogueRejected, export_catalogue, import_catalogue
from models.booking.calendar import Blackout, OpeningHours
from models.booking.catalogue.text import (
    TextInvalid,
    format_week,
    parse_blackout,
    parse_periods,
    parse_week,
)
from models.booking.slots import Slot, take_places
from models.core.base import metadata
from models.core.places import Venue
from tests.booking.booking_support import local_today, slot_of
from tests.core.test_cli import TONGXIN, _run

HEADER = "code,centre_code,kind,name_zh,name_en,capacity,hours,blackouts,needs_approval"


def test_week_and_periods_round_trip() -> None:
    week = parse_week("mon-fri 09:00-12:00 14:00-17:00; sat 9-12; tue,thu 18:00-20:00")
    assert week[0] == [(time(9), time(12)), (time(14), time(17))]
    assert week[1] == [(time(9), time(12)), (time(14), time(17)), (time(18), time(20))]
    assert week[5] == [(time(9), time(12))] and week[6] == []
    canonical = format_week(week)
    assert canonical == (
        "mon,wed,fri 09:00-12:00 14:00-17:00; tue,thu 09:00-12:00 14:00-17:00 18:00-20:00; "
        "sat 09:00-12:00"
    )
    assert parse_week(canonical) == week
    assert format_week(parse_week("daily 11:00-12:00")) == "mon-sun 11:00-12:00"
    assert parse_periods("０９：００至１２：００，14:00 - 17:00") == [
        (time(9), time(12)),
        (time(14), time(17)),
    ]
    assert parse_periods("休息") == [] and parse_periods(" Closed ") == []
    for bad in ("9 to 5", "12:00-09:00", "09:00-12:00 11:00-13:00", "25:00-26:00", ""):
        with pytest.raises(TextInvalid):
            parse_periods(bad)
    for bad in ("funday 09:00-10:00", "fri-mon 09:00-10:00", "mon"):
        with pytest.raises(TextInvalid):
            parse_week(bad)


def test_blackout_text() -> None:
    one = parse_blackout("2026-12-25 设备检修")
    assert (one.first_day, one.last_day, one.reason_zh, one.reason_en) == (
        date(2026, 12, 25), date(2026, 12, 25), "设备检修", "设备检修"
    )  # fmt: skip
    two = parse_blackout("2026-12-25..2026-12-27 元旦 检修|New Year maintenance")
    assert (two.last_day, two.reason_zh, two.reason_en) == (
        date(2026, 12, 27), "元旦 检修", "New Year maintenance"
    )  # fmt: skip
    assert parse_blackout("2026/12/25 2026/12/26 x").last_day == date(2026, 12, 26)
    for bad in ("2026-12-25", "2026-02-30 x", "2026-12-27 2026-12-25 x", "x 2026-12-25"):
        with pytest.raises(TextInvalid):
            parse_blackout(bad)


async def table_counts(services: Services) -> dict[str, int]:
    """Rows in every table: what an import could change."""
    async with services.sessions() as session:
        return {
            table.name: int(
                (await session.execute(text(f'SELECT count(*) FROM "{table.name}"'))).scalar_one()
            )
            for table in metadata.sorted_tables
        }


async def export(services: Services, kind: str, **days: date) -> str:
    async with services.sessions() as session:
        return await export_catalogue(
            session, kind=kind, first=days.get("first"), last=days.get("last")
        )


async def run_import(services: Services, csv_text: str, kind: str | None = None) -> str:
    async with services.sessions() as session, session.begin():
        report = await import_catalogue(session, text=csv_text, kind=kind, today=local_today())
    return report.summary()


async def test_round_trip_changes_nothing(services: Services) -> None:
    venues, slots = await export(services, "venues"), await export(services, "slots")
    assert venues.count("\n") == 11 and "d-canteen,d-centre,canteen,长者助餐点" in venues
    assert "mon-sun 11:00-12:00 17:00-18:00," in venues
    before = await table_counts(services)
    assert (
        await run_import(services, "\ufeff" + venues)
        == "venues: created 0, updated 0, unchanged 10"
    )
    summary = await run_import(services, slots)
    assert summary == f"slots: created 0, updated 0, unchanged {slots.count(chr(10)) - 1}"
    assert await table_counts(services) == before
    assert await export(services, "venues") == venues
    assert await export(services, "slots") == slots


async def test_bad_rows_are_all_reported_and_nothing_is_imported(services: Services) -> None:
    rows = [
        HEADER + ",colour",
        "d-canteen,d-centre,canteen,长者助餐点,Seniors' canteen,30,daily 11:00-12:00,,no,red",
        "d-new,nowhere,pool,新场地,,0,funday 9-10,2026-12-25,maybe,",
        'd-health,d-centre,health_check,"健康\n体检",Health,20,mon 08:00-11:00,,no,',
        "d-canteen,d-centre,canteen,a,b,5,,,yes,",
        "q-hall,q-centre,hall,大厅,Hall,3,mon 09:00-12:00 11:00-13:00,2026-12-25..2026-12-20 x,",
    ]
    before_counts, before_export = await table_counts(services), await export(services, "venues")
    with pytest.raises(CatalogueRejected) as rejected:
        await run_import(services, "\n".join(rows) + "\n")
    assert [str(e) for e in rejected.value.errors] == [
        "line 1: column colour: unknown column",
        "line 3: column blackouts: a reason is needed after the dates",
        "line 3: column capacity: 0 is not between 1 and 1000",
        "line 3: column centre_code: there is no centre 'nowhere'",
        "line 3: column hours: 'funday' is not a weekday like mon, mon-fri or tue,thu",
        "line 3: column kind: 'pool' is not one of activity_room, hall, canteen, health_check, "
        "mediation_room, enterprise_guidance",
        "line 3: column name_en: must not be empty",
        "line 3: column needs_approval: yes or no is needed",
        "line 6: column code: d-canteen is already on line 2",  # line 4 spans two lines
        "line 7: column blackouts: the last day is before the first day",
        "line 7: column hours: two periods overlap",
        "line 7: column needs_approval: must not be empty",
    ]
    assert await table_counts(services) == before_counts
    assert await export(services, "venues") == before_export


async def test_venues_upsert_partial_files_and_new_venue(services: Services) -> None:
    first = local_today() + timedelta(days=3)
    new = (
        f"{HEADER},horizon_days\n"
        f"d-reading,d-centre,activity_room,阅览室,Reading room,8,"
        f'"mon-fri 09:00-11:00; sat 09:00-10:00",{first:%Y-%m-%d} 书架维修|shelf repair,yes,10\n'
    )
    days = [local_today() + timedelta(days=n) for n in range(11)]  # today to the horizon
    expected = sum(2 if d.weekday() < 5 else d.weekday() == 5 for d in days)
    assert await run_import(services, new) == (
        f"venues: created 1, updated 0, unchanged 0 ({expected} new slots generated)"
    )
    assert await run_import(services, new) == "venues: created 0, updated 0, unchanged 1"
    async with services.sessions() as session:
        venue = (
            await session.execute(select(Venue).where(col(Venue.code) == "d-reading"))
        ).scalar_one()
        hours = (
            await session.execute(
                select(func.count()).where(col(OpeningHours.venue_id) == venue.id)
            )
        ).scalar_one()
        blackout = (
            await session.execute(select(Blackout).where(col(Blackout.venue_id) == venue.id))
        ).scalar_one()
    assert (venue.capacity, venue.needs_approval, venue.horizon_days, hours) == (8, True, 10, 6)
    assert (blackout.first_day, blackout.reason_en) == (first, "shelf repair")

    slot = await slot_of(services.sessions, "d-canteen", 2)
    assert slot.id is not None
    async with services.sessions() as session, session.begin():
        assert await take_places(session, slot.id, 35)
    partial = "code,capacity,blackouts\nd-canteen,30,\nd-reading,8,\n"
    assert await run_import(services, partial) == "venues: created 0, updated 2, unchanged 0"
    async with services.sessions() as session:
        canteen = await session.get(Venue, slot.venue_id)
        booked = await session.get(Slot, slot.id)
        blackouts = (await session.execute(select(func.count()).select_from(Blackout))).scalar()
    assert canteen is not None and booked is not None
    assert canteen.capacity == 30 and canteen.max_party_size == 4  # the rest kept
    assert booked.capacity == 40  # 35 booked: this slot keeps its 40 places
    assert blackouts == 1  # the demo's q-activity day; d-reading's was cleared
    missing = "code,capacity\nd-brand-new,3\n"
    with pytest.raises(CatalogueRejected) as rejected:
        await run_import(services, missing)
    assert [str(e) for e in rejected.value.errors] == [
        "line 2: column centre_code: needed for a new venue",
        "line 2: column kind: needed for a new venue",
        "line 2: column name_en: needed for a new venue",
        "line 2: column name_zh: needed for a new venue",
    ]


async def test_slots_upsert_and_capacity_below_booked_refused(services: Services) -> None:
    slot = await slot_of(services.sessions, "d-health", 3)
    assert slot.id is not None
    day = slot.starts_at.astimezone(services.settings.tz).date()
    async with services.sessions() as session, session.begin():
        assert await take_places(session, slot.id, 5)
    exported = await export(services, "slots", first=day, last=day)
    lines = [line for line in exported.splitlines() if line.startswith("d-health,")]
    assert lines[0] == f"d-health,{day:%Y-%m-%d} 08:00,{day:%Y-%m-%d} 09:00,20,no,5"
    changed = [
        "venue_code,starts_at,ends_at,capacity,closed",
        lines[0].replace(",20,no,5", ",6,yes"),
        lines[1].replace(",20,no,0", ",20,no"),
        f"d-health,{day:%Y-%m-%d} 11:00,{day:%Y-%m-%d} 12:00,10,no",
    ]
    assert await run_import(services, "\n".join(changed)) == (
        "slots: created 1, updated 1, unchanged 1"
    )
    assert await run_import(services, "\n".join(changed)) == (
        "slots: created 0, updated 0, unchanged 3"
    )
    async with services.sessions() as session:
        booked = await session.get(Slot, slot.id)
    assert booked is not None and (booked.capacity, booked.closed, booked.taken) == (6, True, 5)

    before = await table_counts(services)
    bad = [
        "venue_code,starts_at,ends_at,capacity,closed",
        changed[1].replace(",6,yes", ",2,yes"),
        f"d-health,{day:%Y-%m-%d} 13:00,{day:%Y-%m-%d} 12:00,5,no",
        f"d-nowhere,{day:%Y-%m-%d} 13:00,{day:%Y-%m-%d} 14:00,5,no",
        f"d-health,{day:%Y-%m-%d} 25:00,{day:%Y-%m-%d} 26:00,5,no",
        changed[3],
        changed[3],
    ]
    with pytest.raises(CatalogueRejected) as rejected:
        await run_import(services, "\n".join(bad), kind="slots")
    assert [str(e) for e in rejected.value.errors] == [
        "line 2: column capacity: 2 is below the 5 places already booked",
        "line 3: column ends_at: must be after starts_at",
        "line 4: column venue_code: no venue 'd-nowhere'",
        f"line 5: column ends_at: '{day:%Y-%m-%d} 26:00' is not a real date and time",
        f"line 5: column starts_at: '{day:%Y-%m-%d} 25:00' is not a real date and time",
        "line 7: column starts_at: the same slot is already on line 6",
    ]
    assert await table_counts(services) == before


def test_cli_import_and_export(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "cli.db")  # migrated and seeded, as `tongxin` does
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    def tongxin(*args: str) -> subprocess.CompletedProcess[str]:
        return _run([TONGXIN, *args], tmp_path, TONGXIN_DATABASE_URL=url)

    exported = tongxin("export", "venues", "venues.csv")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "venues.csv").read_bytes().startswith(b"\xef\xbb\xbfcode,centre_code,")
    done = tongxin("import", "venues.csv")
    assert (done.returncode, done.stdout) == (0, "venues: created 0, updated 0, unchanged 10\n")

    (tmp_path / "bad.csv").write_text("code,capacity\nd-canteen,many\nq-hall,0\n", "utf-8")
    refused = tongxin("import", "--kind", "venues", "bad.csv")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.splitlines()[-3:] == [
        "bad.csv: line 2: column capacity: a whole number from 1 to 1000 is needed",
        "bad.csv: line 3: column capacity: 0 is not between 1 and 1000",
        "bad.csv: nothing imported (2 problem(s) to fix)",
    ]
    day = local_today() + timedelta(days=1)
    slots = tongxin("export", "slots", "--from", f"{day}", "--to", f"{day}")
    assert slots.returncode == 0 and slots.stdout.startswith("venue_code,starts_at,ends_at,")
    assert {
        line[10:20] for line in slots.stdout.splitlines()[1:] if line.startswith("d-canteen")
    } == {f"{day}"}
    missing = tongxin("import", "missing.csv")
    assert missing.returncode == 1 and "missing.csv: cannot read it" in missing.stderr
