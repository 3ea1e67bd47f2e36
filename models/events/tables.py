"""The event tables: events, per-town quotas, registration question options, registrations,
proxies' requests waiting for the resident's answer, walk-ins and ratings.

Every other events module builds on these. The database holds half of the rules: ``taken``
never exceeds ``capacity`` (event) or ``quota`` (town quota), held-back places never exceed
what is taken, and one person has at most one active registration per event (a partial
unique index over confirmed, waitlisted and offered).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, text
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow
from models.core.places import Bilingual

TEXT_MAX = 1000
COMMENT_MAX = 1000


class EventStatus(StrEnum):
    """Where an event is: only published events are listed and take registrations."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class QuestionKind(StrEnum):
    """The optional registration question: one of the options, or a short text."""

    CHOICE = "choice"
    TEXT = "text"


class RegStatus(StrEnum):
    """Where a registration is. Confirmed, offered and attended hold places."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed place is held for them until ``offer_expires_at``
    CANCELLED = "cancelled"  # by the person, their proxy, or a lapsed/declined offer
    ATTENDED = "attended"
    NO_SHOW = "no_show"


ACTIVE = (RegStatus.CONFIRMED.value, RegStatus.WAITLISTED.value, RegStatus.OFFERED.value)
ACTIVE_SQL = "status IN ('confirmed', 'waitlisted', 'offered')"
HOLDING = (RegStatus.CONFIRMED.value, RegStatus.OFFERED.value, RegStatus.ATTENDED.value)
ASKED_SQL = "status = 'asked'"  # one open proxy request per resident and event


class Event(Bilingual, SQLModel, table=True):
    """A joint event on the 红梅同心 / 红梅学苑 platforms, e.g. a border friendship gathering.

    ``taken`` counts places held by registrations (confirmed, offered, attended), walk-ins and
    the ``held_back`` places kept for phone and offline sign-up until ``held_back_until``.
    """

    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= capacity", name="places_within_capacity"),
        CheckConstraint("held_back >= 0 AND held_back <= taken", name="held_back_within_taken"),
        CheckConstraint("max_party >= 1", name="party_at_least_one"),
        Index("ix_event_status_starts", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=48, unique=True)
    status: str = Field(default=EventStatus.PUBLISHED.value, max_length=16)
    name_zh: str = Field(max_length=128)
    name_en: str = Field(max_length=128)
    description_zh: str = Field(default="", max_length=TEXT_MAX)
    description_en: str = Field(default="", max_length=TEXT_MAX)
    # "zh_CN" or "en": that language's title and description were not given (shown as missing).
    missing_language: str | None = Field(default=None, max_length=8)
    poster_file_id: str | None = Field(default=None, max_length=256)
    topic: str = Field(default="events", max_length=32)
    host_town_id: int = Field(foreign_key="town.id")
    cohost_town_id: int | None = Field(default=None, foreign_key="town.id")
    venue_id: int | None = Field(default=None, foreign_key="venue.id")
    place_zh: str = Field(default="", max_length=256)  # a free-text place when no venue
    place_en: str = Field(default="", max_length=256)
    directions_zh: str = Field(default="", max_length=TEXT_MAX)
    directions_en: str = Field(default="", max_length=TEXT_MAX)
    accessibility_zh: str = Field(default="", max_length=256)
    accessibility_en: str = Field(default="", max_length=256)
    bring_zh: str = Field(default="", max_length=256)
    bring_en: str = Field(default="", max_length=256)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    capacity: int = Field(default=50, ge=1)
    taken: int = Field(default=0, ge=0)
    held_back: int = Field(default=0, ge=0)
    held_back_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    registration_closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    audience_town_id: int | None = Field(default=None, foreign_key="town.id")
    audience_community_id: int | None = Field(default=None, foreign_key="community.id")
    max_party: int = Field(default=1, ge=1)  # the person and their companions
    question_kind: str | None = Field(default=None, max_length=8)
    question_zh: str = Field(default="", max_length=256)
    question_en: str = Field(default="", max_length=256)
    # Edits that residents are told about: the calendar file's SEQUENCE, the notices' keys.
    revision: int = Field(default=0, ge=0)
    created_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # report sent

    @property
    def host_towns(self) -> tuple[int, ...]:
        """The host town, and the co-host when there is one."""
        return (self.host_town_id,) + ((self.cohost_town_id,) if self.cohost_town_id else ())


class EventQuota(SQLModel, table=True):
    """A town's share of an event's places; ``taken`` counts its residents' held places."""

    __tablename__ = "event_quota"
    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= quota", name="taken_within_quota"),)

    event_id: int = Field(
        sa_column_args=[ForeignKey("event.id", ondelete="CASCADE")], primary_key=True
    )
    town_id: int = Field(foreign_key="town.id", primary_key=True)
    quota: int = Field(ge=0)
    taken: int = Field(default=0, ge=0)


