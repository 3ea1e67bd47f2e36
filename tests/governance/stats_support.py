"""The hand-computed statistics fixture: a few residents, bookings, registrations and cases in
March 2026 (Asia/Shanghai) and around it, whose every figure the tests work out by hand.

People: d1, d2, d3 of D town; q1, q2 of Q town; n1 without a town; d3 and q2 unreachable, and
u1 unreachable but never registered. Venues: VD at D's centre, VQ at Q's centre. Slot minutes
are :07 so no demo slot (on the hour or half hour) can share a venue and start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select

from bot.db import SessionFactory
from models.booking import Booking, Slot
from models.core.base import TOWNS_TZ, utcnow
from models.core.people import Person
from models.core.places import ServiceCentre, Town, Venue
from models.disputes import DisputeCase
from models.events import Event, Registration
from models.governance import Period, add_months

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
NAMES = {
    "d1": "李大爷",
    "d2": "王阿姨",
    "d3": "赵叔叔",
    "q1": "张奶奶",
    "q2": "孙伯伯",
    "n1": "钱阿姨",
}
PHONES = {"d1": "13912345678", "q1": "13712345678"}


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 7) -> datetime:
    """A local (Asia/Shanghai) time, as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=TOWNS_TZ).astimezone(UTC)


def month_days(first: date) -> Callable[..., datetime]:
    """``at(shift, day, hour=10, minute=7)``: a local time in the month ``shift`` months after
    ``first``'s (``day`` 0 is the month's last day)."""

    def at(shift: int, day: int, hour: int = 10, minute: int = 7) -> datetime:
        month = add_months(first, shift)
        if day == 0:
            day = (add_months(month, 1) - timedelta(days=1)).day
        return local(month.year, month.month, day, hour, minute)

    return at


@dataclass(frozen=True)
class Fixture:
    """Ids of what was seeded: towns by code, people and venues by key."""

    towns: dict[str, int]
    people: dict[str, int]
    venues: dict[str, int]


def _slot(venue_id: int, starts_at: datetime) -> Slot:
    return Slot(
        venue_id=venue_id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), capacity=9
    )


async def _venue_of(session: object, town_id: int) -> Venue:
    query = (
        select(Venue)
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(col(ServiceCentre.town_id) == town_id)
        .order_by(col(Venue.id))
    )
    return (await session.execute(query)).scalars().first()  # type: ignore[attr-defined,no-any-return]


