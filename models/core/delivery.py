"""Delivering the outbox: claiming due rows as leases, and recording what became of each.

The sending side of ``models.core.outbox``, used by the pump (``jobs.outbox``): claims are
committed before sending and each outcome right after, so a crash leaves at most the in-flight
message unrecorded; a lease that runs out (a crashed worker) lets another pump claim it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.base import utcnow
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.people import Person

LEASE = timedelta(seconds=120)


async def claim_due(
    session: AsyncSession,
    worker: str,
    limit: int,
    *,
    quiet: bool,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for ``worker`` (commit right after).

    During quiet hours only urgent messages are due. Rows another worker holds are skipped
    (PostgreSQL); rows whose lease ran out (a crashed worker) are claimed again.
    """
    now = now or utcnow()
    due = and_(
        col(OutboxMessage.due_at) <= now,
        or_(
            col(OutboxMessage.status) == OutboxStatus.PENDING.value,
            and_(
                col(OutboxMessage.status) == OutboxStatus.SENDING.value,
                col(OutboxMessage.claimed_at) < now - lease,
            ),
        ),
    )
    if quiet:
        due = and_(due, col(OutboxMessage.urgent).is_(True))
    candidates = (
        select(col(OutboxMessage.id))
        .where(due)
        .order_by(
            col(OutboxMessage.urgent).desc(), col(OutboxMessage.due_at), col(OutboxMessage.id)
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # One statement, so SQLite's write lock makes it atomic too (a SELECT then UPDATE would let
    # two SQLite connections claim the same rows); PostgreSQL skips rows other workers hold.
    claimed = await session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(candidates.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_by=worker,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(col(OutboxMessage.id))
    )
    ids = list(claimed.scalars())
    if not ids:
        return []
    rows = await session.execute(
        select(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .order_by(
            col(OutboxMessage.urgent).desc(), col(OutboxMessage.due_at), col(OutboxMessage.id)
        )
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


async def finish(
    session: AsyncSession, message_id: int, status: OutboxStatus, error: str | None = None
) -> None:
    """Record a final outcome for a claimed message."""
    values: dict[str, Any] = {"status": status.value, "last_error": error}
    if status is OutboxStatus.SENT:
        values["sent_at"] = utcnow()
    await session.execute(
        update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(**values)
    )


async def retry_later(
    session: AsyncSession,
    message_id: int,
    due_at: datetime,
    error: str | None,
    *,
    count_attempt: bool = True,
    chat_id: int | None = None,
) -> None:
    """Put a claimed message back for another try at ``due_at``."""
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING.value,
        "due_at": due_at,
        "last_error": error,
        "claimed_by": None,
    }
    if not count_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    if chat_id is not None:
        values["chat_id"] = chat_id
    await session.execute(
        update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(**values)
    )


async def replace_payload(session: AsyncSession, message_id: int, payload: dict[str, Any]) -> None:
    """Store a claimed message's payload again (e.g. how many parts of a split text went)."""
    await session.execute(
        update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(payload=payload)
    )


async def move_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: its pending messages go to the new chat id."""
    await session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == old_chat_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING.value,
        )
        .values(chat_id=new_chat_id)
    )


async def recipients(
    session: AsyncSession, person_ids: set[int]
) -> dict[int, tuple[bool, str | None]]:
    """For each person: whether they are reachable, and their language (for rendering)."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(col(Person.id), col(Person.reachable), col(Person.language)).where(
            col(Person.id).in_(person_ids)
        )
    )
    return {pid: (bool(ok), lang) for pid, ok, lang in rows.all() if pid is not None}


async def next_due(
    session: AsyncSession, *, before: datetime, urgent_only: bool
) -> datetime | None:
    """When the next pending message falls due, if one does before ``before``."""
    query = select(col(OutboxMessage.due_at)).where(
        col(OutboxMessage.status) == OutboxStatus.PENDING.value,
        col(OutboxMessage.due_at) <= before,
    )
    if urgent_only:
        query = query.where(col(OutboxMessage.urgent).is_(True))
    return await session.scalar(query.order_by(col(OutboxMessage.due_at)).limit(1))