class EventOption(SQLModel, table=True):
    """One answer to a choice question, e.g. a pick-up point with its pick-up time."""

    __tablename__ = "event_option"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column_args=[ForeignKey("event.id", ondelete="CASCADE")], index=True)
    position: int = Field(default=0)
    label_zh: str = Field(max_length=128)
    label_en: str = Field(default="", max_length=128)
    ride: bool = False  # choosing it asks for a ride (it is on the driver's list)
    pickup_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Registration(SQLModel, table=True):
    """A person's ``party_size`` places at an event, maybe registered for them by a proxy."""

    __tablename__ = "event_registration"
    __table_args__ = (
        Index(
            "uq_event_registration_active",
            "event_id",
            "person_id",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        Index("ix_event_registration_line", "event_id", "status", "id"),
        Index("ix_event_registration_person", "person_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column_args=[ForeignKey("event.id", ondelete="CASCADE")])
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    booked_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    town_id: int | None = Field(default=None, foreign_key="town.id")  # whose quota it holds
    party_size: int = Field(default=1, ge=1)
    status: str = Field(max_length=16)
    option_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("event_option.id", ondelete="SET NULL")]
    )
    answer_text: str | None = Field(default=None, max_length=256)
    from_held_back: bool = False  # signed up by staff on one of the held-back places
    code: str = Field(max_length=24, unique=True)  # in the receipt's check-in QR code
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    offer_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attendance_reply: str | None = Field(default=None, max_length=16)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )


class RequestStatus(StrEnum):
    """Where a proxy's request to register a resident (without standing consent) is."""

    ASKED = "asked"  # the resident was asked; no places are held meanwhile
    AGREED = "agreed"  # yes (this once or from now on): ``registration_id`` was made
    DECLINED = "declined"
    LAPSED = "lapsed"  # no answer by ``expires_at``
    WITHDRAWN = "withdrawn"  # the proxy took it back before the answer
    CLOSED = "closed"  # yes, but the event no longer took this registration


class ProxyRequest(SQLModel, table=True):
    """A proxy's request to register a resident who has not given standing consent: the
    registration as drafted, waiting for the resident's answer. It holds no places."""

    __tablename__ = "event_proxy_request"
    __table_args__ = (
        Index(
            "uq_event_proxy_request_asked",
            "event_id",
            "person_id",
            unique=True,
            sqlite_where=text(ASKED_SQL),
            postgresql_where=text(ASKED_SQL),
        ),
        Index("ix_event_proxy_request_due", "status", "expires_at"),
        Index("ix_event_proxy_request_proxy", "proxy_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column_args=[ForeignKey("event.id", ondelete="CASCADE")])
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    proxy_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    party_size: int = Field(default=1, ge=1)
    option_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("event_option.id", ondelete="SET NULL")]
    )
    answer_text: str | None = Field(default=None, max_length=256)
    status: str = Field(default=RequestStatus.ASKED.value, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    registration_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("event_registration.id", ondelete="SET NULL")]
    )


class WalkIn(SQLModel, table=True):
    """People who came without registering: counted against capacity, never a quota."""

    __tablename__ = "event_walk_in"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column_args=[ForeignKey("event.id", ondelete="CASCADE")], index=True)
    town_id: int | None = Field(default=None, foreign_key="town.id")
    party_size: int = Field(default=1, ge=1)
    recorded_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EventRating(SQLModel, table=True):
    """An attendee's 1–5 rating of an event, with an optional comment or voice note; the
    governance statistics read this table."""

    __tablename__ = "event_rating"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),)

    registration_id: int = Field(
        sa_column_args=[ForeignKey("event_registration.id", ondelete="CASCADE")], primary_key=True
    )
    event_id: int = Field(sa_column_args=[ForeignKey("event.id", ondelete="CASCADE")], index=True)
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    rating: int
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    voice_file_id: str | None = Field(default=None, max_length=256)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
