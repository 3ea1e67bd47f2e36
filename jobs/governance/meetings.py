"""The joint meeting's periodic work: reminders to the committee before the meeting, settling
a past meeting as held (so the next one is proposed), and nudging owners of overdue action
items (once a day each).

Everything lives in rows (the planned meeting, outbox dedupe keys), so a restart loses nothing
and a reminder never goes twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Services, TongxinContext
from jobs import Job
from models.core.base import utcnow
from models.governance import nudge_overdue, remind_committee, settle_held

logger = logging.getLogger(__name__)

TICK = timedelta(minutes=10)


async def meetings_once(services: Services, now: datetime | None = None) -> dict[str, int]:
    """One pass: reminders now due, then past meetings settled; how many of each."""
    now = now or utcnow()
    async with services.sessions() as session, session.begin():
        counts = {"reminders": await remind_committee(session, now)}
        counts["held"] = await settle_held(session, now)
        counts["nudges"] = await nudge_overdue(session, now)
    if any(counts.values()):
        logger.info("joint meeting housekeeping: %s", counts)
    return counts


async def meetings_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`meetings_once`."""
    await meetings_once(context.services)


JOBS = [Job("governance_meetings", meetings_job, every=TICK, first=timedelta(seconds=40))]
