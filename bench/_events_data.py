"""Data for the events benchmark: a year of events, the events to race for, places to book.

Every event is made through ``models.events.create_event`` (published), as an admin would; the
booking side's slots come from ``_booking_data.build_calendar`` (the demo places, more venues,
``models.booking.generate_slots``).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from datetime import time as clock

from _booking_data import NOW, TODAY, Plan, status_at
from sqlalchemy import func, select, text
from sqlmodel import col

from bot.db import SessionFactory
from models.booking import TOWNS_TZ
from models.core.authz import Role, Scope
from models.events import Event, EventDraft, EventQuota, Registration, create_event

ADMIN = frozenset({Scope(Role.ADMIN, None)})
STARTS = (clock(9), clock(10, 30), clock(14), clock(15, 30), clock(19))  # local times of a day
TOPICS = ("festival", "history", "friendship", "health", "party_history")


async def town_ids(sessions: SessionFactory) -> list[int]:
    """The two towns' ids, in code order (D, Q)."""
    async with sessions() as session:
        return list((await session.execute(text("SELECT id FROM town ORDER BY code"))).scalars())


def draft(code: str, starts: datetime, capacity: int, host: int, cohost: int | None,
          quota: int, topic: str) -> EventDraft:  # fmt: skip
    """A two-hour event at a free-text place, hosted by ``host`` (with ``cohost``); ``quota``
    places for each host town."""
    return EventDraft(
        code=code, name_zh=f"联谊活动{code}", name_en=f"Gathering {code}", host_town_id=host,
        cohost_town_id=cohost, starts_at=starts, ends_at=starts + timedelta(hours=2),
        capacity=capacity, place_zh="界河公园", place_en="Border River Park", topic=topic,
        quotas={t: quota for t in (host, cohost) if t is not None and quota},
    )  # fmt: skip


async def add_year(sessions: SessionFactory, days: int, per_day: int, rng: random.Random) -> int:
    """``per_day`` published events a day for ``days`` days from TODAY; how many."""
    towns, made = await town_ids(sessions), 0
    for day in range(days):
        async with sessions() as session, session.begin():
            for n in range(per_day):
                at = datetime.combine(TODAY + timedelta(days=day), STARTS[n % len(STARTS)],
                                      TOWNS_TZ)  # fmt: skip
                host = towns[(day + n) % 2]
                cap = rng.choice((20, 30, 50, 80, 120))
                quota = cap // 2 if rng.random() < 0.5 else 0
                cohost = towns[1 - towns.index(host)] if rng.random() < 0.3 else None
                event = draft(f"y{day}-{n}", at, cap, host, cohost, quota, rng.choice(TOPICS))
                await create_event(session, draft=event, by=None, scopes=ADMIN, publish=True)
                made += 1
    return made


async def add_race_events(sessions: SessionFactory, count: int, capacity: int) -> list[int]:
    """``count`` events three days ahead, ``capacity`` places split evenly between the towns."""
    towns, ids = await town_ids(sessions), []
    async with sessions() as session, session.begin():
        for n in range(count):
            starts = NOW + timedelta(days=3, minutes=10 * n)
            event = draft(f"race-{n}", starts, capacity, towns[n % 2], towns[1 - n % 2],
                          capacity // 2, "friendship")  # fmt: skip
            made = await create_event(session, draft=event, by=None, scopes=ADMIN, publish=True)
            ids.append(made.id or 0)
    return ids


async def check_race(sessions: SessionFactory, events: list[int], capacity: int,
                     per_event: int) -> list[str]:  # fmt: skip
    """What is wrong after a round: per event, exactly ``capacity`` confirmed (half per town,
    the counters matching) and the rest waiting."""
    wrong: list[str] = []
    async with sessions() as session:
        query = select(col(Registration.event_id), col(Registration.status), func.count()).where(
            col(Registration.event_id).in_(events)
        ).group_by(col(Registration.event_id), col(Registration.status))  # fmt: skip
        counts = {(e, str(s)): int(n) for e, s, n in (await session.execute(query)).all()}
        taken = dict((await session.execute(select(col(Event.id), col(Event.taken)).where(
            col(Event.id).in_(events)))).all())  # fmt: skip
        quota_rows = await session.execute(
            select(col(EventQuota.event_id), col(EventQuota.taken)).where(
                col(EventQuota.event_id).in_(events)
            )
        )
        quotas = [(e, t) for e, t in quota_rows.all()]
    for event in events:
        confirmed, waiting = (
            counts.get((event, "confirmed"), 0),
            counts.get((event, "waitlisted"), 0),
        )
        if (confirmed, waiting, taken[event]) != (capacity, per_event - capacity, capacity):
            wrong.append(f"event {event}: {confirmed} confirmed, {waiting} waiting, "
                         f"taken {taken[event]}")  # fmt: skip
    wrong += [f"event {e}: quota taken {t}" for e, t in quotas if t != capacity // 2]
    return wrong


def pick_places(plan: Plan, count: int, smallest: int) -> list[int]:
    """Slot ids, one per place, of free slots with at least ``smallest`` places that ``book``
    accepts (lead time, horizon, no blackout), each filled before the next."""
    places: list[int] = []
    for slot_id, venue_id, starts, cap in plan.slots:
        ahead, venue = starts - NOW, plan.venues[venue_id]
        usable = timedelta(days=1) <= ahead < timedelta(days=venue.horizon_days - 1)
        closed = (venue_id, starts.astimezone(TOWNS_TZ).date()) in plan.blackouts
        if cap >= smallest and usable and not closed and status_at(venue) == "confirmed":
            places += [slot_id] * cap
    if len(places) < count:
        raise SystemExit(f"only {len(places)} places in slots of {smallest}+ for {count}")
    return places[:count]
