"""Events housekeeping on PTB's JobQueue, every minute: lapse offers and proxies' requests the
resident did not answer, release held-back places to the waiting line, mark no-shows after the
grace period, and close ended events (rating requests and the closing report).

Every job works over rows in the database, so a restart loses nothing and running it twice is
harmless (compare-and-set updates; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL). Registered by
the events feature (``jobs=JOBS``), as ``jobs.booking`` is by booking's.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Services, TongxinContext
from jobs import Job
from models.core.base import utcnow
from models.events import (
    close_ended_events,
    lapse_offers,
    lapse_requests,
    mark_no_shows,
    release_due_held_back,
)

logger = logging.getLogger(__name__)

TICK = timedelta(minutes=1)


async def tick_once(services: Services, now: datetime | None = None) -> dict[str, int]:
    """One pass of the minute jobs; returns how many rows each changed."""
    now = now or utcnow()
    async with services.sessions() as session, session.begin():
        counts = {
            "offers_lapsed": await lapse_offers(session, now),
            "requests_lapsed": await lapse_requests(session, now),
            "held_back_released": await release_due_held_back(session, now),
            "no_shows": await mark_no_shows(session, now),
            "closed": await close_ended_events(session, now),
        }
    if any(counts.values()):
        logger.info("events housekeeping: %s", counts)
    return counts


async def tick_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`tick_once`."""
    await tick_once(context.services)


JOBS = [Job("events_tick", tick_job, every=TICK, first=timedelta(seconds=15))]
