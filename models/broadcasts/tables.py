"""The broadcast table: one notice to an audience, and where it is in its life.

Life: PENDING_APPROVAL when the author's town requires a second person, else SCHEDULED →
SENDING (one outbox row per recipient, carrying ``broadcast_id``) → DONE once nothing is left in
flight. CANCELLED at any point before the end; REJECTED by the approving admin.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow


class BroadcastStatus(StrEnum):
    """A broadcast's life: approval (when required), scheduled, sending, then an end."""

    PENDING_APPROVAL = "pending_approval"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


# Not yet ended: these may still be cancelled.
ACTIVE = (BroadcastStatus.PENDING_APPROVAL, BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING)


class Broadcast(SQLModel, table=True):
    """One notice to an audience; its messages are outbox rows carrying ``broadcast_id``."""

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    town_id: int | None = Field(default=None, foreign_key="town.id")
    text: str = Field(max_length=4096)
    photo_file_id: str | None = Field(default=None, max_length=256)
    topic: str = Field(default="events", max_length=32)
    audience_kind: str = Field(max_length=24)
    audience_value: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=20, index=True)
    send_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str | None = Field(default=None, max_length=500)
    recipients: int = 0
    skipped_opt_out: int = 0
    progress_message_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def active(self) -> bool:
        """Whether it has not ended yet (so it may still be cancelled)."""
        return self.status in {status.value for status in ACTIVE}
