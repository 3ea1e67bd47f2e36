"""Events at scale: racing registrations against booking through the same capacity engine, and
the upcoming-events query over a year of events.

A fresh database (a temporary SQLite file, or a new database on the PostgreSQL server given by
``--database-url`` or a PostgreSQL ``TONGXIN_DATABASE_URL``, dropped afterwards) gets the demo
towns and places, ``--days`` days of ``--per-day`` published events (``create_event``), the
events to race for, the booking calendar and fresh residents of both towns.

1. Throughput: ``--registrations`` registrations spread over ``--events`` events (half the
   registrants per event fit: capacity = registrants / 2, a quota of half that per town) through
   ``models.events.register``, ``--concurrency`` at a time, one transaction each; checked after
   every round: exactly the capacity confirmed per event, both quotas full, the rest waiting.
   Baseline: the same number of places booked through ``models.booking.book`` in free slots
   of 20+ places (the same engine: conditional update of ``taken``, reminders, audit). Both are
   undone after each round; alternating rounds, best of ``--rounds`` each.
   ratio = registrations/s / bookings/s.
2. Query: ``models.events.upcoming_events`` for every listing (all, this week, my town, the
   other town), ``--runs`` calls each after 5 warm-up calls, a session per call; p50 / p95 ms.

Last line: key=value pairs.

    .venv/bin/python bench/events.py [--quick] [--database-url postgresql+asyncpg://HOST:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import time
from typing import Any

from _booking_data import NOW, add_people, build_calendar, fresh_engine
from _events_data import add_race_events, add_year, check_race, pick_places
from booking import concurrently, percentile, undo
from sqlalchemy import func, select, update
from sqlmodel import col

from bot.db import SessionFactory, create_session_factory
from models.booking import Booking, book
from models.core.audit import AuditLog
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.events import Event, EventQuota, Listing, Registration, register, upcoming_events

FULL = dict(registrations=2000, events=20, days=365, per_day=5, runs=200, rounds=3)
QUICK = dict(registrations=200, events=5, days=30, per_day=5, runs=20, rounds=1)
CALENDAR = (12, 21)  # booking venues and days: free slots for 2,000+ places of 20+ each


async def time_query(
    sessions: SessionFactory, person_id: int, runs: int
) -> dict[str, tuple[int, list[float]]]:
    """By listing: events on the first page, and ms per ``upcoming_events`` call x ``runs``."""
    timed: dict[str, tuple[int, list[float]]] = {}
    for listing in Listing:
        times: list[float] = []
        for n in range(runs + 5):
            async with sessions() as session:  # a session per call, as per update
                person = await session.get(Person, person_id)
                assert person is not None
                start = time.perf_counter()
                page = await upcoming_events(session, person=person, listing=listing, now=NOW)
                if n >= 5:  # the first calls warm the caches
                    times.append(1000 * (time.perf_counter() - start))
        timed[listing.value] = (len(page.lines), times)
    return timed


async def undo_events(sessions: SessionFactory, before: dict[Any, int], events: list[int]) -> None:
    """Delete the round's registrations, outbox and audit rows; the events' places free again."""
    async with sessions() as session, session.begin():
        for model, last in before.items():
            await session.execute(model.__table__.delete().where(model.id > last))
        await session.execute(update(Event).where(col(Event.id).in_(events)).values(taken=0))
        await session.execute(
            update(EventQuota).where(col(EventQuota.event_id).in_(events)).values(taken=0)
        )


async def last_ids(sessions: SessionFactory, tables: tuple[Any, ...]) -> dict[Any, int]:
    """The highest id in each table, to undo a round by."""
    async with sessions() as session:
        return {m: (await session.execute(select(func.max(m.id)))).scalar() or 0 for m in tables}


async def throughput(
    sessions: SessionFactory, events: list[int], people: list[int], places: list[int],
    bookers: list[int], args: argparse.Namespace,
) -> dict[str, Any]:  # fmt: skip
    """Best registrations/s and bookings/s, alternating; errors and what went wrong."""
    # Person k (towns alternate) goes to event (k // 2) % n: each event gets both towns equally.
    jobs = [(p, events[(k // 2) % len(events)]) for k, p in enumerate(people)]
    per_event = len(people) // len(events)

    async def registering(job: tuple[int, int]) -> None:
        async with sessions() as session, session.begin():
            person = await session.get(Person, job[0])
            assert person is not None
            if not (await register(session, person=person, event_id=job[1], now=NOW)).created:
                raise RuntimeError("not created")

    async def booking(job: tuple[int, int]) -> None:
        async with sessions() as session, session.begin():
            person = await session.get(Person, job[0])
            assert person is not None
            if not (await book(session, person, job[1], now=NOW)).created:
                raise RuntimeError("not created")

    bookings = list(zip(bookers, places, strict=True))
    best = {"register": 0.0, "book": 0.0}
    errors: dict[str, int] = {}
    wrong: list[str] = []
    for n in range(args.rounds):
        for name in ("book", "register") if n % 2 == 0 else ("register", "book"):
            if name == "register":
                before = await last_ids(sessions, (Registration, OutboxMessage, AuditLog))
                wall, failed = await concurrently(jobs, registering, args.concurrency)
                wrong += await check_race(sessions, events, per_event // 2, per_event)
                await undo_events(sessions, before, events)
            else:
                before = await last_ids(sessions, (Booking, OutboxMessage, AuditLog))
                wall, failed = await concurrently(bookings, booking, args.concurrency)
                await undo(sessions, before, release=True)
            best[name] = max(best[name], (len(jobs) - sum(failed.values())) / wall)
            errors = {k: errors.get(k, 0) + failed.get(k, 0) for k in {*errors, *failed}}
    return {**best, "errors": errors, "wrong": wrong}


async def main(args: argparse.Namespace) -> None:
    """Build the data, run both measurements, print the figures."""
    rng = random.Random(20270301)
    load = os.getloadavg()[0]  # a busy machine stretches the timings; printed with them
    async with fresh_engine(args.database_url) as engine:
        sessions = create_session_factory(engine)
        db = engine.dialect.name
        start = time.perf_counter()
        plan = await build_calendar(sessions, *CALENDAR)
        year = await add_year(sessions, args.days, args.per_day, rng)
        per_event = args.registrations // args.events
        events = await add_race_events(sessions, args.events, per_event // 2)
        people = await add_people(sessions, per_event * args.events, 10_000_000)
        places = pick_places(plan, len(people), 20)
        bookers = await add_people(sessions, len(people), 20_000_000)
        print(f"{db}: {year} events over {args.days} days, {len(events)} events of "
              f"{per_event // 2} places for {len(people)} registrants, {len(places)} places "
              f"to book in {len(set(places))} slots; built in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        timed = await time_query(sessions, people[0], args.runs)
        result = await throughput(sessions, events, people, places, bookers, args)
    times = [t for _found, listing_times in timed.values() for t in listing_times]
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    for listing, (found, listing_times) in timed.items():
        l50, l95 = percentile(listing_times, 0.5), percentile(listing_times, 0.95)
        print(f"  {listing}: {found} events on the first page; p50 {l50:.2f} ms, p95 {l95:.2f} ms")
    print(f"upcoming_events, first page, {len(times)} calls over {year + len(events)} events: "
          f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(times):.2f} ms")  # fmt: skip
    ratio = result["register"] / result["book"]
    print(f"{len(people)} registrations over {len(events)} events and {len(places)} bookings, "
          f"{args.concurrency} at a time, best of {args.rounds}: register() "
          f"{result['register']:.0f}/s, book() {result['book']:.0f}/s; "
          f"errors {result['errors']}")  # fmt: skip
    print("every round: exactly the capacity confirmed per event, the rest waiting"
          if not result["wrong"] else "WRONG: " + "; ".join(result["wrong"][:10]))  # fmt: skip
    print(f"load average (1 min): {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(
        f"registrations_per_s={result['register']:.0f} bookings_per_s={result['book']:.0f} "
        f"registrations={len(people)} events={len(events)} year_events={year} "
        f"query_p50_ms={p50:.2f} query_p95_ms={p95:.2f} "
        f"errors={sum(result['errors'].values())} correct={'no' if result['wrong'] else 'yes'} "
        f"db={db} ratio={ratio:.3f}"
    )
    if result["wrong"]:
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run (the smoke test's)")
    for key in FULL:
        parser.add_argument(f"--{key.replace('_', '-')}", dest=key, type=int, default=None,
                            help=f"default {FULL[key]}")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--database-url",
        default=pg if (pg := os.environ.get("TONGXIN_DATABASE_URL", "")).startswith("postgres")
        else None,
        help="a PostgreSQL server (default: TONGXIN_DATABASE_URL if PostgreSQL), on which a new "
        "database is made and dropped; SQLite in a temporary directory without it",
    )  # fmt: skip
    args = parser.parse_args()
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args))
