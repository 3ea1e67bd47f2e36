"""The suite passes on any day: its clock is pinned, and its date helpers find distinct,
bookable demo slots whatever the weekday, at 09:00 and at 23:30, at a month's and a year's end.

``slot_of`` is run against the demo data seeded on each of those days (SQLite on both passes:
this checks the helpers' date logic, not the engine).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select
from sqlmodel import col
from time_machine import escape_hatch

from bot.db import SessionFactory, create_engine, create_session_factory
from bot.migrate import upgrade_to_head
from models.booking.calendar import TOWNS_TZ
from models.booking.rules import TooFarAhead, check_rules
from models.booking.slots import Slot
from models.core.base import utcnow
from models.core.people import find_person
from models.core.places import ServiceCentre, Town, Venue
from models.demo.places import VENUES, seed_places
from tests.booking.booking_support import local_today, slot_of
from tests.booking.test_booking_flow_helpers import days_ahead
from tests.conftest import CHILD_CLOCK_SHIFT
from tests.factories import make_person

# A whole week (Monday 2026-11-30 to Sunday 2026-12-06) and the dates the issue names.
WEEK = [date(2026, 11, 30) + timedelta(days=n) for n in range(7)]
NAMED = [date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 31), date(2027, 2, 28)]
DAYS = sorted(set(WEEK + NAMED))
TIMES = [time(9, 0), time(23, 30)]
# What the suite asks slot_of for: open days 2 to 5 ahead must be bookable at any hour.
BOOKABLE_AHEAD = range(2, 6)
RESIDENT = {"D": 880001, "Q": 880002}


def test_the_run_clock_is_pinned(pinned_now: datetime) -> None:
    """Every test starts at the run's instant (TONGXIN_TEST_NOW, or the start of the run)."""
    assert abs(datetime.now(TOWNS_TZ) - pinned_now) < timedelta(seconds=30)
    assert local_today() == pinned_now.astimezone(TOWNS_TZ).date()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with no data yet (each day below seeds its own copy)."""
    import asyncio

    path = tmp_path_factory.mktemp("clock") / "migrated.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(migrate())
    return path


@pytest.mark.parametrize("day", DAYS, ids=lambda d: f"{d:%Y-%m-%d-%a}")
async def test_slot_helpers_give_distinct_bookable_slots_on_any_day(
    day: date, migrated: Path, tmp_path: Path
) -> None:
    shutil.copy(migrated, tmp_path / "day.db")
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'day.db'}")
    sessions = create_session_factory(engine)
    try:
        with time_machine.travel(datetime.combine(day, time(8, 0), TOWNS_TZ), tick=False):
            async with sessions() as session, session.begin():
                await seed_places(session)  # as the template is seeded at the run's start
            for town, community in (("D", "d-changjiang"), ("Q", "q-xinglong")):
                await make_person(sessions, RESIDENT[town], town, community)
        for at in TIMES:
            with time_machine.travel(datetime.combine(day, at, TOWNS_TZ), tick=False):
                assert local_today() == day
                for code in (venue[1] for venue in VENUES):
                    await _check_venue(sessions, code, f"{day} {at:%H:%M} {code}")
                # test_horizon: the canteen's 9th open day is past its 7-day horizon.
                far = await slot_of(sessions, "d-canteen", 9)
                assert days_ahead(far.starts_at.astimezone(TOWNS_TZ).date()) == 9
                with pytest.raises(TooFarAhead):
                    await _check_bookable(sessions, far.id or 0)
    finally:
        await engine.dispose()


async def _check_venue(sessions: SessionFactory, code: str, where: str) -> None:
    """Open days 1, 2, … ahead are later and later and at least that many days away; on open
    days 2 to 5 (as far as the venue has that many) the first and the last slot pass the
    venue's rules now (lead time and horizon are what the hour of day can break)."""
    seen: set[int] = set()
    previous: date | None = None
    for ahead in range(1, 6):
        if ahead > 3 and ahead > await _open_days(sessions, code):
            break  # a venue open two days a week has four open days in the seeded two weeks
        first = await slot_of(sessions, code, ahead)
        day = first.starts_at.astimezone(TOWNS_TZ).date()
        assert days_ahead(day) >= ahead, where
        assert previous is None or day > previous, f"{where}: {ahead} ahead is not later"
        previous = day
        if ahead not in BOOKABLE_AHEAD:
            continue
        count = await _slots_on(sessions, first)
        for index in sorted({0, count - 1}):
            slot = await slot_of(sessions, code, ahead, index)
            assert slot.starts_at.astimezone(TOWNS_TZ).date() == day, where
            assert slot.id not in seen, f"{where}: slot {slot.id} twice"
            seen.add(slot.id or 0)
            await _check_bookable(sessions, slot.id or 0)


async def _open_days(sessions: SessionFactory, code: str) -> int:
    """How many days after today the venue has slots on."""
    tomorrow = datetime.combine(local_today() + timedelta(days=1), time(0), TOWNS_TZ)
    async with sessions() as session:
        venue = (await session.execute(select(Venue).where(col(Venue.code) == code))).scalar_one()
        starts = (
            await session.execute(
                select(col(Slot.starts_at)).where(
                    col(Slot.venue_id) == venue.id, col(Slot.starts_at) >= tomorrow
                )
            )
        ).scalars()
        return len({s.astimezone(TOWNS_TZ).date() for s in starts})


async def _slots_on(sessions: SessionFactory, slot: Slot) -> int:
    """How many slots the slot's venue has on the slot's local day."""
    day = slot.starts_at.astimezone(TOWNS_TZ).date()
    start = datetime.combine(day, time(0), TOWNS_TZ)
    async with sessions() as session:
        query = (
            select(func.count())
            .select_from(Slot)
            .where(
                col(Slot.venue_id) == slot.venue_id,
                col(Slot.starts_at) >= start,
                col(Slot.starts_at) < start + timedelta(days=1),
            )
        )
        return int((await session.execute(query)).scalar_one())


async def _check_bookable(sessions: SessionFactory, slot_id: int) -> None:
    """The venue's rules accept one place in the slot for a resident of its town, now."""
    async with sessions() as session:
        slot = await session.get(Slot, slot_id)
        assert slot is not None
        venue = await session.get(Venue, slot.venue_id)
        assert venue is not None
        centre = await session.get(ServiceCentre, venue.centre_id)
        town = await session.get(Town, centre.town_id if centre else 0)
        assert town is not None
        person = await find_person(session, RESIDENT[town.code])
        assert person is not None
        await check_rules(
            session, person, slot, venue, party_size=1, active_bookings=0, now=utcnow()
        )


def _child_time(tmp_path: Path) -> float:
    """time.time() in a Python child started as the tests start theirs (no TONGXIN_ vars)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_")}
    done = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return float(done.stdout)


def test_python_child_processes_read_the_pinned_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tongxin …` started by a test shares its clock (tests/childclock/sitecustomize.py)."""
    assert abs(_child_time(tmp_path) - datetime.now().timestamp()) < 30
    hundred_days = 100 * 86_400
    monkeypatch.setenv(CHILD_CLOCK_SHIFT, str(hundred_days * 1_000_000_000))
    real = escape_hatch.time.time()
    assert abs(_child_time(tmp_path) - (real + hundred_days)) < 30
