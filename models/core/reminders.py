"""Reminders as data: "remind person P about X at T" is an outbox row with a future due time.

Flows call ``remind`` in the same transaction as the thing being reminded about, and
``cancel_reminders`` when it goes away. Nothing is scheduled in memory, so 100k pending
reminders cost rows, not RAM, and survive restarts.

Overdue policy (after downtime): a reminder is sent late while it is still useful, i.e. before
its ``expires_at`` (by default the moment it reminds about); past that it is skipped. The pump
logs either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.outbox import OutboxKind, cancel_by_key_prefix, message_payload, notify
from models.core.people import Person


def reminder_key(subject: str, person_id: int | None) -> str:
    """The dedupe key of one person's reminder about ``subject`` (e.g. ``booking:42:24h``)."""
    return f"reminder:{subject}:{person_id}"


async def remind(
    session: AsyncSession,
    person: Person,
    subject: str,
    at: datetime,
    message_id: str,
    *,
    expires_at: datetime | None = None,
    urgent: bool = False,
    markup: dict[str, Any] | None = None,
    **params: Any,
) -> bool:
    """Plan a reminder; the same subject for the same person is planned only once."""
    payload = message_payload(message_id, **params)
    if markup is not None:
        payload["reply_markup"] = markup
    return await notify(
        session,
        person,
        OutboxKind.REMINDER,
        payload,
        dedupe_key=reminder_key(subject, person.id),
        due_at=at,
        expires_at=expires_at,
        urgent=urgent,
    )


async def cancel_reminders(session: AsyncSession, subject: str) -> int:
    """Cancel every pending reminder about ``subject`` (all persons); returns how many."""
    return await cancel_by_key_prefix(session, f"reminder:{subject}:", reason="cancelled")
