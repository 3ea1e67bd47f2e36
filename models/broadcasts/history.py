"""The author's broadcasts (/broadcasts), and cancelling one that has not ended.

A broadcast cancelled before sending is finished at once; one cancelled while sending keeps its
in-flight messages, and the job finishes it (with the delivery report) once they settle.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.broadcasts.progress import progress_many
from models.broadcasts.rules import NotCancellable, may_cancel
from models.broadcasts.tables import ACTIVE, Broadcast, BroadcastStatus
from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import get_or_raise, utcnow
from models.core.errors import NotFound
from models.core.outbox import OutboxMessage, cancel
from models.core.people import Person

HISTORY_SIZE = 8


@dataclass(frozen=True)
class HistoryLine:
    """One of the author's broadcasts as the history shows it."""

    id: int
    created_at: datetime
    status: str
    sent: int
    total: int
    text: str
    cancellable: bool


async def history_page(
    session: AsyncSession, *, person: Person, limit: int = HISTORY_SIZE
) -> list[HistoryLine]:
    """The author's latest broadcasts, newest first, with how many messages went."""
    query = (
        select(Broadcast)
        .where(col(Broadcast.author_id) == person.id)
        .order_by(col(Broadcast.created_at).desc(), col(Broadcast.id).desc())
        .limit(limit)
    )
    mine = list((await session.execute(query)).scalars())
    counts = await progress_many(session, [b.id for b in mine if b.id is not None])
    return [
        HistoryLine(
            id=b.id,
            created_at=b.created_at,
            status=b.status,
            sent=counts[b.id].sent,
            total=b.recipients,
            text=b.text,
            cancellable=b.active,
        )
        for b in mine
        if b.id is not None
    ]


@dataclass(frozen=True)
class CancelQuestion:
    """The broadcast someone asked to cancel, for the "are you sure?" screen."""

    id: int
    text: str


async def _cancellable(
    session: AsyncSession, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> Broadcast:
    """The broadcast, if the person may cancel it; NotFound otherwise (as for a forged id)."""
    broadcast = await get_or_raise(session, Broadcast, broadcast_id)
    if not may_cancel(broadcast, person, scopes):
        raise NotFound()
    return broadcast


async def ask_to_cancel(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> CancelQuestion:
    """The broadcast the person (its author, or an admin of its town) may cancel."""
    broadcast = await _cancellable(session, person, scopes, broadcast_id)
    return CancelQuestion(broadcast_id, broadcast.text)


async def cancel_broadcast(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> int:
    """Stop a broadcast that has not ended; its pending messages are cancelled (how many)."""
    broadcast = await _cancellable(session, person, scopes, broadcast_id)
    was = broadcast.status
    # A broadcast cancelled while sending is finished by the job once its in-flight messages
    # settle (it sends the delivery report then); before sending there is nothing to wait for.
    finished = None if was == BroadcastStatus.SENDING.value else utcnow()
    done = await session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.id) == broadcast_id,
            col(Broadcast.status).in_([s.value for s in ACTIVE]),
        )
        .values(status=BroadcastStatus.CANCELLED.value, finished_at=finished)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise NotCancellable()
    stopped = await cancel(
        session, col(OutboxMessage.broadcast_id) == broadcast_id, reason="broadcast cancelled"
    )
    await session.refresh(broadcast)
    await record_audit(
        session, person.id, "broadcast.cancel", "broadcast", broadcast_id, was=was, stopped=stopped
    )
    return stopped
