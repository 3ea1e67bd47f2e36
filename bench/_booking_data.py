"""Data for the booking benchmark: a fresh database with a year of slots and bookings in bulk.

The demo towns and centres, more venues of every kind (with the demo opening hours), slots from a
fixed day, residents and bookings inserted with Core (``slot.taken`` set to match). Taken places
are densest in the first days (full near today, thinning out over the months), as demand is.
"""

from __future__ import annotations

import math
import random
import secrets
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col

from bot.db import SessionFactory, create_engine
from bot.migrate import upgrade_to_head
from models.booking import TOWNS_TZ, Blackout, Booking, OpeningHours, Slot, generate_slots
from models.core.people import Person
from models.core.places import Venue, VenueKind
from models.demo import KIND_SETUP, VENUES, seed_places

TODAY = date(2027, 3, 1)  # a Monday; fixed, so every run builds the same calendar
NOW = datetime.combine(TODAY, clock(8), TOWNS_TZ)
CAPACITY = {"activity_room": 1, "hall": 1, "canteen": 40, "health_check": 20}
# Core inserts, as bare as an insert gets (the ORM's bulk path would add its own work).
BOOKING = Booking.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]
SLOT = Slot.__table__  # type: ignore[attr-defined]


@dataclass
class Plan:
    """What was built: slots (id, venue, start, capacity), places taken in each, the venues."""

    slots: list[tuple[int, int, datetime, int]]
    venues: dict[int, Venue]
    blackouts: set[tuple[int, date]]
    seats: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)


@asynccontextmanager
async def fresh_engine(server_url: str | None) -> AsyncIterator[AsyncEngine]:
    """An engine on a new, migrated database; SQLite in a temporary directory by default."""
    with tempfile.TemporaryDirectory(prefix="tongxin-bench-") as tmp:
        name, admin = f"tongxin_bench_{uuid.uuid4().hex[:10]}", None
        url = f"sqlite+aiosqlite:///{tmp}/booking.db"
        if server_url is not None:
            url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
            admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
            async with admin.connect() as conn:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
            yield engine
        finally:
            await engine.dispose()
            if admin is not None:
                async with admin.connect() as conn:
                    await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                await admin.dispose()


async def build_calendar(sessions: SessionFactory, venues: int, days: int) -> Plan:
    """The demo places, more venues (every kind, both centres, with hours), ``days`` of slots."""
    async with sessions() as session, session.begin():
        ids = await seed_places(session, NOW)
        kinds = list(VenueKind)
        for n in range(venues - len(VENUES)):
            kind = kinds[n % len(kinds)].value
            rules, weekdays, periods = KIND_SETUP[kind]
            venue = Venue(
                centre_id=ids["d-centre" if n % 2 else "q-centre"],
                code=f"bench-{n}",
                kind=kind,
                name_zh=f"场地{n}",
                name_en=f"Venue {n}",
                capacity=CAPACITY.get(kind, 5 if kind == "enterprise_guidance" else 1),
                **rules,
            )
            session.add(venue)
            await session.flush()
            for weekday in weekdays:
                for opens, closes in periods:
                    session.add(OpeningHours(venue_id=venue.id or 0, weekday=weekday,
                                             opens=opens, closes=closes))  # fmt: skip
        await session.flush()
        found = {v.id or 0: v for v in (await session.execute(select(Venue))).scalars()}
        for venue in found.values():
            await generate_slots(session, venue, TODAY, TODAY + timedelta(days=days - 1))
        query = select(
            col(Slot.id), col(Slot.venue_id), col(Slot.starts_at), col(Slot.capacity)
        ).order_by(col(Slot.starts_at), col(Slot.venue_id))
        slots = [(i or 0, v, s, c) for i, v, s, c in (await session.execute(query)).all()]
        blackouts = {
            (b.venue_id, b.first_day + timedelta(days=i))
            for b in (await session.execute(select(Blackout))).scalars()
            for i in range((b.last_day - b.first_day).days + 1)
        }
    return Plan(slots, found, blackouts)


