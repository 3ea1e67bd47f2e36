"""Sending broadcasts: fan out to the outbox in one statement, track progress, finish with a report.

``start_due_broadcasts`` turns each due SCHEDULED broadcast into one outbox row per recipient
with ``INSERT … SELECT`` (dedupe key ``bc:<id>:<person_id>``), so 10,000 recipients cost one
round trip. The pump delivers them; ``finish_if_settled`` marks the broadcast DONE once nothing
is left in flight and enqueues the delivery report to the author.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.broadcasts.audiences import count_audience, recipient_filter
from models.broadcasts.compose import Broadcast, BroadcastStatus
from models.core.audit import record_audit
from models.core.base import UTCDateTime, upsert_insert, utcnow
from models.core.outbox import (
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    enqueue,
    message_payload,
)
from models.core.people import Person

logger = logging.getLogger(__name__)

NOTICE_MSGID = "broadcast.notice"


def notice_payload(broadcast: Broadcast) -> dict[str, Any]:
    """What each resident receives: the notice under a short header, with the photo if any."""
    payload = message_payload(NOTICE_MSGID, text=broadcast.text)
    if broadcast.photo_file_id:
        payload["photo"] = broadcast.photo_file_id
    return payload


def number(value: int) -> str:
    """A count as residents read it: 1,234."""
    return f"{value:,}"


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


async def _fan_out(session: AsyncSession, broadcast: Broadcast, now: datetime) -> int:
    """One outbox row per recipient, in one INSERT … SELECT; returns how many."""
    assert broadcast.id is not None
    rows = select(
        col(Person.chat_id),
        col(Person.id),
        literal(OutboxKind.BROADCAST.value, String),
        literal(notice_payload(broadcast), JSON),
        literal(f"bc:{broadcast.id}:", String) + cast(col(Person.id), String),
        literal(now, UTCDateTime()),
        literal(False, Boolean),
        literal(broadcast.topic, String),
        literal(broadcast.id, Integer),
        literal(OutboxStatus.PENDING.value, String),
        literal(0, Integer),
        literal(now, UTCDateTime()),
    ).where(recipient_filter(broadcast.audience_kind, broadcast.audience_value, broadcast.topic))
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
    count = select(func.count()).where(col(OutboxMessage.broadcast_id) == broadcast.id)
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
        broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
        assert broadcast is not None
        counted = await count_audience(
            session, broadcast.audience_kind, broadcast.audience_value, broadcast.topic
        )
        broadcast.recipients = await _fan_out(session, broadcast, now)
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


async def unfinished_broadcasts(session: AsyncSession) -> list[Broadcast]:
    """Broadcasts being sent, or cancelled while sending and not yet reported."""
    query = (
        select(Broadcast)
        .where(
            col(Broadcast.finished_at).is_(None),
            col(Broadcast.status).in_(
                [BroadcastStatus.SENDING.value, BroadcastStatus.CANCELLED.value]
            ),
        )
        .order_by(col(Broadcast.id))
    )
    return list((await session.execute(query)).scalars())


async def set_progress_message(session: AsyncSession, broadcast_id: int, message_id: int) -> None:
    """Remember the author's progress message (0: it could not be sent, do not retry)."""
    await session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values(progress_message_id=message_id)
    )


def report_payload(broadcast: Broadcast, done: Progress) -> dict[str, Any]:
    """The delivery report to the author."""
    msgid = (
        "broadcast.report.cancelled"
        if broadcast.status == BroadcastStatus.CANCELLED.value
        else "broadcast.report"
    )
    return message_payload(
        msgid,
        id=broadcast.id,
        total=number(broadcast.recipients),
        sent=number(done.sent),
        unreachable=number(done.unreachable),
        failed=number(done.failed),
        skipped=number(broadcast.skipped_opt_out),
        cancelled=number(done.cancelled),
    )


async def finish_if_settled(session: AsyncSession, broadcast_id: int) -> Progress | None:
    """When no message is in flight: DONE (unless cancelled), report to the author; else None."""
    done = await progress(session, broadcast_id)
    if done.in_flight:
        return None
    now = utcnow()
    finished = await session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.finished_at).is_(None))
        .values(
            finished_at=now,
            status=func.coalesce(
                func.nullif(col(Broadcast.status), BroadcastStatus.SENDING.value),
                BroadcastStatus.DONE.value,
            ),
        )
    )
    if finished.rowcount != 1:  # type: ignore[attr-defined]
        return None
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    assert broadcast is not None
    author = await session.get(Person, broadcast.author_id) if broadcast.author_id else None
    if author is not None and author.chat_id is not None:
        await enqueue(
            session,
            chat_id=author.chat_id,
            person_id=author.id,
            kind=OutboxKind.STATUS,
            payload=report_payload(broadcast, done),
            dedupe_key=f"bc:{broadcast_id}:report",
        )
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