async def seed_march(sessions: SessionFactory, first: date = MARCH.first) -> Fixture:
    """Seed the fixture in the month starting ``first`` (March 2026 unless told; the tests'
    hand computations hold for any month, the weekdays for March 2026 only)."""
    at = month_days(first)
    async with sessions() as session, session.begin():
        towns = {t.code: t.id or 0 for t in (await session.execute(select(Town))).scalars()}
        home = {"d1": "D", "d2": "D", "d3": "D", "q1": "Q", "q2": "Q", "n1": None, "u1": "D"}
        people: dict[str, Person] = {}
        for n, (key, town) in enumerate(home.items()):
            people[key] = Person(
                tg_user_id=880_000 + n,
                chat_id=880_000 + n,
                display_name=NAMES.get(key, "某人"),
                phone=PHONES.get(key),
                town_id=towns[town] if town else None,
                language="zh_CN",
                consent_at=utcnow(),
                onboarded_at=None if key == "u1" else utcnow(),
                reachable=key not in ("d3", "q2", "u1"),
            )
        session.add_all(people.values())
        await session.flush()
        pid = {k: p.id or 0 for k, p in people.items()}
        vd, vq = await _venue_of(session, towns["D"]), await _venue_of(session, towns["Q"])
        d_venue, q_venue = vd.id or 0, vq.id or 0
        slots = {
            "sD1": _slot(d_venue, at(0, 2)),  # Monday
            "sD2": _slot(d_venue, at(0, 7)),  # Saturday
            "sQ1": _slot(q_venue, at(0, 3)),  # Tuesday
            # Sunday 00:07 local is still Saturday in UTC: the heat map must say Sunday.
            "sEdge": _slot(q_venue, at(0, 1, 0)),
            # 1 April 00:07 local is 31 March in UTC: outside March.
            "sOut": _slot(d_venue, at(1, 1, 0)),
        }
        session.add_all(slots.values())
        await session.flush()
        bookings = [
            ("d1", "sD1", "confirmed"),  # 1: host D, same town
            ("q1", "sD1", "attended"),  # 2: host D, cross, attended
            ("q2", "sD2", "no_show"),  # 3: host D, cross
            ("q1", "sD2", "cancelled"),  # 4: not counted
            ("d2", "sQ1", "attended"),  # 5: host Q, cross, attended
            ("n1", "sQ1", "confirmed"),  # 6: host Q, no town
            ("q1", "sEdge", "attended"),  # 7: host Q, same town, attended
            ("d1", "sOut", "confirmed"),  # 8: April
            ("d3", "sD2", "declined"),  # 9: not counted
        ]
        session.add_all(
            Booking(slot_id=slots[s].id or 0, person_id=pid[p], status=st, code=f"STATB{n}")
            for n, (p, s, st) in enumerate(bookings)
        )
        events = {
            "E1": (towns["D"], towns["Q"], at(0, 10), "published"),
            "E2": (towns["Q"], None, at(0, 20), "published"),
            "E3": (towns["Q"], None, at(0, 15), "cancelled"),
            "E4": (towns["D"], None, at(-1, 20), "published"),
        }
        rows = {
            key: Event(
                code=f"stat-{key}", name_zh=f"活动{key}", name_en=f"Event {key}", status=status,
                host_town_id=host, cohost_town_id=cohost, starts_at=at, ends_at=at, capacity=50,
            )
            for key, (host, cohost, at, status) in events.items()
        }  # fmt: skip
        session.add_all(rows.values())
        await session.flush()
        registrations = [
            ("q1", "E1", "attended"),  # r1: host D (co-host Q is no host), cross, attended
            ("d1", "E1", "confirmed"),  # r2: host D, same town
            ("q2", "E1", "waitlisted"),  # r3: not counted
            ("d1", "E2", "attended"),  # r4: host Q, cross, attended
            ("d2", "E2", "cancelled"),  # r5: not counted
            ("q1", "E3", "confirmed"),  # r6: the event was cancelled
            ("q1", "E4", "attended"),  # r7: February (host D, cross)
            ("n1", "E2", "offered"),  # r8: host Q, no town
        ]
        session.add_all(
            Registration(event_id=rows[e].id or 0, person_id=pid[p], status=st, code=f"STATR{n}")
            for n, (p, e, st) in enumerate(registrations)
        )
        cases = [
            ("D", False, at(0, 5), at(0, 6), "resolved"),  # c1: 24 h
            ("Q", True, at(0, 8, 8), at(0, 10, 20), "resolved"),  # c2: 60 h
            ("D", False, at(-1, 0), at(0, 5), "resolved"),  # c3: opened the month before, 120 h
            ("D", True, at(0, 12), None, "in_mediation"),  # c4
            ("Q", False, at(0, 0, 23), at(1, 1), "referred"),  # c5
            ("D", False, at(1, 1, 0, 10), None, "new"),  # c6: April
        ]
        session.add_all(
            DisputeCase(
                number=f"S-2026-{n:04d}", town_id=towns[t], lead_town_id=towns[t], joint=joint,
                category="noise", parties="same_community", status=status,
                created_at=opened, closed_at=closed, description="邻居吵闹 13912345678",
            )
            for n, (t, joint, opened, closed, status) in enumerate(cases)
        )  # fmt: skip
    return Fixture(towns, pid, {"VD": d_venue, "VQ": q_venue})
