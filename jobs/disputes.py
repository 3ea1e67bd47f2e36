"""Disputes housekeeping on PTB's JobQueue: SLA escalation, nudges, follow-ups and proxy
reports left unanswered past their window (every minute), and anonymising closed cases past
their town's retention (daily).

Everything lives in the case rows (levels raised by conditional updates, messages deduped by
key), so a restart loses nothing and a level never fires twice. The disputes Feature lists
``JOBS`` (``handlers/disputes``, built on this branch later).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Services, TongxinContext
from jobs import Job
from models.core.base import utcnow
from models.disputes import (
    anonymise_closed,
    escalate_due,
    lapse_proxy_reports,
    send_followups,
)

logger = logging.getLogger(__name__)

TICK = timedelta(minutes=1)
RETENTION = timedelta(days=1)


async def tick_once(services: Services, now: datetime | None = None) -> dict[str, int]:
    """One pass of the minute job; returns how many of each thing it did."""
    now = now or utcnow()
    async with services.sessions() as session, session.begin():
        counts = await escalate_due(session, now)
        counts["followups"] = await send_followups(session, now)
        counts["proxy_lapsed"] = await lapse_proxy_reports(session, now)
    if any(counts.values()):
        logger.info("disputes housekeeping: %s", counts)
    return counts


async def retention_once(services: Services, now: datetime | None = None) -> int:
    """Anonymise closed cases past their retention period."""
    async with services.sessions() as session, session.begin():
        done = await anonymise_closed(session, now or utcnow())
    if done:
        logger.info("anonymised %s closed dispute cases", done)
    return done


async def tick_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`tick_once`."""
    await tick_once(context.services)


async def retention_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`retention_once`."""
    await retention_once(context.services)


JOBS = [
    Job("disputes_tick", tick_job, every=TICK, first=timedelta(seconds=15)),
    Job("disputes_retention", retention_job, every=RETENTION, first=timedelta(minutes=2)),
]
