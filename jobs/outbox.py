"""The outbox pump: claim due rows, send them within Telegram's limits, record every outcome.

Claims are committed before sending and each outcome is committed right after its send, so a
crash leaves at most the in-flight message unrecorded (resent once the lease runs out). The
pump sends through a plain ``telegram.Bot`` (no AIORateLimiter): pacing and error policy are
its own. Run it from the bot's JobQueue (:func:`schedule`) or alone (``tongxin worker``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.error import (
    TelegramError,
)
from telegram.ext import JobQueue
from telegram.request import BaseRequest

from bot.context import Services, TongxinContext
from jobs.midflow import MidFlow
from jobs.outcomes import Outcomes
from jobs.pacing import Pacer
from jobs.parts import PartSender
from jobs.rendering import UnreadablePayload, question_choices
from models.core.base import row_id, utcnow
from models.core.delivery import (
    claim_due,
    finish,
    next_due,
    recipients,
    retry_later,
)
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.questions import QUESTION, record_question

logger = logging.getLogger(__name__)

JOB_NAME = "outbox_pump"
INTERVAL = 0.5  # seconds between two looks at the outbox when it is idle
PAID_RATE = 1000.0
LATE_AFTER = timedelta(minutes=1)
BACKOFF = (2.0, 4.0, 8.0, 16.0)  # seconds before retries 1, 2, 3, 4 after a timeout or 5xx


def worker_id() -> str:
    """``hostname:pid``, the name a pump claims rows under."""
    return f"{socket.gethostname()}:{os.getpid()}"


def in_quiet_hours(settings: Any, when: datetime) -> bool:
    """Whether ``when`` falls in the configured quiet hours (local time; may cross midnight)."""
    start, end = settings.quiet_window
    local = when.astimezone(settings.tz).time()
    return start <= local < end if start < end else local >= start or local < end


def build_sender_bot(services: Services, request: BaseRequest | None = None) -> Bot:
    """A plain Bot for the pump (its own pacing and error policy, no rate limiter)."""
    settings = services.settings
    return Bot(
        settings.token(),
        base_url=settings.bot_api_url,
        base_file_url=settings.file_url,
        request=request,
        # The pump never polls; without this PTB builds an HTTP client (and its TLS context,
        # 0.1 s) for getUpdates all the same.
        get_updates_request=request,
    )


class OutboxPump(Outcomes, MidFlow, PartSender):
    """Drains the outbox: pacing, retries, and a final status with a reason for every row.

    A notice to someone mid-flow is held for a while, or followed by their question again
    (``jobs.midflow``).
    """

    def __init__(
        self,
        services: Services,
        *,
        request: BaseRequest | None = None,
        bot: Bot | None = None,
        worker: str | None = None,
        backoff: Sequence[float] = BACKOFF,
        clock: Callable[[], datetime] = utcnow,
        before_screens: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.services = services
        self.before_screens = before_screens
        settings = services.settings
        self.bot = bot or build_sender_bot(services, request)
        self.worker = worker or worker_id()
        self.backoff = tuple(backoff)
        self.clock = clock
        self.paid = settings.allow_paid_broadcast
        self.pacer = Pacer(settings.outbox_rate, PAID_RATE if self.paid else None)
        self.batch_size = max(1, round(settings.outbox_rate))
        self.lease = timedelta(seconds=settings.outbox_lease_seconds)
        self._lock = asyncio.Lock()
        self._blocked: set[int] = set()  # people who refused us since their rows were claimed
        self._screens = {}  # the questions open on the batch's recipients' screens
        self._stopping = False
        self._ready = False

    async def close(self) -> None:
        """Stop after the current send and release the Bot's connections."""
        self.stop()
        async with self._lock:
            if self._ready:
                await self.bot.shutdown()
                self._ready = False

    def stop(self) -> None:
        """Ask a running :meth:`run` to return after the message it is sending."""
        self._stopping = True

    def is_quiet(self, when: datetime | None = None) -> bool:
        """Whether quiet hours hold non-urgent messages at ``when`` (default: now)."""
        return in_quiet_hours(self.services.settings, when or self.clock())

    async def run(self, *, quiet: bool | None = None) -> int:
        """Send everything due now, batch after batch; return how many rows were handled.

        Returns at once when another run is in progress. ``quiet`` overrides the clock.
        """
        if self._lock.locked() or self._stopping:
            return 0
        async with self._lock:
            if not self._ready:
                await self.bot.initialize()
                self._ready = True
            handled = 0
            while not self._stopping:
                batch = await self._claim(self.is_quiet() if quiet is None else quiet)
                if not batch:
                    break
                handled += await self._send_batch(batch)
            return handled

    async def drain(self, *, quiet: bool | None = False, horizon: float = 5.0) -> int:
        """Run until no row is due within ``horizon`` seconds (for tests and benchmarks)."""
        handled = 0
        while True:
            handled += await self.run(quiet=quiet)
            soon = self.clock() + timedelta(seconds=horizon)
            held = self.is_quiet() if quiet is None else quiet
            async with self.services.sessions() as session:
                waiting = await next_due(session, before=soon, urgent_only=held)
            if waiting is None or self._stopping:
                return handled
            await asyncio.sleep(min(0.5, max(0.01, (waiting - self.clock()).total_seconds())))

    async def _claim(self, quiet: bool) -> list[OutboxMessage]:
        async with self.services.sessions() as session, session.begin():
            return await claim_due(
                session, self.worker, self.batch_size, quiet=quiet, now=self.clock(),
                lease=self.lease,
            )  # fmt: skip

    async def _people(self, batch: list[OutboxMessage]) -> dict[int, tuple[bool, str | None]]:
        ids = {row.person_id for row in batch if row.person_id is not None}
        async with self.services.sessions() as session:
            return await recipients(session, ids)

    async def _send_batch(self, batch: list[OutboxMessage]) -> int:
        people = await self._people(batch)
        await self.look_at_screens(batch)
        self._blocked.clear()  # from here on the database knows who is unreachable
        claimed = time.monotonic()
        for index, row in enumerate(batch):
            if self._stopping or time.monotonic() - claimed > self.lease.total_seconds() / 2:
                await self._release(batch[index:])
                return index
            await self._process(row, people.get(row.person_id) if row.person_id else None)
        return len(batch)

    async def _release(self, rows: list[OutboxMessage]) -> None:
        """Give back claimed rows that were not tried (stopping, or the lease is half gone)."""
        async with self.services.sessions() as session, session.begin():
            for row in rows:
                await retry_later(
                    session, row_id(row), row.due_at, row.last_error, count_attempt=False
                )

    async def _process(self, row: OutboxMessage, person: tuple[bool, str | None] | None) -> None:
        now = self.clock()
        if (person is not None and not person[0]) or row.person_id in self._blocked:
            return await self._final(row, OutboxStatus.UNREACHABLE, "person unreachable")
        if row.expires_at is not None and row.expires_at < now:
            logger.info("outbox %s (%s) skipped: overdue past %s", row.id, row.kind, row.expires_at)
            return await self._final(row, OutboxStatus.SKIPPED, "expired before it could be sent")
        screen = self.screen_of(row)
        if screen is not None and await self.hold(row):
            return None
        wait = self.pacer.chat_wait(row.chat_id)
        if wait > 0:  # this chat had a message just now: try again when it may have another
            async with self.services.sessions() as session, session.begin():
                await retry_later(
                    session, row_id(row), now + timedelta(seconds=wait), row.last_error,
                    count_attempt=False,
                )  # fmt: skip
            return None
        if now - row.due_at > LATE_AFTER:
            logger.info("outbox %s (%s) sent late: due %s", row.id, row.kind, row.due_at)
        language = person[1] if person else None
        try:
            await self._send(row, language)
        except (TelegramError, UnreadablePayload) as exc:
            await self.record_failure(row, exc)
        else:
            await self._delivered(row, language)
            if screen is not None:
                await self.ask_again(
                    row, screen, language or self.services.settings.default_language
                )
        return None

    async def _delivered(self, row: OutboxMessage, language: str | None) -> None:
        """Sent; a question becomes the person's current screen in the same transaction."""
        asked = (row.payload or {}).get(QUESTION)
        if row.person_id is None or not isinstance(asked, dict):
            return await self._final(row, OutboxStatus.SENT, None)
        translate = self.services.i18n.translator(
            language or self.services.settings.default_language
        )
        async with self.services.sessions() as session, session.begin():
            await finish(session, row_id(row), OutboxStatus.SENT, None)
            await record_question(
                session,
                person_id=row.person_id,
                kind=str(asked.get("kind")),
                subject=str(asked.get("subject")),
                choices=question_choices(row.payload, translate),
                asked_at=self.clock(),
                expires_at=row.expires_at,
                outbox_id=row.id,
            )
        self.services.metrics.outbox_sends.labels(result=OutboxStatus.SENT.value).inc()
        return None


async def pump_job(context: TongxinContext) -> None:
    """JobQueue callback: one :meth:`OutboxPump.run` (returns at once if one is running)."""
    pump = context.job.data if context.job else None
    if isinstance(pump, OutboxPump):
        await pump.run()


def schedule(job_queue: JobQueue | None, pump: OutboxPump, interval: float = INTERVAL) -> None:
    """Run ``pump`` every ``interval`` seconds on the JobQueue (never two runs at once)."""
    if job_queue is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    if job_queue.get_jobs_by_name(JOB_NAME):
        return
    job_queue.run_repeating(
        pump_job,
        interval=interval,
        first=interval,
        name=JOB_NAME,
        data=pump,
        # A second instance may start while a long drain runs; it returns at once (lock).
        job_kwargs={"max_instances": 2, "coalesce": True},
    )
