"""Housekeeping: forget webhook update ids once Telegram can no longer redeliver them."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.context import Services, TongxinContext
from jobs import Job
from models.core.runtime import prune_processed_updates

logger = logging.getLogger(__name__)

# Telegram keeps undelivered updates for 24 hours; two days leaves a wide margin.
PROCESSED_UPDATE_RETENTION = timedelta(days=2)
PRUNE_INTERVAL = timedelta(hours=1)
PRUNE_FIRST_RUN = timedelta(minutes=1)
JOB_NAME = "prune_processed_updates"


async def prune_once(services: Services) -> int:
    """Delete ``processed_update`` rows older than the retention; return how many."""
    async with services.sessions() as session, session.begin():
        removed = await prune_processed_updates(session, PROCESSED_UPDATE_RETENTION)
    if removed:
        logger.info("pruned %s old webhook update ids", removed)
    return removed


async def prune_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`prune_once`."""
    await prune_once(context.services)


JOBS = [Job(JOB_NAME, prune_job, every=PRUNE_INTERVAL, first=PRUNE_FIRST_RUN)]
