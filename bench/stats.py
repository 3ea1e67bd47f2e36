"""/stats over a year of demo-scale data: does generating it take under 2 s?

A fresh database (a temporary SQLite file, or a new database on the PostgreSQL server given by
``--database-url``, dropped afterwards) gets the demo towns and places, ``--people`` residents
of both towns (2 % unreachable), a year of slots (every venue, 8 a day), ``--bookings``
bookings, ``--events`` events with ``--registrations`` registrations and ``--cases`` dispute
cases, all inserted in bulk with Core (no rules run: this measures reading, not booking).

Candidate: ``models.governance.build_report`` for the whole year, as /stats computes it for an
admin of both towns and for a town admin (their town, then both towns' totals), best of
``--runs`` each, one session per run; the charts are drawn once and timed apart. Baseline: the
simplest query over the same rows, ``count(*)`` of the year's bookings joined to their slots.
ratio = report seconds (both towns) / baseline seconds. Last line: key=value pairs.

    .venv/bin/python bench/stats.py [--quick] [--database-url postgresql+asyncpg://HOST:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from _booking_data import fresh_engine
from sqlalchemy import func, insert, select
from sqlmodel import col

from bot.db import SessionFactory, create_session_factory
from bot.i18n import load_catalogues
from bot.settings import Settings
from models.booking import Booking, Slot
from models.core.base import TOWNS_TZ
from models.core.people import Person
from models.core.places import Town, Venue
from models.demo import seed_places
from models.disputes import DisputeCase
from models.events import Event, Registration
from models.governance import Period, build_report, chart_data, render_charts

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
FULL = dict(people=5000, bookings=100_000, events=1000, registrations=10_000, cases=2000, runs=5)
QUICK = dict(people=500, bookings=5000, events=100, registrations=1000, cases=200, runs=2)
BOOKING_STATUS = ["confirmed"] * 5 + ["attended"] * 8 + ["no_show", "cancelled", "declined"]
REG_STATUS = ["confirmed"] * 4 + ["attended"] * 5 + ["no_show", "cancelled", "waitlisted"]
CHUNK = 5000


def local(day: date, hour: int) -> datetime:
    """A local hour of a day, as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOWNS_TZ).astimezone(UTC)


Rows = list[dict[str, Any]]


async def insert_rows(sessions: SessionFactory, table: Any, rows: Rows) -> None:
    """Core bulk inserts, a chunk per transaction."""
    for start in range(0, len(rows), CHUNK):
        async with sessions() as session, session.begin():
            await session.execute(insert(table), rows[start : start + CHUNK])


async def ids_of(sessions: SessionFactory, column: Any) -> list[int]:
    """Every id of a table, in order."""
    async with sessions() as session:
        found = await session.execute(select(column).order_by(column))
        return [int(i) for i in found.scalars()]


async def seed(
    sessions: SessionFactory, args: argparse.Namespace, rng: random.Random
) -> dict[str, int]:
    """The demo places and a year of people, slots, bookings, events, registrations and cases."""
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        await seed_places(session, local(YEAR.first, 8))
        towns = [t.id or 0 for t in (await session.execute(select(Town))).scalars()]
        venues = [v.id or 0 for v in (await session.execute(select(Venue))).scalars()]
    people = [
        {"tg_user_id": 30_000_000 + n, "chat_id": 30_000_000 + n, "town_id": towns[n % 2],
         "consent_at": now, "onboarded_at": now, "reachable": rng.random() > 0.02,
         "language": "zh_CN", "elder_mode": True, "created_at": now, "updated_at": now}
        for n in range(args.people)
    ]  # fmt: skip
    await insert_rows(sessions, Person, people)
    person_ids = await ids_of(sessions, col(Person.id))
    days = [YEAR.first + timedelta(days=n) for n in range(365)]
    # Slots from 07:00, off the demo's hours and half hours (no start is shared with them).
    slots = [
        {"venue_id": v, "starts_at": local(d, h) + timedelta(minutes=7),
         "ends_at": local(d, h + 1), "capacity": 50, "taken": 0, "closed": False}
        for v in venues for d in days for h in range(7, 15)
    ]  # fmt: skip
    await insert_rows(sessions, Slot, slots)
    slot_ids = await ids_of(sessions, col(Slot.id))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < args.bookings:
        pairs.add((rng.choice(slot_ids), rng.choice(person_ids)))
    bookings = [
        {"slot_id": s, "person_id": p, "party_size": 1, "status": rng.choice(BOOKING_STATUS),
         "code": f"B{n:08d}", "created_at": now, "updated_at": now, "revision": 0}
        for n, (s, p) in enumerate(pairs)
    ]  # fmt: skip
    await insert_rows(sessions, Booking, bookings)
    events: Rows = [
        {"code": f"bench-stats-{n}", "status": "published", "name_zh": f"活动{n}",
         "name_en": f"Event {n}", "host_town_id": towns[n % 2],
         "cohost_town_id": towns[1 - n % 2] if n % 5 == 0 else None,
         "starts_at": local(rng.choice(days), 14), "ends_at": local(days[0], 16),
         "capacity": 50, "taken": 0, "held_back": 0, "max_party": 1, "revision": 0,
         "topic": "events", "created_at": now, "updated_at": now}
        for n in range(args.events)
    ]  # fmt: skip
    for event in events:
        event["ends_at"] = event["starts_at"] + timedelta(hours=2)
    await insert_rows(sessions, Event, events)
    event_ids = await ids_of(sessions, col(Event.id))
    taken: set[tuple[int, int]] = set()
    while len(taken) < args.registrations:
        taken.add((rng.choice(event_ids), rng.choice(person_ids)))
    registrations = [
        {"event_id": e, "person_id": p, "party_size": 1, "status": rng.choice(REG_STATUS),
         "code": f"R{n:08d}", "from_held_back": False, "created_at": now, "updated_at": now}
        for n, (e, p) in enumerate(taken)
    ]  # fmt: skip
    await insert_rows(sessions, Registration, registrations)
    cases = []
    for n in range(args.cases):
        opened = local(rng.choice(days), 9)
        resolved = rng.random() < 0.7
        cases.append(
            {"number": f"B-{n:06d}", "town_id": towns[n % 2], "lead_town_id": towns[n % 2],
             "joint": rng.random() < 0.2, "category": "noise", "parties": "same_community",
             "status": "resolved" if resolved else "in_mediation", "description": "",
             "attachments": [], "contact": "bot", "anonymous": False,
             "cross_border_consent": False, "escalation_level": 0,
             "closed_at": opened + timedelta(hours=rng.randint(2, 400)) if resolved else None,
             "created_at": opened, "last_update_at": opened}
        )  # fmt: skip
    await insert_rows(sessions, DisputeCase, cases)
    return {"towns": len(towns), "venues": len(venues), "slots": len(slot_ids), "town": towns[0]}