def plan_seats(plan: Plan, active: int, rng: random.Random) -> None:
    """Spread ``active`` taken places over the slots: full in the first days, thinning out."""
    caps = [cap for *_, cap in plan.slots]
    weights = [
        cap * (0.15 + math.exp(-(starts - NOW).total_seconds() / 86400 / 30))
        for _i, _v, starts, cap in plan.slots
    ]
    if sum(caps) < active:
        raise SystemExit(f"only {sum(caps)} places for {active} active bookings: more days?")
    low, high = 0.0, 1e6
    for _ in range(100):  # the scale at which the capped weights add up to ``active``
        mid = (low + high) / 2
        if sum(min(c, mid * w) for c, w in zip(caps, weights, strict=True)) < active:
            low = mid
        else:
            high = mid
    exact = [min(c, high * w) for c, w in zip(caps, weights, strict=True)]
    plan.seats = [int(x) + (rng.random() < x - int(x)) for x in exact]
    diff = active - sum(plan.seats)
    while diff:  # rounding left a few places over or under: settle them on random slots
        n, step = rng.randrange(len(caps)), 1 if diff > 0 else -1
        if 0 <= plan.seats[n] + step <= caps[n]:
            plan.seats[n] += step
            diff -= step


async def add_people(sessions: SessionFactory, count: int, first_tg: int) -> list[int]:
    """Onboarded residents of both towns, in bulk; their ids."""
    async with sessions() as session, session.begin():
        towns = list((await session.execute(text("SELECT id FROM town ORDER BY code"))).scalars())
        rows = [
            {"tg_user_id": first_tg + n, "chat_id": first_tg + n, "display_name": f"居民{n}",
             "town_id": towns[n % 2], "language": "en" if n % 5 == 0 else "zh_CN",
             "consent_at": NOW, "onboarded_at": NOW}
            for n in range(count)
        ]  # fmt: skip
        for start in range(0, count, 5000):
            await session.execute(insert(PERSON), rows[start : start + 5000])
        query = select(col(Person.id)).where(col(Person.tg_user_id) >= first_tg)
        return sorted(int(i) for i in (await session.execute(query)).scalars() if i)


def booking_row(slot_id: int, person_id: int, status: str, at: datetime) -> dict[str, Any]:
    """A booking row as ``book`` inserts it."""
    return {
        "slot_id": slot_id, "person_id": person_id, "booked_by_id": None, "party_size": 1,
        "status": status, "code": secrets.token_urlsafe(12), "created_at": at, "updated_at": at,
    }  # fmt: skip


def status_at(venue: Venue) -> str:
    """The status a new booking at the venue gets."""
    return "pending_approval" if venue.needs_approval else "confirmed"


async def add_bookings(
    sessions: SessionFactory, plan: Plan, total: int, rng: random.Random
) -> None:
    """One booking per taken place, cancelled ones up to ``total``; ``slot.taken`` to match."""
    rows: list[dict[str, Any]] = []
    people = plan.people
    for (slot_id, venue_id, starts, _cap), seats in zip(plan.slots, plan.seats, strict=True):
        first = rng.randrange(len(people))  # consecutive people: distinct within the slot
        at = min(NOW, starts) - timedelta(days=rng.randrange(1, 30))
        status = status_at(plan.venues[venue_id])
        rows += [booking_row(slot_id, people[(first + k) % len(people)], status, at)
                 for k in range(seats)]  # fmt: skip
    for _ in range(total - len(rows)):
        slot_id = rng.choice(plan.slots)[0]
        rows.append(booking_row(slot_id, rng.choice(people), "cancelled", NOW - timedelta(days=1)))
    taken = [{"sid": s[0], "n": n} for s, n in zip(plan.slots, plan.seats, strict=True) if n]
    async with sessions() as session, session.begin():
        for start in range(0, len(rows), 5000):
            await session.execute(insert(BOOKING), rows[start : start + 5000])
        set_taken = update(SLOT).where(SLOT.c.id == bindparam("sid"))
        await session.execute(set_taken.values(taken=bindparam("n")), taken)


def pick_slots(plan: Plan, count: int) -> list[tuple[int, Venue]]:
    """Distinct slots ``book`` accepts (free, within lead time and horizon, no blackout),
    round-robin over the venues."""
    free: dict[int, list[int]] = {}
    for (slot_id, venue_id, starts, cap), seats in zip(plan.slots, plan.seats, strict=True):
        ahead, venue = starts - NOW, plan.venues[venue_id]
        usable = timedelta(days=1) <= ahead < timedelta(days=venue.horizon_days - 1)
        closed = (venue_id, starts.astimezone(TOWNS_TZ).date()) in plan.blackouts
        if seats < cap and usable and not closed:
            free.setdefault(venue_id, []).append(slot_id)
    longest = max(map(len, free.values()), default=0)
    picked = [(s[i], plan.venues[v]) for i in range(longest) for v, s in free.items() if i < len(s)]
    if len(picked) < count:
        raise SystemExit(f"only {len(picked)} free slots for {count} bookers")
    return picked[:count]
