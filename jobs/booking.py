"""Booking housekeeping on PTB's JobQueue: lapse offers and unanswered proxy bookings, mark
no-shows (every minute), and keep each venue's slots generated up to its horizon (hourly).

Every job works over rows in the database, so a restart loses nothing and running it twice is
harmless (conditional updates; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Services, TongxinContext
from jobs import Job
from models.booking import expire_offers, extend_slots, lapse_unanswered, mark_no_shows
from models.core.base import utcnow

logger = logging.getLogger(__name__)

TICK = timedelta(minutes=1)
SLOT_REFRESH = timedelta(hours=1)


async def tick_once(services: Services, now: datetime | None = None) -> dict[str, int]:
    """One pass of the minute jobs; returns how many rows each changed."""
    now = now or utcnow()
    async with services.sessions() as session, session.begin():
        counts = {
            "offers_lapsed": await expire_offers(session, now),
            "proxy_lapsed": await lapse_unanswered(session, now),
            "no_shows": await mark_no_shows(session, now),
        }
    if any(counts.values()):
        logger.info("booking housekeeping: %s", counts)
    return counts


async def extend_slots_once(services: Services, now: datetime | None = None) -> int:
    """Generate missing slots of every active venue from today to its horizon."""
    tz = services.settings.tz
    today = (now or utcnow()).astimezone(tz).date()
    async with services.sessions() as session, session.begin():
        created = await extend_slots(session, today=today, tz=tz)
    if created:
        logger.info("generated %s new slots", created)
    return created


async def tick_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`tick_once`."""
    await tick_once(context.services)


async def extend_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`extend_slots_once`."""
    await extend_slots_once(context.services)


JOBS = [
    Job("booking_tick", tick_job, every=TICK, first=timedelta(seconds=10)),
    Job("booking_slots", extend_job, every=SLOT_REFRESH, first=timedelta(seconds=5)),
]
