"""Reminders as data: "remind person P about X at T" is an outbox row with a future due time.

Flows call ``remind`` in the same transaction as the thing being reminded about, and
``cancel_reminders`` when it goes away. Nothing is scheduled in memory, so 100k pending
reminders cost rows, not RAM, and survive restarts.

Overdue policy (after downtime): a reminder is sent late while it is still useful, i.e. before
its ``expires_at`` (by default the moment it reminds about); past that it is skipped. The pump
logs either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.outbox import (
    OutboxKind,
    Outgoing,
    cancel_by_key_prefix,
    enqueue_all,
    message_payload,
)
from models.core.people import Person
from models.core.questions import QUESTION


def reminder_key(subject: str, person_id: int | None) -> str:
    """The dedupe key of one person's reminder about ``subject`` (e.g. ``booking:42:24h``)."""
    return f"reminder:{subject}:{person_id}"


def reminder(
    person: Person,
    subject: str,
    at: datetime,
    message_id: str,
    *,
    expires_at: datetime | None = None,
    urgent: bool = False,
    markup: dict[str, Any] | None = None,
    asks: dict[str, Any] | None = None,
    **params: Any,
) -> Outgoing | None:
    """One person's reminder about ``subject`` at ``at`` (None: they have no chat to reach).

    ``asks``: the reminder is a question (``models.core.questions.question``), the current
    screen once delivered; ``markup``: inline buttons instead.
    """
    if person.chat_id is None:
        return None
    payload = message_payload(message_id, **params)
    if markup is not None:
        payload["reply_markup"] = markup
    if asks is not None:
        payload[QUESTION] = asks
    return Outgoing(
        chat_id=person.chat_id,
        kind=OutboxKind.REMINDER,
        payload=payload,
        dedupe_key=reminder_key(subject, person.id),
        due_at=at,
        person_id=person.id,
        expires_at=expires_at,
        urgent=urgent,
    )


async def remind_all(session: AsyncSession, reminders: Sequence[Outgoing | None]) -> int:
    """Plan several reminders in one statement; each subject and person only once."""
    return await enqueue_all(session, [r for r in reminders if r is not None])


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
    planned = reminder(
        person, subject, at, message_id, expires_at=expires_at, urgent=urgent, markup=markup,
        **params,
    )  # fmt: skip
    return await remind_all(session, [planned]) == 1


async def cancel_reminders(session: AsyncSession, subject: str) -> int:
    """Cancel every pending reminder about ``subject`` (all persons); returns how many."""
    return await cancel_by_key_prefix(session, f"reminder:{subject}:", reason="cancelled")