async def best_of(runs: int, work: object) -> float:
    """The fastest of ``runs`` timed calls of ``work()``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


async def main(args: argparse.Namespace) -> None:
    """Seed, time the baseline and the report, draw the charts, print the figures."""
    rng = random.Random(20261203)
    async with fresh_engine(args.database_url) as engine:
        sessions = create_session_factory(engine)
        db = engine.dialect.name
        start = time.perf_counter()
        built = await seed(sessions, args, rng)
        print(f"{db}: {args.bookings} bookings in {built['slots']} slots of {built['venues']} "
              f"venues, {args.registrations} registrations at {args.events} events, "
              f"{args.cases} cases, {args.people} people; built in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip

        async def baseline() -> None:
            async with sessions() as session:
                query = (
                    select(func.count()).select_from(Booking)
                    .join(Slot, col(Slot.id) == col(Booking.slot_id))
                    .where(col(Slot.starts_at) >= YEAR.start, col(Slot.starts_at) < YEAR.end)
                )  # fmt: skip
                await session.scalar(query)

        async def both_towns() -> None:
            async with sessions() as session:
                await build_report(session, period=YEAR, town_id=None)

        async def one_town() -> None:
            async with sessions() as session:
                await build_report(session, period=YEAR, town_id=built["town"])

        base = await best_of(args.runs, baseline)
        report_s = await best_of(args.runs, both_towns)
        town_s = await best_of(args.runs, one_town)
        async with sessions() as session:
            report = await build_report(session, period=YEAR, town_id=None)
    t = load_catalogues().translator("zh_CN")
    font = str(Settings.model_fields["cjk_font"].default)
    start = time.perf_counter()
    charts = render_charts(chart_data(report), t=t, language="zh_CN", font=font)
    charts_s = time.perf_counter() - start
    figures = report.figures
    print(f"the year's figures: {figures.bookings.total} bookings, "
          f"{figures.registrations.total} registrations, index {figures.index or 0:.3f}, "
          f"{figures.cases_opened} cases opened, "
          f"{figures.unreachable_residents} unreachable")  # fmt: skip
    print(f"best of {args.runs}: baseline count(*) {base * 1000:.1f} ms; build_report both towns "
          f"{report_s * 1000:.0f} ms, one town (+ totals) {town_s * 1000:.0f} ms; "
          f"{len(charts)} charts drawn in {charts_s * 1000:.0f} ms")  # fmt: skip
    total = max(report_s, town_s) + charts_s
    print(
        f"bookings={args.bookings} registrations={args.registrations} cases={args.cases} "
        f"baseline_s={base:.3f} report_s={report_s:.3f} town_report_s={town_s:.3f} "
        f"charts_s={charts_s:.3f} stats_s={total:.3f} under_2s={'yes' if total < 2 else 'no'} "
        f"db={db} ratio={report_s / base:.2f}"
    )


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run (the smoke test's)")
    for key in FULL:
        parser.add_argument(f"--{key}", type=int, default=None)
    parser.add_argument(
        "--database-url", default=None,
        help="a PostgreSQL server (postgresql+asyncpg://…/postgres) on which a fresh database "
        "is made and dropped; SQLite in a temporary directory without it",
    )  # fmt: skip
    parsed = parser.parse_args()
    for key, value in (QUICK if parsed.quick else FULL).items():
        if getattr(parsed, key) is None:
            setattr(parsed, key, value)
    asyncio.run(main(parsed))
