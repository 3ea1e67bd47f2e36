"""events.csv and registrations.csv (docs/catalogue-csv.md): a good file imports every column,
a bad one reports every problem as ``line N: column X`` and stores nothing, an export imported
back changes nothing, changes reach registrants through the events model, and the
registrations export holds names, never phone numbers."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.context import Services
from models.core.base import TOWNS_TZ
from models.core.csvfile import CatalogueRejected
from models.core.places import Community, Venue
from models.events import Registration, RegStatus, register
from tests.booking.test_catalogue_csv import table_counts
from tests.core.test_cli import TONGXIN, _run
from tests.events.csv_support import HEADER, days, event_by_code, export, good_file, run_import
from tests.events.events_support import people, person, towns
from tests.events.staff_support import options, outbox, quotas


async def test_a_good_file_imports_every_column(services: Services, pinned_now: datetime) -> None:
    day, later = days(pinned_now)
    text = good_file(pinned_now)
    assert await run_import(services, text) == "events: created 2, updated 0, unchanged 0"
    assert await run_import(services, text) == "events: created 0, updated 0, unchanged 2"
    ids, tz = await towns(services.sessions), TOWNS_TZ
    border = await event_by_code(services, "border-x")
    assert (border.status, border.host_town_id, border.cohost_town_id) == (
        "published", ids["Q"], ids["D"]
    )  # fmt: skip
    assert (border.place_zh, border.place_en, border.venue_id) == (
        "界河公园",
        "Border River Park",
        None,
    )
    assert border.starts_at == datetime.combine(day, time(9), tz)
    assert border.ends_at == datetime.combine(day, time(12), tz)
    assert (border.capacity, border.held_back, border.taken, border.max_party) == (60, 10, 10, 2)
    assert border.held_back_until == datetime.combine(day - timedelta(days=3), time(9), tz)
    assert border.registration_closes_at == datetime.combine(day - timedelta(days=1), time(18), tz)
    assert (border.audience_town_id, border.audience_community_id, border.topic) == (
        None, None, "events"
    )  # fmt: skip
    assert (border.question_kind, border.question_zh, border.question_en) == (
        "choice", "是否需要接送", "Need a ride?"
    )  # fmt: skip
    assert await quotas(services, border.id or 0) == {ids["D"]: 25, ids["Q"]: 25}
    assert [
        (o.label_zh, o.label_en, o.ride, o.pickup_at)
        for o in await options(services, border.id or 0)
    ] == [
        ("长江新村站", "Changjiang stop", True, datetime.combine(day, time(8), tz)),
        ("不需要接送", "No ride", False, None),
    ]
    tea = await event_by_code(services, "tea-talk")
    async with services.sessions() as session:
        hongmei = (
            await session.execute(select(Community).where(col(Community.code) == "d-hongmei"))
        ).scalar_one()
        activity = (
            await session.execute(select(Venue).where(col(Venue.code) == "d-activity"))
        ).scalar_one()
    assert (tea.status, tea.name_zh, tea.name_en, tea.missing_language) == (
        "draft", "茶话会", "", "en"
    )  # fmt: skip
    assert (tea.venue_id, tea.audience_community_id, tea.topic) == (
        activity.id, hongmei.id, "culture"
    )  # fmt: skip
    assert tea.starts_at == datetime.combine(later, time(14), tz)
    assert (tea.question_kind, tea.question_zh, tea.held_back, tea.taken) == (
        "text",
        "饮食要求",
        0,
        0,
    )
    assert await quotas(services, tea.id or 0) == {}
    assert await options(services, tea.id or 0) == []


async def test_a_bad_file_reports_every_problem_and_stores_nothing(
    services: Services, pinned_now: datetime
) -> None:
    day, _later = days(pinned_now)
    header = (
        "code,status,name_zh,name_en,host_town,place_zh,starts_at,ends_at,capacity,quota_D,"
        "quota_Q,audience,topic,question_kind,options,colour"
    )
    good = f"好活动,Good event,D,公园,{day} 09:00,{day} 11:00,30,10,10,all,events,,,"
    rows = [
        header,
        f"ok-event,published,{good}",
        f"bad one,soon,名,Name,X,公园,{day} 25:00,{day} 11:00,0,many,,town:Z,sports,choice,,",
        f"ok-event,draft,{good}",
        f"new-one,,新活动,New,D,,{day} 09:00,{day} 08:00,30,20,20,all,events,,,",
        f"q-only,published,名,Name,D,公园,{day} 09:00,{day} 11:00,30,20,20,all,events,text,"
        "长江站 / stop 08:00,",
        f"extra,published,名,Name,Q,公园,{day} 09:00,{day} 11:00,30,,,all,events,,,,surplus",
        "mid-autumn,published,中秋,Mid-Autumn,Q,公园,,,5,,,all,events,,,",
    ]
    before, exported = await table_counts(services), await export(services)
    with pytest.raises(CatalogueRejected) as rejected:
        await run_import(services, "\n".join(rows) + "\n")
    assert [str(e) for e in rejected.value.errors] == [
        "line 1: column colour: unknown column",
        "line 3: column audience: 'town:Z' is not all, town:CODE or community:CODE of a known one",
        "line 3: column capacity: 0 is not between 1 and 10000",
        "line 3: column code: 'bad one' is not a code like border-2026 (letters, digits, - _ .)",
        "line 3: column host_town: there is no town 'X' (D, Q)",
        "line 3: column quota_D: a whole number from 0 to 10000 is needed",
        "line 3: column starts_at: '" + f"{day} 25:00' is not a real date and time",
        "line 3: column status: 'soon' is not one of draft, published, cancelled",
        "line 3: column topic: 'sports' is not one of events, health, culture, services",
        "line 4: column code: ok-event is already on line 2",
        "line 5: column ends_at: must be after starts_at",
        "line 6: column options: options are only for question_kind choice: empty the options cell",
        "line 6: column quota_D: the town quotas add up to more than the capacity",
        "line 7: column -: more cells than the header has columns",
        "line 8: column ends_at: must not be empty",
        "line 8: column starts_at: must not be empty",
    ]
    assert await table_counts(services) == before
    assert await export(services) == exported


async def test_export_then_import_changes_nothing(services: Services, pinned_now: datetime) -> None:
    await run_import(services, good_file(pinned_now))
    border = await event_by_code(services, "border-x")
    no_ride = (await options(services, border.id or 0))[1]
    (resident,) = await people(services.sessions, "D", 81_000, 1)
    async with services.sessions() as session, session.begin():
        await register(
            session, person=await person(session, resident), event_id=border.id or 0,
            party_size=2, option_id=no_ride.id,
        )  # fmt: skip
    exported = await export(services)
    lines = exported.splitlines()
    assert lines[0] == (
        "code,status,name_zh,name_en,description_zh,description_en,missing_language,host_town,"
        "cohost_town,venue_code,place_zh,place_en,directions_zh,directions_en,accessibility_zh,"
        "accessibility_en,bring_zh,bring_en,starts_at,ends_at,capacity,quota_D,quota_Q,held_back,"
        "held_back_until,registration_closes_at,audience,topic,max_party,question_kind,"
        "question_zh,question_en,options,taken"
    )
    day, _later = days(pinned_now)
    assert (
        f"border-x,published,界河联谊会,Border gathering,,,,Q,D,,界河公园,Border River Park,,,,,,,"
        f"{day} 09:00,{day} 12:00,60,25,25,10,{day - timedelta(days=3)} 09:00,"
        f"{day - timedelta(days=1)} 18:00,all,events,2,choice,是否需要接送,Need a ride?,"
        "长江新村站 / Changjiang stop 08:00 | 不需要接送 / No ride,12"
    ) in lines
    assert len(lines) == 1 + 3 + 2  # the demo's three events and the two imported
    before = await table_counts(services)
    assert await run_import(services, "\ufeff" + exported) == (
        "events: created 0, updated 0, unchanged 5"
    )
    assert await table_counts(services) == before
    assert await export(services) == exported


async def test_changes_reach_registrants_and_what_people_hold_is_kept(
    services: Services, pinned_now: datetime
) -> None:
    await run_import(services, good_file(pinned_now))
    border = await event_by_code(services, "border-x")
    event_id = border.id or 0
    ride, no_ride = await options(services, event_id)
    residents = await people(services.sessions, "D", 82_000, 3)
    async with services.sessions() as session, session.begin():
        for n, resident in enumerate(residents):
            await register(
                session, person=await person(session, resident), event_id=event_id,
                party_size=2, option_id=(ride if n == 0 else no_ride).id,
            )  # fmt: skip
    day, _later = days(pinned_now)
    line = good_file(pinned_now).splitlines()[1]
    refused = line.replace(",Q,D,", ",D,Q,").replace(",60,25,25,10,", ",12,5,5,10,")
    refused = refused.replace("长江新村站 / Changjiang stop 08:00", "长江新村站 / Changjiang 07:30")
    refused = refused.replace("published,", "draft,", 1)
    before = await table_counts(services)
    with pytest.raises(CatalogueRejected) as rejected:
        await run_import(services, "\n".join((HEADER, refused)))
    assert [str(e) for e in rejected.value.errors] == [
        "line 2: column status: a published event cannot become draft",
    ]
    with pytest.raises(CatalogueRejected) as rejected:
        await run_import(services, "\n".join((HEADER, refused.replace("draft,", "published,", 1))))
    assert [str(e) for e in rejected.value.errors] == [
        "line 2: column capacity: 12 is below the 6 places already taken and the 10 held back",
        "line 2: column host_town: an event's host town cannot change (import it under a new code)",
        "line 2: column options: option 1 (长江新村站) was chosen by 1 registration(s): it must "
        "stay as it is, in its place",
        "line 2: column quota_D: 5 is below the 6 places D residents already hold",
    ]
    assert await table_counts(services) == before

    moved = line.replace(f"{day} 09:00,{day} 12:00", f"{day} 10:00,{day} 13:00")
    moved = moved.replace(",60,25,25,10,", ",70,30,30,0,")
    moved = moved.replace("Changjiang stop 08:00", "Changjiang stop 09:00")  # with the time
    assert await run_import(services, "\n".join((HEADER, moved))) == (
        "events: created 0, updated 1, unchanged 0"
    )
    border = await event_by_code(services, "border-x")
    assert border.starts_at == datetime.combine(day, time(10), TOWNS_TZ)
    assert (border.capacity, border.held_back, border.taken, border.revision) == (70, 0, 6, 1)
    assert set((await quotas(services, event_id)).values()) == {30}
    pickup = (await options(services, event_id))[0].pickup_at
    assert pickup == datetime.combine(day, time(9), TOWNS_TZ)
    told = await outbox(services, f"event:{event_id}:changed:")
    assert sorted(m.person_id or 0 for m in told if ":time:" in m.dedupe_key) == sorted(residents)
    reminders = await outbox(services, "reminder:event:")
    assert {m.status for m in reminders if ":r0:" in m.dedupe_key} == {"cancelled"}
    assert any(":r1:" in m.dedupe_key for m in reminders)

    cancelled = moved.replace("published,", "cancelled,", 1)
    assert await run_import(services, "\n".join((HEADER, cancelled))) == (
        "events: created 0, updated 1, unchanged 0"
    )
    assert await run_import(services, "\n".join((HEADER, cancelled))) == (
        "events: created 0, updated 0, unchanged 1"
    )
    gone = await outbox(services, f"event:{event_id}:cancelled:")
    assert sorted(m.person_id or 0 for m in gone) == sorted(residents)  # each once
    with pytest.raises(CatalogueRejected) as rejected:
        await run_import(services, "\n".join((HEADER, moved)))
    assert [str(e) for e in rejected.value.errors] == [
        "line 2: column status: the event was cancelled: it cannot change",
    ]


async def test_registrations_export_names_never_phones(
    services: Services, pinned_now: datetime
) -> None:
    await run_import(services, good_file(pinned_now))
    event_id = (await event_by_code(services, "border-x")).id or 0
    ride, no_ride = await options(services, event_id)
    d_people = await people(services.sessions, "D", 83_000, 2)
    q_people = await people(services.sessions, "Q", 84_000, 1)
    checked_in = datetime.combine(days(pinned_now)[0], time(8, 55), TOWNS_TZ)
    async with services.sessions() as session, session.begin():
        first = await person(session, d_people[0])
        first.phone = "13800138000"  # shared with the bot: still never exported
        done = await register(
            session, person=first, event_id=event_id, party_size=2, option_id=ride.id
        )
        for other in (d_people[1], q_people[0]):
            await register(
                session, person=await person(session, other), event_id=event_id,
                option_id=no_ride.id,
            )  # fmt: skip
        await session.execute(
            update(Registration)
            .where(col(Registration.id) == done.registration.id)
            .values(status=RegStatus.ATTENDED.value, checked_in_at=checked_in)
        )
    day = days(pinned_now)[0]
    assert (await export(services, "registrations")).splitlines() == [
        "event_code,name,town,party_size,status,answer,checked_in_at",
        f"border-x,居民83000,D,2,attended,长江新村站,{day} 08:55",
        "border-x,居民83001,D,1,confirmed,不需要接送,",
        "border-x,居民84000,Q,1,confirmed,不需要接送,",
    ]
    assert "13800138000" not in await export(services, "registrations")


def test_cli_imports_and_exports_events(
    tmp_path: Path, sqlite_template: Path, pinned_now: datetime
) -> None:
    shutil.copy(sqlite_template, tmp_path / "cli.db")
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    def tongxin(*args: str) -> subprocess.CompletedProcess[str]:
        return _run([TONGXIN, *args], tmp_path, TONGXIN_DATABASE_URL=url)

    (tmp_path / "events.csv").write_text(good_file(pinned_now), "utf-8-sig")
    done = tongxin("import", "events.csv")  # told by its header
    assert (done.returncode, done.stdout) == (0, "events: created 2, updated 0, unchanged 0\n")
    exported = tongxin("export", "events", "out.csv")
    assert exported.returncode == 0, exported.stderr
    again = tongxin("import", "--kind", "events", "out.csv")
    assert (again.returncode, again.stdout) == (0, "events: created 0, updated 0, unchanged 5\n")
    listed = tongxin("export", "registrations")
    assert (listed.returncode, listed.stdout) == (
        0, "event_code,name,town,party_size,status,answer,checked_in_at\n"
    )  # fmt: skip
    (tmp_path / "bad.csv").write_text("code,host_town\nborder-x,Z\n", "utf-8")
    refused = tongxin("import", "bad.csv")
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[-2:] == [
        "bad.csv: line 2: column host_town: there is no town 'Z' (D, Q)",
        "bad.csv: nothing imported (1 problem(s) to fix)",
    ]
