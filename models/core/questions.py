"""A question the bot asked on its own is the person's current screen until it is answered.

A reminder ("回复 1 确认前往，2 取消"), a waitlist offer or a consent request arrives by message,
hours after the person last looked at the bot, while yesterday's screen may still be open. So
the message that asks carries its choices (``question`` below, put into the outbox payload),
and when the pump has delivered it, it records the question here, in the same transaction that
marks the message sent: one row per person (one private chat), the newest question replacing
an older one, since only one set of choices is on screen at a time. The pump may run in another
process (``tongxin worker``), so this lives in the database, not in the bot's memory.

The bot consults the row at the person's next update, before any flow (``handlers.kit.current``):
a question asked after the person's last action is the current screen: their open
conversation is ended and a typed "1" answers the question. Anything the person did after it
arrived (a command, a menu entry, a tap) opened a newer screen and the question lapses.

The row is read with the person in the loader's one query (``models.core.catalogue``), so it
costs no statement on updates without a question. Erasure deletes it with the person (FK).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from models.core.base import UTCDateTime, upsert_insert

QUESTION = "question"  # payload key (see ``question``)


class PendingQuestion(SQLModel, table=True):
    """The question a person was last asked by message, and its choices as they saw them."""

    __tablename__ = "pending_question"

    person_id: int = Field(
        primary_key=True, sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")]
    )
    kind: str = Field(max_length=48)  # who answers it, e.g. ``booking.reminder``
    subject: str = Field(max_length=80)  # what it is about, e.g. a booking id
    # [key, label, *typed words] as shown, in the person's language
    choices: list[list[str]] = Field(default_factory=list, sa_type=JSON)
    asked_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outbox_id: int | None = None

    def live(self, now: datetime, last_seen: datetime | None) -> bool:
        """Still the current screen: not expired, and asked after the person last acted."""
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return last_seen is None or self.asked_at > last_seen


def question(kind: str, subject: object, *choices: tuple[str, ...]) -> dict[str, Any]:
    """A payload's question: its kind, subject and (key, label message id[, words message id])
    choices, in order. The words message lists what a person may type for the choice besides
    its label ("同意|好的|可以"); a destructive choice has none: only its own words pick it.

    The safe choice comes first: a destructive one is never choice 1.
    """
    return {"kind": kind, "subject": str(subject), "choices": [list(c) for c in choices]}


async def record_question(
    session: AsyncSession,
    *,
    person_id: int,
    kind: str,
    subject: str,
    choices: list[list[str]],
    asked_at: datetime,
    expires_at: datetime | None = None,
    outbox_id: int | None = None,
) -> None:
    """Make this the person's current question (replacing any older one)."""
    values = {
        "person_id": person_id,
        "kind": kind,
        "subject": subject,
        "choices": choices,
        "asked_at": asked_at,
        "expires_at": expires_at,
        "outbox_id": outbox_id,
    }
    statement = upsert_insert(session, PendingQuestion).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["person_id"],
        set_={k: statement.excluded[k] for k in values if k != "person_id"},
    )
    await session.execute(statement)


async def close_question(session: AsyncSession, person_id: int, asked_at: datetime) -> bool:
    """The person answered (or left) the question asked at ``asked_at``; a newer one stays."""
    result = await session.execute(
        delete(PendingQuestion).where(
            col(PendingQuestion.person_id) == person_id,
            col(PendingQuestion.asked_at) == asked_at,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
