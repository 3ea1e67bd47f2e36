"""Reminders as rows: memory with 100,000 pending reminders, and lateness of due ones.

1. Baseline: the pump process (services, pump, a few idle pump runs) with an empty outbox;
   resident memory (RSS) measured after a garbage collection.
2. 100,000 future reminders are planned through ``models.core.reminders.remind`` (1,000 people x
   100 subjects, due over the next 30 days); the pump runs again; RSS measured again, in the
   same process. Target: RSS ratio < 1.2 (pending reminders cost rows, not memory).
3. Lateness: 300 reminders fall due spread over 30 s (10/s, under the 25/s rate) while the
   100,000 others stay pending; the pump loops like ``tongxin worker``; lateness is
   sent_at - due_at. Target: p99 <= 2 s.

The sandbox runs in its own process (only the pump's memory is measured). Last line:
key=value pairs.

    .venv/bin/python bench/reminders.py [--pending 100000] [--due 300] [--spread 30]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import statistics
from datetime import timedelta

import aiohttp
import psutil
from _common import add_people, bench_services, sandbox_process
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from jobs.outbox import INTERVAL, OutboxPump
from models.core.base import utcnow
from models.core.outbox import FINAL, OutboxMessage
from models.core.people import Person
from models.core.reminders import remind

PEOPLE = 1000


def rss_mb() -> float:
    """Resident memory of this process after a full garbage collection, in MiB."""
    gc.collect()
    return float(psutil.Process().memory_info().rss) / 2**20


async def idle_runs(pump: OutboxPump, n: int = 5) -> None:
    """A few pump runs (nothing due), as the worker does when idle."""
    for _ in range(n):
        await pump.run(quiet=False)


async def plan_pending(services: Services, people: list[Person], pending: int) -> None:
    """Plan ``pending`` future reminders through the domain API, in chunks."""
    per_person = max(1, pending // len(people))
    start = utcnow() + timedelta(days=1)
    done = 0
    for subject in range(per_person):
        async with services.sessions() as session, session.begin():
            for person in people:
                at = start + timedelta(minutes=(subject * len(people) + done % len(people)) % 43200)
                await remind(
                    session, person, f"bench:{subject}", at, "outbox.reminder",
                    what=f"活动 {subject}",
                )  # fmt: skip
                done += 1


async def lateness(services: Services, pump: OutboxPump, people: list[Person], due: int,
                   spread: float) -> list[float]:  # fmt: skip
    """Plan ``due`` reminders over ``spread`` seconds, pump them, return lateness in seconds."""
    first = utcnow() + timedelta(seconds=2)
    step = spread / due
    async with services.sessions() as session, session.begin():
        for i in range(due):
            at = first + timedelta(seconds=i * step)
            await remind(session, people[i % len(people)], f"soon:{i}", at, "outbox.reminder",
                         what="体检")  # fmt: skip
    keys = [f"reminder:soon:{i}:{people[i % len(people)].id}" for i in range(due)]
    query = select(OutboxMessage).where(col(OutboxMessage.dedupe_key).in_(keys))
    while True:
        if not await pump.run(quiet=False):
            await asyncio.sleep(INTERVAL)
        async with services.sessions() as session:
            found = list((await session.execute(query)).scalars())
        if all(row.status in FINAL for row in found):
            break
    return [(row.sent_at - row.due_at).total_seconds() for row in found if row.sent_at is not None]


async def main(pending: int, due: int, spread: float) -> None:
    """Run the benchmark and print its figures."""
    async with sandbox_process() as base, aiohttp.ClientSession() as http:
        ids = list(range(200_001, 200_001 + PEOPLE))
        for uid in ids:
            async with http.post(f"{base}/control/users", json={"user_id": uid}) as r:
                r.raise_for_status()
        async with bench_services(f"{base}/bot") as services:
            await add_people(services, ids)
            async with services.sessions() as session:
                people = list((await session.execute(select(Person))).scalars())
            pump = OutboxPump(services)
            await idle_runs(pump)
            baseline = rss_mb()
            await plan_pending(services, people, pending)
            await idle_runs(pump)
            loaded = rss_mb()
            late = await lateness(services, pump, people, due, spread)
            await pump.close()
    late.sort()
    p99 = late[min(len(late) - 1, int(0.99 * len(late)))]
    ratio = loaded / baseline
    print(f"RSS empty outbox {baseline:.1f} MiB, with {pending} pending {loaded:.1f} MiB")
    print(f"{len(late)}/{due} due reminders sent; lateness p50 {statistics.median(late):.3f} s, "
          f"p99 {p99:.3f} s, max {late[-1]:.3f} s")  # fmt: skip
    print(
        f"pending={pending} rss_empty_mb={baseline:.1f} rss_pending_mb={loaded:.1f} "
        f"rss_ratio={ratio:.3f} due={due} sent={len(late)} p99_late_s={p99:.3f} "
        f"max_late_s={late[-1]:.3f} ratio={ratio:.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=300)
    parser.add_argument("--spread", type=float, default=30.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.pending, args.due, args.spread))
