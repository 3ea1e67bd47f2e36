"""Half a year of made-up past activity, so the demo's /stats, ratings and meeting agenda have
something to show: residents of both towns booking each other's venues (a little more across
the border each month), joint events they attended, disputes reported and mediated, ratings,
and a few suggestions.

Everything is drawn from a fixed seed relative to ``now`` (the same history every time for the
same day), by people who are not demo personas: 40 residents without Telegram accounts, named
like 居民D07, a few of them unreachable. Loading is idempotent (skipped once those residents
exist). No row here names a real person, and no comment holds personal data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking import Booking, BookingFeedback, BookingStatus, Slot
from models.core.base import TOWNS_TZ
from models.core.people import Person
from models.demo.past import past_cases, past_events, past_suggestions

SEED = 2026
MONTHS = 6
RESIDENTS_PER_TOWN = 20
UNREACHABLE = ("居民D19", "居民Q18", "居民Q20")
# The venue whose ratings the demo's agenda shows as low (its comments say why).
LOW_RATED_VENUE = "q-canteen"
GOOD_COMMENTS = ("环境很好，工作人员很耐心。", "很方便，下次还来。", "预约简单，谢谢！")
LOW_COMMENTS = ("菜太咸了，老人吃不惯。", "排队时间太长。", "希望多一些软烂的菜。")
VENUE_TOWN = {
    "d-activity": "D",
    "d-canteen": "D",
    "d-health": "D",
    "d-mediation": "D",
    "q-hall": "Q",
    "q-activity": "Q",
    "q-canteen": "Q",
    "q-health": "Q",
    "q-mediation": "Q",
    "q-enterprise": "Q",
}


@dataclass(frozen=True)
class History:
    """How much history was seeded (all zero when it was there already)."""

    residents: int = 0
    bookings: int = 0
    registrations: int = 0
    cases: int = 0


def _resident_name(town: str, number: int) -> str:
    return f"居民{town}{number:02d}"


async def _residents(
    session: AsyncSession, ids: dict[str, int], start: datetime
) -> dict[str, list[int]]:
    communities = {
        "D": ("d-changjiang", "d-hongmei", "d-dongfeng"),
        "Q": ("q-xinglong", "q-haibin", "q-kenqu"),
    }
    people: dict[str, list[Person]] = {"D": [], "Q": []}
    for town, names in communities.items():
        for number in range(1, RESIDENTS_PER_TOWN + 1):
            name = _resident_name(town, number)
            people[town].append(
                Person(
                    display_name=name,
                    town_id=ids[town],
                    community_id=ids[names[number % len(names)]],
                    language="zh_CN",
                    consent_at=start,
                    onboarded_at=start,
                    reachable=name not in UNREACHABLE,
                    created_at=start,
                )
            )
    session.add_all([*people["D"], *people["Q"]])
    await session.flush()
    return {town: [int(p.id or 0) for p in rows] for town, rows in people.items()}


def _month_start(now: datetime, back: int) -> datetime:
    local = now.astimezone(TOWNS_TZ)
    year, month = local.year, local.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 1, tzinfo=TOWNS_TZ)


async def seed_history(session: AsyncSession, ids: dict[str, int], now: datetime) -> History:
    """Seed the past six months (and this month up to yesterday) once; see the module doc."""
    marker = select(Person.id).where(col(Person.display_name) == _resident_name("D", 1))
    if (await session.execute(marker)).first() is not None:
        return History()
    rng = random.Random(SEED)
    start = _month_start(now, MONTHS)
    yesterday = now.astimezone(TOWNS_TZ).date() - timedelta(days=1)
    residents = await _residents(session, ids, start)
    bookings = await _bookings(session, rng, ids, residents, start, yesterday)
    registrations = await past_events(session, rng, ids, residents, start, now)
    cases = await past_cases(session, rng, ids, residents, start, now)
    await past_suggestions(session, ids, residents, now)
    return History(2 * RESIDENTS_PER_TOWN, bookings, registrations, cases)


def _cross_share(day: datetime, start: datetime) -> float:
    """A little more of each town's visits cross the border each month (0.15 → about 0.45)."""
    return 0.15 + 0.05 * ((day - start).days // 30)


async def _bookings(
    session: AsyncSession,
    rng: random.Random,
    ids: dict[str, int],
    residents: dict[str, list[int]],
    start: datetime,
    last_day: object,
) -> int:
    slots: list[tuple[str, Slot]] = []
    day = start
    while day.date() <= last_day:  # type: ignore[operator]
        if day.weekday() in (1, 3):  # Tuesdays and Thursdays
            for venue, _town in VENUE_TOWN.items():
                for hour in (9, 14):
                    begins = datetime.combine(day.date(), time(hour), TOWNS_TZ)
                    slot = Slot(
                        venue_id=ids[venue],
                        starts_at=begins,
                        ends_at=begins + timedelta(hours=1),
                        capacity=6,
                        closed=True,
                    )
                    slots.append((venue, slot))
        day += timedelta(days=1)
    session.add_all([slot for _, slot in slots])
    await session.flush()
    rows: list[Booking] = []
    for venue, slot in slots:
        host = VENUE_TOWN[venue]
        other = "Q" if host == "D" else "D"
        chosen: set[int] = set()
        for _ in range(rng.randint(0, 4)):
            town = other if rng.random() < _cross_share(slot.starts_at, start) else host
            person = rng.choice(residents[town])
            if person in chosen:
                continue
            chosen.add(person)
            roll = rng.random()
            status = (
                BookingStatus.ATTENDED
                if roll < 0.8
                else BookingStatus.NO_SHOW
                if roll < 0.88
                else BookingStatus.CANCELLED
            )
            booked = slot.starts_at - timedelta(days=rng.randint(1, 6))
            rows.append(
                Booking(
                    slot_id=int(slot.id or 0),
                    person_id=person,
                    status=status.value,
                    code=f"hist-b{len(rows):06d}",
                    created_at=booked,
                    updated_at=slot.ends_at,
                    checked_in_at=slot.starts_at if status is BookingStatus.ATTENDED else None,
                )
            )
    session.add_all(rows)
    await session.flush()
    feedback = []
    for booking, venue in _attended(rows, slots):
        if rng.random() < 0.5:
            low = venue == LOW_RATED_VENUE
            rating = rng.choice((1, 2, 2, 3, 3, 4)) if low else rng.choice((4, 5, 5))
            comment = (
                rng.choice(LOW_COMMENTS if low else GOOD_COMMENTS) if rng.random() < 0.4 else None
            )
            feedback.append(
                BookingFeedback(
                    booking_id=int(booking.id or 0),
                    person_id=booking.person_id,
                    rating=rating,
                    comment=comment,
                    created_at=booking.updated_at,
                    updated_at=booking.updated_at,
                )
            )
    session.add_all(feedback)
    await session.flush()
    return len(rows)


def _attended(rows: list[Booking], slots: list[tuple[str, Slot]]) -> list[tuple[Booking, str]]:
    venue_of = {int(slot.id or 0): venue for venue, slot in slots}
    return [(b, venue_of[b.slot_id]) for b in rows if b.status == BookingStatus.ATTENDED.value]
