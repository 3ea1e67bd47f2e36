"""The joint meeting's tables: the meetings (one planned at a time) and their action items.

Times are aware UTC; a due date is a day in the towns' time zone. Action items keep their
owner as a nullable link (``SET NULL``), so erasing a person leaves the decision on record.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, text
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow

PLACE_MAX = 256
ACTION_TEXT_MAX = 500


class MeetingStatus(StrEnum):
    """Where a meeting is: planned (the next one), held, or called off."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class JointMeeting(SQLModel, table=True):
    """One rotating joint meeting (党建轮值联席会议) of the two towns' party committees."""

    __tablename__ = "governance_meeting"
    __table_args__ = (
        # At most one meeting is planned at a time: "the next meeting" is never ambiguous.
        Index(
            "uq_governance_meeting_planned",
            "status",
            unique=True,
            sqlite_where=text("status = 'planned'"),
            postgresql_where=text("status = 'planned'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    host_town_id: int = Field(foreign_key="town.id")
    place: str = Field(default="", max_length=PLACE_MAX)  # empty: the host town's centre
    status: str = Field(default=MeetingStatus.PLANNED.value, max_length=12)
    planned_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ActionStatus(StrEnum):
    """An action item is open until its owner (or the secretary) marks it done."""

    OPEN = "open"
    DONE = "done"


class ActionItem(SQLModel, table=True):
    """A decision of a meeting: what, who owns it, for which town, by when."""

    __tablename__ = "governance_action_item"
    __table_args__ = (Index("ix_governance_action_item_status_due", "status", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(
        sa_column_args=[ForeignKey("governance_meeting.id", ondelete="CASCADE")], index=True
    )
    text: str = Field(max_length=ACTION_TEXT_MAX)
    owner_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")], index=True
    )
    town_id: int = Field(foreign_key="town.id")
    due_on: date = Field(sa_type=Date)
    status: str = Field(default=ActionStatus.OPEN.value, max_length=8)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
