"""Demo booking set-up: each demo venue's rules, weekly hours, a holiday, and its first slots."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from models.booking import TOWNS_TZ, Blackout, OpeningHours, generate_slots, hours_of, id_of
from models.core.places import Venue

WEEKDAYS, EVERY_DAY = range(5), range(7)
_MORNING_AFTERNOON = ((time(9), time(12)), (time(14), time(17)))
# Rules and hours per kind: (rules, weekdays, opening periods).
KIND_SETUP: dict[
    str, tuple[dict[str, Any], range | tuple[int, ...], tuple[tuple[time, time], ...]]
] = {
    "activity_room": ({"slot_minutes": 60}, range(6), _MORNING_AFTERNOON),
    "hall": (
        {"slot_minutes": 120, "needs_approval": True, "lead_time_minutes": 24 * 60},
        range(6),
        ((time(9), time(17)),),
    ),
    "canteen": (
        {
            "slot_minutes": 60,
            "max_party_size": 4,
            "lead_time_minutes": 120,
            "horizon_days": 7,
            "max_active_bookings": 7,
        },
        EVERY_DAY,
        ((time(11), time(12)), (time(17), time(18))),
    ),
    "health_check": (
        {"slot_minutes": 60, "max_active_bookings": 1, "lead_time_minutes": 12 * 60},
        WEEKDAYS,
        ((time(8), time(11)),),
    ),
    "mediation_room": ({"slot_minutes": 60}, WEEKDAYS, _MORNING_AFTERNOON),
    "enterprise_guidance": (
        {"slot_minutes": 60, "other_town_allowed": True, "max_active_bookings": 2},
        (1, 3),
        ((time(14), time(17)),),
    ),
}
DIRECTIONS = {
    "D": (
        "公交崇明 1 路到长江新村站，下车向东 100 米。",
        "Bus Chongming 1 to Changjiang Xincun, 100 m east.",
    ),
    "Q": ("公交启东 8 路到兴隆路站，中心正门。", "Bus Qidong 8 to Xinglong Road, main entrance."),
}
SLOT_DAYS = 14


async def seed_booking(session: AsyncSession, ids: dict[str, int], today: date) -> None:
    """Rules, hours, a maintenance day and two weeks of slots for every demo venue (idempotent)."""
    venues = (await session.execute(select(Venue).where(Venue.id.in_(ids.values())))).scalars()  # type: ignore[union-attr]
    for venue in venues:
        venue_id = id_of(venue)
        rules, days, periods = KIND_SETUP[venue.kind]
        if await hours_of(session, venue_id):
            continue  # set up before; an admin may have changed it since
        for name, value in rules.items():
            setattr(venue, name, value)
        town = "D" if venue.code.startswith("d-") else "Q"
        venue.directions_zh, venue.directions_en = DIRECTIONS[town]
        for weekday in days:
            for opens, closes in periods:
                session.add(
                    OpeningHours(venue_id=venue_id, weekday=weekday, opens=opens, closes=closes)
                )
        if venue.kind == "activity_room" and town == "Q":
            day = today + timedelta(days=9)
            session.add(
                Blackout(
                    venue_id=venue_id,
                    first_day=day,
                    last_day=day,
                    reason_zh="设备检修",
                    reason_en="maintenance",
                )
            )
        await session.flush()
        await generate_slots(session, venue, today, today + timedelta(days=SLOT_DAYS), TOWNS_TZ)
