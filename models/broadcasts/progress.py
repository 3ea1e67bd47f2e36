"""Where a broadcast's messages are: its outbox rows counted by outcome."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.outbox import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Progress:
    """Where a broadcast's messages are, by outcome."""

    total: int = 0
    pending: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def in_flight(self) -> int:
        """Messages not yet settled (pending or being sent)."""
        return self.pending


def _progress_of(counts: dict[str, int]) -> Progress:
    return Progress(
        total=sum(counts.values()),
        pending=counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0),
        sent=counts.get(OutboxStatus.SENT, 0),
        unreachable=counts.get(OutboxStatus.UNREACHABLE, 0),
        failed=counts.get(OutboxStatus.FAILED, 0) + counts.get(OutboxStatus.INVALID, 0),
        cancelled=counts.get(OutboxStatus.CANCELLED, 0) + counts.get(OutboxStatus.SKIPPED, 0),
    )


async def progress_many(session: AsyncSession, ids: list[int]) -> dict[int, Progress]:
    """Progress of several broadcasts in one query (absent ids: nothing enqueued yet)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(col(OutboxMessage.broadcast_id), col(OutboxMessage.status), func.count())
        .where(col(OutboxMessage.broadcast_id).in_(ids))
        .group_by(col(OutboxMessage.broadcast_id), col(OutboxMessage.status))
    )
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    for broadcast_id, status, count in rows.all():
        counts[int(broadcast_id or 0)][str(status)] = int(count)
    return {i: _progress_of(c) for i, c in counts.items()}


async def progress(session: AsyncSession, broadcast_id: int) -> Progress:
    """Counts of one broadcast's messages by outcome."""
    return (await progress_many(session, [broadcast_id]))[broadcast_id]
