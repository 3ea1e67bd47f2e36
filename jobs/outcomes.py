"""What the pump does with each answer Telegram gives: the outbox's error policy.

429: pause every send for ``retry_after`` and resend. 403: the person blocked the bot or was
deactivated: unreachable, and their other pending messages are cancelled. 403 "not deliverable
now" (a bridge to a channel that cannot carry this message to them now, e.g. WeChat outside
its window with no template for it): this message unreachable, the person and their other
messages untouched. A migrated group: its rows move to the new chat id. 400 "chat not found":
invalid. Timeouts and 5xx: bounded retries with backoff. Anything else: failed, with the
reason. Nothing is silently dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.context import Services
from jobs.pacing import Pacer
from jobs.rendering import UnreadablePayload
from models.core.base import row_id
from models.core.delivery import finish, move_chat, retry_later
from models.core.outbox import MAX_ATTEMPTS, OutboxMessage, OutboxStatus, cancel
from models.core.people import mark_unreachable

logger = logging.getLogger(__name__)

NOT_NOW = "not deliverable now"  # a 403 about this message only, not the person


class Outcomes:
    """Records the outcome of one send; the pump (``jobs.outbox.OutboxPump``) is one."""

    services: Services
    pacer: Pacer
    backoff: Sequence[float]
    clock: Callable[[], datetime]
    _blocked: set[int]

    async def record_failure(self, row: OutboxMessage, exc: Exception) -> None:
        """A send that raised: retry, pause, or a final status with the reason."""
        if isinstance(exc, RetryAfter):
            await self._on_retry_after(row, exc)
        elif isinstance(exc, Forbidden):
            await self._on_forbidden(row, exc)
        elif isinstance(exc, ChatMigrated):
            await self._on_migrated(row, exc)
        elif isinstance(exc, BadRequest):
            chat_gone = "chat not found" in exc.message.lower()
            status = OutboxStatus.INVALID if chat_gone else OutboxStatus.FAILED
            await self._final(row, status, f"400 {exc.message}")
        elif isinstance(exc, NetworkError):  # timeouts and 5xx: bounded retries with backoff
            await self._on_transient(row, exc)
        elif isinstance(exc, UnreadablePayload):  # nothing was sent; retrying would not help
            logger.error("outbox %s (%s) not sent: %s", row.id, row.kind, exc)
            await self._final(row, OutboxStatus.FAILED, str(exc))
        else:
            message = getattr(exc, "message", str(exc))
            await self._final(row, OutboxStatus.FAILED, f"{type(exc).__name__}: {message}")

    async def _final(self, row: OutboxMessage, status: OutboxStatus, reason: str | None) -> None:
        async with self.services.sessions() as session, session.begin():
            await finish(session, row_id(row), status, reason)
        self.services.metrics.outbox_sends.labels(result=status.value).inc()

    async def _retry(self, row: OutboxMessage, delay: float, reason: str, **kw: Any) -> None:
        due = self.clock() + timedelta(seconds=delay)
        async with self.services.sessions() as session, session.begin():
            await retry_later(session, row_id(row), due, reason, **kw)
        self.services.metrics.outbox_sends.labels(result="retry").inc()

    async def _on_retry_after(self, row: OutboxMessage, exc: RetryAfter) -> None:
        seconds = exc._retry_after.total_seconds()  # the property warns unless PTB_TIMEDELTA
        self.pacer.pause(seconds)
        self.services.metrics.outbox_429.inc()
        logger.warning("Telegram asked to slow down: pausing all sends for %.0f s", seconds)
        await self._retry(row, seconds, f"429 retry after {seconds:.0f} s", count_attempt=False)

    async def _on_forbidden(self, row: OutboxMessage, exc: Forbidden) -> None:
        reason = f"403 {exc.message}"
        if NOT_NOW in exc.message.lower():
            return await self._final(row, OutboxStatus.UNREACHABLE, reason[:500])
        async with self.services.sessions() as session, session.begin():
            await finish(session, row_id(row), OutboxStatus.UNREACHABLE, reason)
            if row.person_id is not None:
                self._blocked.add(row.person_id)
                await mark_unreachable(session, row.person_id)
                others = await cancel(
                    session, col(OutboxMessage.person_id) == row.person_id, reason="unreachable"
                )
                logger.info("person %s unreachable; %s pending cancelled", row.person_id, others)
        self.services.metrics.outbox_sends.labels(result=OutboxStatus.UNREACHABLE.value).inc()

    async def _on_migrated(self, row: OutboxMessage, exc: ChatMigrated) -> None:
        if (row.last_error or "").startswith("chat migrated"):
            return await self._final(row, OutboxStatus.FAILED, "chat migrated twice")
        new_id = int(exc.new_chat_id)
        async with self.services.sessions() as session, session.begin():
            await move_chat(session, row.chat_id, new_id)
        logger.info("chat %s migrated to %s; outbox rows moved", row.chat_id, new_id)
        reason = f"chat migrated from {row.chat_id}"
        await self._retry(row, 0, reason, count_attempt=False, chat_id=new_id)
        return None

    async def _on_transient(self, row: OutboxMessage, exc: NetworkError) -> None:
        reason = f"{type(exc).__name__}: {exc.message}"
        if row.attempts >= MAX_ATTEMPTS:
            logger.warning("outbox %s failed after %s attempts: %s", row.id, row.attempts, reason)
            return await self._final(row, OutboxStatus.FAILED, reason)
        delay = self.backoff[min(row.attempts, len(self.backoff)) - 1] if self.backoff else 0.0
        await self._retry(row, delay, reason)
        return None
