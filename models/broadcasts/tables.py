"""The broadcast tables: one notice to an audience, where it is in its life, the towns it reaches.

Life: PENDING_APPROVAL while a town it reaches waits for a second person, else SCHEDULED →
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


class TownApproval(StrEnum):
    """Whether a town a broadcast reaches must approve it first, and what its admins decided."""

    NOT_NEEDED = "not_needed"
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"


class BroadcastTown(SQLModel, table=True):
    """A town a broadcast reaches: its audience within the author's scope, fixed at creation.

    The fan-out sends only to residents of these towns. A town listed in
    TONGXIN_BROADCAST_APPROVAL_TOWNS waits for one of its admins (not the author) to decide.
    """

    __tablename__ = "broadcast_town"

    broadcast_id: int = Field(
        primary_key=True, sa_column_args=[ForeignKey("broadcast.id", ondelete="CASCADE")]
    )
    town_id: int = Field(primary_key=True, foreign_key="town.id")
    approval: str = Field(default=TownApproval.NOT_NEEDED.value, max_length=16)
    decided_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
