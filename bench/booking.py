"""Booking at scale: the "any centre, next 7 days" query, and booking throughput.

A fresh database (a temporary SQLite file, or a new database on the PostgreSQL server given by
``--database-url`` or a PostgreSQL ``TONGXIN_DATABASE_URL``, dropped afterwards) gets the demo
towns and centres, 50 venues of every kind with their opening hours, a year of slots from a fixed
day, 5,000 residents and 100,000 bookings (bulk inserts, 10 % cancelled; ``slot.taken`` set from
the active ones, densest near today).

1. Query: ``models.booking.open_slots`` for each venue kind, any centre, the next 7 days, after a
   warm-up, ``--runs`` times per kind; p50 / p95 in ms (target p95 <= 10 ms on SQLite), and the
   plan (EXPLAIN QUERY PLAN / EXPLAIN) of the statement it ran.
2. Throughput: ``--bookers`` new residents each book a distinct slot through
   ``models.booking.book`` (rules, conditional capacity update, reminders into the outbox),
   ``--concurrency`` at a time, one transaction each. Baseline: bare INSERTs of the same
   booking rows, same concurrency, one row per transaction. Both are undone after each round;
   the best of ``--rounds`` counts. ratio = bookings/s / bare inserts/s.

Last line: key=value pairs.

    .venv/bin/python bench/booking.py [--quick] [--database-url postgresql+asyncpg://HOST:5432]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from _booking_data import (
    BOOKING,
    NOW,
    SLOT,
    TODAY,
    Plan,
    add_bookings,
    add_people,
    booking_row,
    build_calendar,
    fresh_engine,
    pick_slots,
    plan_seats,
    status_at,
)
from sqlalchemy import bindparam, delete, event, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db import SessionFactory, create_session_factory
from models.booking import ACTIVE, Booking, book, open_slots
from models.core.audit import AuditLog
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.core.places import VenueKind

WEEK = timedelta(days=7)
FULL = dict(venues=50, days=365, bookings=100_000, people=5000, runs=200, bookers=1000, rounds=3)
QUICK = dict(venues=12, days=30, bookings=2000, people=300, runs=20, bookers=100, rounds=1)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def time_query(sessions: SessionFactory, runs: int) -> dict[str, tuple[int, list[float]]]:
    """By kind: slots found, and ms per ``open_slots`` call (any centre, next 7 days) x runs."""
    timed: dict[str, tuple[int, list[float]]] = {}
    for kind in VenueKind:
        times: list[float] = []
        for n in range(runs + 5):
            async with sessions() as session:  # a session per call, as per update
                start = time.perf_counter()
                rows = await open_slots(session, kind=kind.value, since=NOW, until=NOW + WEEK)
                if n >= 5:  # the first calls warm the caches
                    times.append(1000 * (time.perf_counter() - start))
        timed[kind.value] = (len(rows), times)
    return timed


async def explain(engine: AsyncEngine, sessions: SessionFactory, kind: str) -> list[str]:
    """The plan of the slot statement ``open_slots`` runs, as the database explains it."""
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _x: Any, _many: bool) -> None:
        if "FROM slot JOIN venue" in statement:
            seen.append((statement, params))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    async with sessions() as session:
        await open_slots(session, kind=kind, since=NOW, until=NOW + WEEK)
    event.remove(engine.sync_engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    async with engine.connect() as conn:
        rows = (await conn.exec_driver_sql(prefix + seen[0][0], seen[0][1])).all()
    return [str(row[-1]) for row in rows]


async def concurrently(
    jobs: list[Any], work: Callable[[Any], Awaitable[None]], width: int
) -> tuple[float, dict[str, int]]:
    """Run ``work`` over ``jobs``, ``width`` at a time; wall seconds and errors by type."""
    pending, errors = iter(jobs), dict[str, int]()

    async def worker() -> None:
        for job in pending:
            try:
                await work(job)
            except Exception as error:  # counted and shown; the run goes on
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(width)))
    return time.perf_counter() - start, errors


async def undo(sessions: SessionFactory, before: dict[Any, int], release: bool) -> dict[Any, int]:
    """Delete the rows written since ``before`` (giving booked places back); counts by table."""
    async with sessions() as session, session.begin():
        if release:
            query = select(col(Booking.slot_id), col(Booking.party_size)).where(
                col(Booking.id) > before[Booking], col(Booking.status).in_(ACTIVE)
            )
            held = [{"sid": s, "n": n} for s, n in (await session.execute(query)).all()]
            give_back = update(SLOT).where(SLOT.c.id == bindparam("sid"))
            await session.execute(give_back.values(taken=SLOT.c.taken - bindparam("n")), held)
        deleted = {m: await session.execute(delete(m).where(m.id > n)) for m, n in before.items()}
    return {m: int(r.rowcount) for m, r in deleted.items()}  # type: ignore[attr-defined]


async def throughput(
    sessions: SessionFactory, plan: Plan, bookers: list[int], width: int, rounds: int
) -> dict[str, Any]:
    """Best bookings/s through ``book`` and bare inserts/s of the same rows, same concurrency."""
    picked = pick_slots(plan, len(bookers))
    jobs = [(p, s, status_at(v)) for p, (s, v) in zip(bookers, picked, strict=True)]

    async def booking(job: tuple[int, int, str]) -> None:
        async with sessions() as session, session.begin():
            person = await session.get(Person, job[0])
            assert person is not None
            if not (await book(session, person, job[1], now=NOW)).created:
                raise RuntimeError("not created")

    async def bare(job: tuple[int, int, str]) -> None:
        async with sessions() as session, session.begin():
            await session.execute(insert(BOOKING), booking_row(job[1], job[0], job[2], NOW))

    best = {"book": 0.0, "bare": 0.0, "outbox": 0.0}
    errors: dict[str, int] = {}
    for n in range(rounds):
        for name in ("bare", "book") if n % 2 == 0 else ("book", "bare"):
            async with sessions() as session:
                tables = (Booking, OutboxMessage, AuditLog)
                before = {m: (await session.execute(select(func.max(m.id)))).scalar() or 0
                          for m in tables}  # fmt: skip
            wall, failed = await concurrently(jobs, booking if name == "book" else bare, width)
            written = await undo(sessions, before, release=name == "book")
            best[name] = max(best[name], (len(jobs) - sum(failed.values())) / wall)
            if name == "book":
                errors = {k: errors.get(k, 0) + failed.get(k, 0) for k in {*errors, *failed}}
                best["outbox"] = written[OutboxMessage] / len(jobs)
    return {**best, "errors": errors}


async def main(args: argparse.Namespace) -> None:
    """Build the data, run both measurements, print the figures."""
    rng = random.Random(20270301)
    load = os.getloadavg()[0]  # a busy machine stretches the timings; printed with them
    async with fresh_engine(args.database_url) as engine:
        sessions = create_session_factory(engine)
        db = engine.dialect.name
        start = time.perf_counter()
        plan = await build_calendar(sessions, args.venues, args.days)
        plan_seats(plan, round(0.9 * args.bookings), rng)
        plan.people = await add_people(sessions, args.people, 10_000_000)
        await add_bookings(sessions, plan, args.bookings, rng)
        bookers = await add_people(sessions, args.bookers, 20_000_000)
        if args.analyze:
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        print(f"{db}: {len(plan.venues)} venues, {len(plan.slots)} slots from {TODAY} "
              f"({args.days} days), {args.bookings} bookings of {args.people} people; "
              f"built in {time.perf_counter() - start:.1f} s")  # fmt: skip
        plan_lines = await explain(engine, sessions, "canteen")
        timed = await time_query(sessions, args.runs)
        result = await throughput(sessions, plan, bookers, args.concurrency, args.rounds)
    times = [t for _found, kind_times in timed.values() for t in kind_times]
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    used = "yes" if any("ix_slot_open_starts" in line for line in plan_lines) else "no"
    print("plan of the open_slots statement:", *plan_lines, sep="\n  ")
    for kind, (found, kind_times) in timed.items():
        print(f"  {kind}: {found} slots found; p50 {percentile(kind_times, 0.5):.2f} ms, "
              f"p95 {percentile(kind_times, 0.95):.2f} ms")  # fmt: skip
    print(f"open_slots, any centre, next 7 days, {len(times)} calls: p50 {p50:.2f} ms, "
          f"p95 {p95:.2f} ms, max {max(times):.2f} ms")  # fmt: skip
    ratio = result["book"] / result["bare"]
    print(f"{len(bookers)} bookings, {args.concurrency} at a time, best of {args.rounds}: "
          f"book() {result['book']:.0f}/s, bare INSERT {result['bare']:.0f}/s; "
          f"{result['outbox']:.2f} outbox rows per booking; errors {result['errors']}")  # fmt: skip
    print(f"load average (1 min): {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(
        f"query_p50_ms={p50:.2f} query_p95_ms={p95:.2f} index_used={used} "
        f"bookings_per_s={result['book']:.0f} bare_inserts_per_s={result['bare']:.0f} "
        f"booking_vs_bare_ratio={ratio:.3f} venues={len(plan.venues)} slots={len(plan.slots)} "
        f"bookings={args.bookings} booking_errors={sum(result['errors'].values())} db={db} "
        f"ratio={ratio:.3f}"
    )
    if args.max_p95_ms is not None and p95 > args.max_p95_ms:
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run (the smoke test's)")
    for key in FULL:
        parser.add_argument(f"--{key}", type=int, default=None, help=f"default {FULL[key]}")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--database-url",
        default=pg if (pg := os.environ.get("TONGXIN_DATABASE_URL", "")).startswith("postgres")
        else None,
        help="a PostgreSQL server (default: TONGXIN_DATABASE_URL if PostgreSQL), on which a new "
        "database is made and dropped; SQLite in a temporary directory without it",
    )  # fmt: skip
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE after loading")
    parser.add_argument("--max-p95-ms", type=float, default=None, help="exit 1 above this")
    args = parser.parse_args()
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args))
