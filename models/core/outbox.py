"""The outbox: every message the bot sends on its own initiative is a row here first.

A row is enqueued in the caller's transaction (so a booking and its reminder commit together),
claimed by a pump when due, sent within Telegram's limits and marked with its outcome. The
unique ``dedupe_key`` makes enqueueing idempotent. Claiming uses ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL so several workers share one outbox; a claim is a lease, so rows left ``sending`` by
a crashed worker are claimed again after ``LEASE`` (at most one duplicate per in-flight message).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from models.core.base import UTCDateTime, upsert_insert, utcnow
from models.core.people import Person

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class OutboxStatus(StrEnum):
    """Where a message is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # retries exhausted; last_error says why
    INVALID = "invalid"  # Telegram says the chat does not exist
    UNREACHABLE = "unreachable"  # the person blocked the bot or was deactivated
    CANCELLED = "cancelled"  # by the flow (booking cancelled, broadcast stopped, person gone)
    SKIPPED = "skipped"  # overdue and no longer useful


FINAL = frozenset(set(OutboxStatus) - {OutboxStatus.PENDING, OutboxStatus.SENDING})


class OutboxKind(StrEnum):
    """What a message is, for metrics and policies."""

    REMINDER = "reminder"
    BROADCAST = "broadcast"
    CASE_ALERT = "case_alert"
    STATUS = "status"
    WAITLIST_OFFER = "waitlist_offer"
    APPROVAL = "approval"


class OutboxMessage(SQLModel, table=True):
    """One message to one chat. ``payload`` is a message id with its parameters (see below)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    person_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")], index=True
    )
    kind: str = Field(max_length=24)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    dedupe_key: str = Field(max_length=160, unique=True)
    due_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    urgent: bool = False
    topic: str | None = Field(default=None, max_length=32)
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id", index=True)
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def message_payload(message_id: str, *, plural: str | None = None, **params: Any) -> dict[str, Any]:
    """A payload rendered at send time in the recipient's language (the only kind there is).

    Words someone wrote (a volunteer's notice) are a parameter of a message id, never the text.

    ``plural`` names the parameter whose number picks the plural form ("1 person", "2 people").
    """
    payload: dict[str, Any] = {"msgid": message_id, "params": params}
    if plural is not None:
        payload["plural"] = plural
    return payload


def message_param(message_id: str, *, plural: str | None = None, **params: Any) -> dict[str, Any]:
    """A parameter that is itself a message (id and parameters), rendered with its payload.

    For a part of a notice that reads differently by language, e.g. an audience ("residents
    of {name}") or a fallback name ("a volunteer"). ``plural`` works as in ``message_payload``.
    """
    return message_payload(message_id, plural=plural, **params)


def when_param(moment: datetime) -> dict[str, str]:
    """A time parameter shown in the recipient's language and time zone when sent."""
    return {"dt": moment.isoformat()}


def span_param(starts: datetime, ends: datetime) -> dict[str, str]:
    """A time span ("12月7日 星期一 09:00–10:00") shown in the recipient's language when sent."""
    return {"dt": starts.isoformat(), "until": ends.isoformat()}


def bilingual_param(zh: str, en: str) -> dict[str, str]:
    """A parameter with a Chinese and an English form; the recipient's language picks."""
    return {"zh_CN": zh, "en": en or zh}


def qr_param(start: str, caption: str) -> dict[str, str]:
    """A payload's ``"qr"``: a QR code photo of the bot's ``/start <start>`` link after the text,
    captioned by the message id ``caption`` (drawn when sent: ``jobs.rendering``)."""
    return {"start": start, "caption": caption}


def inline_keyboard(*rows: list[tuple[str, str]]) -> dict[str, Any]:
    """Inline buttons as (label message id, callback data) pairs, labelled when sent."""
    return {
        "inline_keyboard": [
            [{"text": {"msgid": label}, "callback_data": data} for label, data in row]
            for row in rows
        ]
    }


@dataclass(frozen=True)
class Outgoing:
    """One message to enqueue (see ``OutboxMessage`` for what each field means)."""

    chat_id: int
    kind: OutboxKind
    payload: dict[str, Any]
    dedupe_key: str
    due_at: datetime | None = None
    person_id: int | None = None
    expires_at: datetime | None = None
    urgent: bool = False
    topic: str | None = None
    broadcast_id: int | None = None

    def row(self, now: datetime) -> dict[str, Any]:
        """The outbox row's values."""
        return {
            "chat_id": self.chat_id,
            "person_id": self.person_id,
            "kind": self.kind.value,
            "payload": self.payload,
            "dedupe_key": self.dedupe_key,
            "due_at": self.due_at or now,
            "expires_at": self.expires_at,
            "urgent": self.urgent,
            "topic": self.topic,
            "broadcast_id": self.broadcast_id,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
        }


async def enqueue_all(session: AsyncSession, messages: Sequence[Outgoing]) -> int:
    """Add the messages (one statement) but those whose dedupe key exists; how many were added."""
    if not messages:
        return 0
    now = utcnow()
    statement = (
        upsert_insert(session, OutboxMessage)
        .values([message.row(now) for message in messages])
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: OutboxKind,
    payload: dict[str, Any],
    dedupe_key: str,
    due_at: datetime | None = None,
    person_id: int | None = None,
    expires_at: datetime | None = None,
    urgent: bool = False,
    topic: str | None = None,
    broadcast_id: int | None = None,
) -> bool:
    """Add a message unless one with the same dedupe key exists; True when it was added."""
    message = Outgoing(
        chat_id, kind, payload, dedupe_key, due_at, person_id, expires_at, urgent, topic,
        broadcast_id,
    )  # fmt: skip
    return await enqueue_all(session, [message]) == 1


async def notify(
    session: AsyncSession,
    person: Person | None,
    kind: OutboxKind,
    payload: dict[str, Any],
    *,
    dedupe_key: str,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    urgent: bool = False,
) -> bool:
    """Enqueue a message to ``person``'s chat; False when nobody is there to reach (no chat)."""
    if person is None or person.chat_id is None:
        return False
    return await enqueue(
        session,
        chat_id=person.chat_id,
        person_id=person.id,
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        due_at=due_at,
        expires_at=expires_at,
        urgent=urgent,
    )


async def cancel(session: AsyncSession, *conditions: Any, reason: str) -> int:
    """Cancel still-pending messages matching ``conditions``; returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING.value, *conditions)
        .values(status=OutboxStatus.CANCELLED.value, last_error=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def cancel_by_key_prefix(session: AsyncSession, prefix: str, reason: str) -> int:
    """Cancel pending messages whose dedupe key starts with ``prefix`` (e.g. one booking's)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return await cancel(
        session, col(OutboxMessage.dedupe_key).like(f"{escaped}%", escape="\\"), reason=reason
    )


async def depth(session: AsyncSession) -> dict[str, int]:
    """How many messages are in each non-final status (for /metrics)."""
    rows = await session.execute(
        select(col(OutboxMessage.status), func.count())
        .where(
            col(OutboxMessage.status).in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value])
        )
        .group_by(OutboxMessage.status)
    )
    return {str(status): int(count) for status, count in rows.all()}
