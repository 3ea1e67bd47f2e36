"""Sending broadcasts: fan out to the outbox in one statement, track progress, finish with a report.

``start_due_broadcasts`` turns each due SCHEDULED broadcast into one outbox row per recipient
with ``INSERT … SELECT`` (dedupe key ``bc:<id>:<person_id>``), so 10,000 recipients cost one
round trip; only residents of the towns it reaches (fixed at creation) are selected. The pump
delivers them; ``settle_broadcast`` finishes the broadcast (DONE, unless it was cancelled) once
nothing is left in flight, enqueues the delivery report to the author, and says where the
broadcast stands for the author's progress message (``jobs.broadcasts``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.broadcasts.audiences import count_audience, recipient_filter
from models.broadcasts.notices import notice_payload, send_report
from models.broadcasts.progress import Progress, progress
from models.broadcasts.reach import reached_towns
from models.broadcasts.tables import Broadcast, BroadcastStatus
from models.core.audit import record_audit
from models.core.base import UTCDateTime, upsert_insert, utcnow
from models.core.errors import NotFound
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.core.people import Person

logger = logging.getLogger(__name__)


async def _fresh(session: AsyncSession, broadcast_id: int) -> Broadcast:
    """The broadcast as the database has it now (after a conditional update)."""
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None:
        raise NotFound()
    return broadcast


async def _fan_out(
    session: AsyncSession,
    broadcast_id: int,
    broadcast: Broadcast,
    towns: frozenset[int],
    now: datetime,
) -> int:
    """One outbox row per recipient in ``towns``, in one INSERT … SELECT; returns how many."""
    rows = select(
        col(Person.chat_id),
        col(Person.id),
        literal(OutboxKind.BROADCAST.value, String),
        literal(notice_payload(broadcast), JSON),
        literal(f"bc:{broadcast_id}:", String) + cast(col(Person.id), String),
        literal(now, UTCDateTime()),
        literal(False, Boolean),
        literal(broadcast.topic, String),
        literal(broadcast_id, Integer),
        literal(OutboxStatus.PENDING.value, String),
        literal(0, Integer),
        literal(now, UTCDateTime()),
    ).where(
        recipient_filter(broadcast.audience_kind, broadcast.audience_value, broadcast.topic, towns)
    )
    columns = [
        "chat_id",
        "person_id",
        "kind",
        "payload",
        "dedupe_key",
        "due_at",
        "urgent",
        "topic",
        "broadcast_id",
        "status",
        "attempts",
        "created_at",
    ]
    statement = (
        upsert_insert(session, OutboxMessage)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    await session.execute(statement)
    count = select(func.count()).where(col(OutboxMessage.broadcast_id) == broadcast_id)
    return int((await session.execute(count)).scalar_one())


async def start_due_broadcasts(session: AsyncSession, now: datetime | None = None) -> list[int]:
    """Start every SCHEDULED broadcast due by ``now``: enqueue its messages, mark it SENDING."""
    now = now or utcnow()
    due = await session.execute(
        select(col(Broadcast.id))
        .where(
            col(Broadcast.status) == BroadcastStatus.SCHEDULED.value,
            col(Broadcast.send_at) <= now,
        )
        .order_by(col(Broadcast.send_at), col(Broadcast.id))
    )
    started: list[int] = []
    for broadcast_id in [int(i or 0) for i in due.scalars()]:
        claimed = await session.execute(
            update(Broadcast)
            .where(
                col(Broadcast.id) == broadcast_id,
                col(Broadcast.status) == BroadcastStatus.SCHEDULED.value,
            )
            .values(status=BroadcastStatus.SENDING.value)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another process started it
        broadcast = await _fresh(session, broadcast_id)
        towns = await reached_towns(session, broadcast_id)
        counted = await count_audience(
            session,
            broadcast.audience_kind,
            broadcast.audience_value,
            broadcast.topic,
            towns=towns,
        )
        broadcast.recipients = await _fan_out(session, broadcast_id, broadcast, towns, now)
        broadcast.skipped_opt_out = counted.skipped_opt_out
        await session.flush()
        await record_audit(
            session,
            None,
            "broadcast.start",
            "broadcast",
            broadcast_id,
            recipients=broadcast.recipients,
            skipped_opt_out=broadcast.skipped_opt_out,
        )
        logger.info("broadcast %s started: %s recipients", broadcast_id, broadcast.recipients)
        started.append(broadcast_id)
    return started


async def unfinished_broadcasts(session: AsyncSession) -> list[int]:
    """Broadcasts being sent, or cancelled while sending and not yet reported (their ids)."""
    query = (
        select(col(Broadcast.id))
        .where(
            col(Broadcast.finished_at).is_(None),
            col(Broadcast.status).in_(
                [BroadcastStatus.SENDING.value, BroadcastStatus.CANCELLED.value]
            ),
        )
        .order_by(col(Broadcast.id))
    )
    return [int(i) for i in (await session.execute(query)).scalars() if i is not None]


async def set_progress_message(session: AsyncSession, broadcast_id: int, message_id: int) -> None:
    """Remember the author's progress message (0: it could not be sent, do not retry)."""
    await session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values(progress_message_id=message_id)
    )


async def finish_if_settled(session: AsyncSession, broadcast_id: int) -> Progress | None:
    """When no message is in flight: DONE (unless cancelled), report to the author; else None."""
    done = await progress(session, broadcast_id)
    if done.in_flight:
        return None
    finished = await session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.finished_at).is_(None))
        .values(
            finished_at=utcnow(),
            status=func.coalesce(
                func.nullif(col(Broadcast.status), BroadcastStatus.SENDING.value),
                BroadcastStatus.DONE.value,
            ),
        )
    )
    if finished.rowcount != 1:  # type: ignore[attr-defined]
        return None
    broadcast = await _fresh(session, broadcast_id)
    await send_report(session, broadcast, done)
    await record_audit(
        session,
        None,
        "broadcast.finish",
        "broadcast",
        broadcast_id,
        status=broadcast.status,
        sent=done.sent,
        unreachable=done.unreachable,
        failed=done.failed,
        cancelled=done.cancelled,
    )
    logger.info("broadcast %s finished: %s sent of %s", broadcast_id, done.sent, done.total)
    return done


@dataclass(frozen=True)
class ProgressNote:
    """Where a broadcast stands, for its author's progress message."""

    broadcast_id: int
    chat_id: int | None  # the author's chat (None: nobody to show it to)
    language: str | None
    message_id: int | None  # the progress message already sent (0: it cannot be sent)
    cancelled: bool
    finished: bool
    just_finished: bool  # finished by this call (the report is on its way)
    sent: int
    total: int


async def settle_broadcast(session: AsyncSession, *, broadcast_id: int) -> ProgressNote:
    """Finish the broadcast if nothing is in flight; where it stands now, for its author."""
    done = await finish_if_settled(session, broadcast_id)
    broadcast = await _fresh(session, broadcast_id)
    counts = done or await progress(session, broadcast_id)
    author = await session.get(Person, broadcast.author_id) if broadcast.author_id else None
    return ProgressNote(
        broadcast_id=broadcast_id,
        chat_id=author.chat_id if author else None,
        language=author.language if author else None,
        message_id=broadcast.progress_message_id,
        cancelled=broadcast.status == BroadcastStatus.CANCELLED.value,
        finished=broadcast.finished_at is not None,
        just_finished=done is not None,
        sent=counts.sent,
        total=broadcast.recipients,
    )
