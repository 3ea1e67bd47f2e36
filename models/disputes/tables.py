"""Every disputes table: the case, its numbering, notes, relay messages, lead handovers, and
each town's mediators' duty, category routing and SLA settings.

A case's free text (the description, notes, relay messages) is stored exactly as written and
escaped wherever it is shown. Times are aware UTC. Foreign keys to ``person`` are nullable with
``SET NULL`` where the case must outlive the person (erasure unlinks them: see ``privacy``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow

DESCRIPTION_MAX = 2000
NOTE_MAX = 2000
TERMS_MAX = 4000


class Category(StrEnum):
    """What a dispute is about; each has a label ``disputes.category.<value>``."""

    NOISE = "noise"
    PROPERTY = "property"
    SHARED_SPACE = "shared_space"
    FAMILY = "family"
    MONEY = "money"
    CROSS_BORDER = "cross_border"
    OTHER = "other"


class Parties(StrEnum):
    """Where the other side is: ``disputes.parties.<value>``."""

    SAME_COMMUNITY = "same_community"
    OTHER_COMMUNITY = "other_community"
    OTHER_TOWN = "other_town"


class Contact(StrEnum):
    """How the reporter wants to be contacted: through the bot only, or by phone too."""

    BOT = "bot"
    PHONE = "phone"


class CaseStatus(StrEnum):
    """Where a case is; ``disputes.status.<value>`` says it in plain words."""

    AWAITING_RESIDENT = "awaiting_resident"  # reported by a proxy, the resident not asked yet
    NEW = "new"
    ACCEPTED = "accepted"
    IN_MEDIATION = "in_mediation"
    RESOLVED = "resolved"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


OPEN = frozenset({CaseStatus.NEW, CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION})
CLOSED = frozenset({CaseStatus.RESOLVED, CaseStatus.REFERRED, CaseStatus.WITHDRAWN})


class Referral(StrEnum):
    """Where a referred case went: ``disputes.referral.<value>``."""

    COURT = "court"
    POLICE = "police"
    HOTLINE = "12345"


class DisputeCase(SQLModel, table=True):
    """One reported dispute, from the report to the follow-up."""

    __tablename__ = "dispute_case"
    __table_args__ = (
        Index("ix_dispute_case_status_town", "status", "town_id"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_1_to_5"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True)  # D-2026-0042
    town_id: int = Field(foreign_key="town.id", index=True)  # the town concerned (numbering)
    lead_town_id: int = Field(foreign_key="town.id")  # whose mediators lead it
    joint: bool = False  # both towns are involved: a co-mediator of the other town
    category: str = Field(max_length=24)
    parties: str = Field(max_length=24)
    reporter_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")], index=True
    )
    proxy_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")], index=True
    )
    reporter_town_id: int | None = Field(default=None, foreign_key="town.id")  # statistics
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    contact: str = Field(default=Contact.BOT.value, max_length=8)
    anonymous: bool = False
    cross_border_consent: bool = False
    status: str = Field(default=CaseStatus.NEW.value, max_length=20)
    referred_to: str | None = Field(default=None, max_length=8)
    assignee_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")], index=True
    )
    co_mediator_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")], index=True
    )
    expected_on: date | None = Field(default=None, sa_type=Date)
    outcome: str | None = Field(default=None, max_length=NOTE_MAX)  # the main facts found
    agreed_terms: str | None = Field(default=None, max_length=TERMS_MAX)
    carry_out: str | None = Field(default=None, max_length=NOTE_MAX)  # how and by when
    # Escalation of an unaccepted case: 0 alerted, 1 re-alerted, 2 the head, 3 the admins.
    escalation_level: int = 0
    routed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    realerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    head_alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    admins_alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    nudged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    chase_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    followup_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    followup_answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    solved: bool | None = None
    rating: int | None = None
    reporter_erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    anonymised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_update_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseCounter(SQLModel, table=True):
    """The last case number given in a town and year (numbers are readable and never reused)."""

    __tablename__ = "dispute_counter"

    town_id: int = Field(foreign_key="town.id", primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class CaseNote(SQLModel, table=True):
    """A mediator's note on a case: internal (staff only) or public (the reporter is told)."""

    __tablename__ = "dispute_note"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column_args=[ForeignKey("dispute_case.id", ondelete="CASCADE")], index=True
    )
    author_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    public: bool = False
    text: str = Field(max_length=NOTE_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RelayDirection(StrEnum):
    """Who a relayed message went to."""

    TO_MEDIATOR = "to_mediator"
    TO_REPORTER = "to_reporter"


class RelayMessage(SQLModel, table=True):
    """One message passed between a case's mediator and its reporter through the bot."""

    __tablename__ = "dispute_relay"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column_args=[ForeignKey("dispute_case.id", ondelete="CASCADE")], index=True
    )
    sender_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    recipient_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    direction: str = Field(max_length=16)
    kind: str = Field(max_length=8)  # text, voice, photo
    text: str = Field(default="", max_length=NOTE_MAX)
    file_id: str | None = Field(default=None, max_length=256)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class HandoverStatus(StrEnum):
    """A request to hand a joint case's lead to the other town."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class HandoverRequest(SQLModel, table=True):
    """The lead town asks the other town to take the lead of a joint case, with a reason."""

    __tablename__ = "dispute_handover"
    __table_args__ = (
        Index(
            "uq_dispute_handover_pending",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column_args=[ForeignKey("dispute_case.id", ondelete="CASCADE")])
    from_town_id: int = Field(foreign_key="town.id")
    to_town_id: int = Field(foreign_key="town.id")
    reason: str = Field(max_length=NOTE_MAX)
    requested_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    status: str = Field(default=HandoverStatus.PENDING.value, max_length=12)
    decided_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    decline_reason: str | None = Field(default=None, max_length=NOTE_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MediatorDuty(SQLModel, table=True):
    """A mediator's own duty switch (/duty); no row means on duty."""

    __tablename__ = "mediator_duty"

    person_id: int = Field(
        sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")], primary_key=True
    )
    on_duty: bool = True
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CategoryRoute(SQLModel, table=True):
    """A mediator of a town takes cases of a category; a category without rows: all of them."""

    __tablename__ = "dispute_route"
    __table_args__ = (UniqueConstraint("town_id", "category", "mediator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id")
    category: str = Field(max_length=24)
    mediator_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])


class TownPolicy(SQLModel, table=True):
    """A town's disputes settings: its mediators' group chat and its SLA timings.

    No row: the defaults below. The group is a ``bot_group`` row an admin linked (/linkgroup).
    """

    __tablename__ = "dispute_policy"

    town_id: int = Field(foreign_key="town.id", primary_key=True)
    group_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("bot_group.id", ondelete="SET NULL")]
    )
    first_response_hours: int = Field(default=24, ge=1)
    realert_minutes: int = Field(default=120, ge=1)
    head_minutes: int = Field(default=480, ge=1)
    admins_minutes: int = Field(default=1440, ge=1)
    nudge_days: int = Field(default=3, ge=1)
    chase_hours: int = Field(default=24, ge=1)
    followup_days: int = Field(default=7, ge=1)
    retention_days: int = Field(default=730, ge=1)
    # a proxy's report the resident has not answered lapses (withdrawn) after this long
    proxy_answer_hours: int = Field(default=48, ge=1)
