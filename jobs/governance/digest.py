"""The monthly participation digest on PTB's JobQueue: every half hour, on the first days of a
month (Asia/Shanghai), queue last month's summary for each admin who has not got it
(``models.governance.queue_digests``: one outbox row per admin and month, by dedupe key, so a
restart or a second run adds nothing). The pump draws the charts when it sends.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Services, TongxinContext
from jobs import Job
from models.core.base import utcnow
from models.governance import queue_digests

logger = logging.getLogger(__name__)

EVERY = timedelta(minutes=30)


async def digest_once(services: Services, now: datetime | None = None) -> int:
    """One pass: queue the digests due at ``now``; how many were queued."""
    admins = services.settings.admin_ids
    async with services.sessions() as session, session.begin():
        queued = await queue_digests(session, now=now or utcnow(), admin_tg_ids=admins)
    if queued:
        logger.info("queued %s monthly participation digests", queued)
    return queued


async def digest_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`digest_once`."""
    await digest_once(context.services)


JOBS = [Job("governance_digest", digest_job, every=EVERY, first=timedelta(minutes=1))]
