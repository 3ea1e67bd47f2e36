"""The booking tables: slots, bookings, waitlist entries, proxy consents, ratings, opening hours.

Every other booking module builds on these; this one imports nothing of booking. The partial
unique indexes are the database's half of the rules: one active booking per person and slot,
one open waitlist entry per person and slot, one standing consent per resident and proxy.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Protocol

from sqlalchemy import CheckConstraint, ForeignKey, Index, Time, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow
from models.core.errors import NotFound

COMMENT_MAX = 1000


class BookingStatus(StrEnum):
    """Where a booking is; the first three hold places in their slot."""

    AWAITING_RESIDENT = "awaiting_resident"  # booked by a proxy, the resident has not said yes
    PENDING_APPROVAL = "pending_approval"  # the venue needs an admin's approval
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    DECLINED = "declined"  # by an admin (with a reason) or by the resident (proxy booking)
    ATTENDED = "attended"
    NO_SHOW = "no_show"


ACTIVE = (
    BookingStatus.AWAITING_RESIDENT.value,
    BookingStatus.PENDING_APPROVAL.value,
    BookingStatus.CONFIRMED.value,
)
ACTIVE_SQL = "status IN ('awaiting_resident', 'pending_approval', 'confirmed')"


class WaitStatus(StrEnum):
    """Where a waitlist entry is."""

    WAITING = "waiting"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    LEFT = "left"  # the resident left the queue


OPEN_ENTRY = (WaitStatus.WAITING.value, WaitStatus.OFFERED.value)
_OPEN_SQL = "status IN ('waiting', 'offered')"


class OpeningHours(SQLModel, table=True):
    """One opening period of a venue on a weekday (0 = Monday); a day may have several."""

    __tablename__ = "venue_hours"
    __table_args__ = (CheckConstraint("opens < closes", name="opens_before_closes"),)

    id: int | None = Field(default=None, primary_key=True)
    venue_id: int = Field(sa_column_args=[ForeignKey("venue.id", ondelete="CASCADE")], index=True)
    weekday: int = Field(ge=0, le=6)
    opens: time = Field(sa_type=Time)
    closes: time = Field(sa_type=Time)


class Blackout(SQLModel, table=True):
    """Days a venue is closed (holiday, maintenance), inclusive, with the reason residents see."""

    __tablename__ = "venue_blackout"
    __table_args__ = (CheckConstraint("first_day <= last_day", name="ordered_days"),)

    id: int | None = Field(default=None, primary_key=True)
    venue_id: int = Field(sa_column_args=[ForeignKey("venue.id", ondelete="CASCADE")], index=True)
    first_day: date
    last_day: date
    reason_zh: str = Field(default="", max_length=128)
    reason_en: str = Field(default="", max_length=128)


class Slot(SQLModel, table=True):
    """A bookable window at a venue; ``taken`` of ``capacity`` places are held."""

    __table_args__ = (
        UniqueConstraint("venue_id", "starts_at", name="uq_slot_venue_start"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="seats_within_capacity"),
        Index("ix_slot_open_starts", "starts_at", "venue_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venue_id: int = Field(sa_column_args=[ForeignKey("venue.id", ondelete="CASCADE")])
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    capacity: int = Field(ge=1)
    taken: int = Field(default=0, ge=0)
    closed: bool = False


class Booking(SQLModel, table=True):
    """A person's ``party_size`` places in a slot, maybe booked for them by a proxy."""

    __table_args__ = (
        Index(
            "uq_booking_active",
            "slot_id",
            "person_id",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        Index("ix_booking_person_status", "person_id", "status"),
        Index("ix_booking_slot_status", "slot_id", "status"),
        # Covering for the statistics (models.governance): who booked, read from the index.
        Index("ix_booking_slot_status_person", "slot_id", "status", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id")
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    booked_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    party_size: int = Field(default=1, ge=1)
    status: str = Field(max_length=20)
    code: str = Field(max_length=24, unique=True)  # in the receipt's check-in QR code
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Times it was moved to another slot: the calendar file's SEQUENCE, so a phone's calendar
    # moves the entry (same UID) instead of adding a second one.
    revision: int = Field(default=0, ge=0)
    decided_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    decline_reason: str | None = Field(default=None, max_length=256)
    attendance_reply: str | None = Field(default=None, max_length=16)  # "coming" after "1"
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_by_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )


class WaitlistEntry(SQLModel, table=True):
    """A person queueing for ``party_size`` places in a full slot."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        Index(
            "uq_waitlist_open",
            "slot_id",
            "person_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_waitlist_slot_status", "slot_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(sa_column_args=[ForeignKey("slot.id", ondelete="CASCADE")])
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    party_size: int = Field(default=1, ge=1)
    status: str = Field(default=WaitStatus.WAITING.value, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    offer_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class ProxyConsent(SQLModel, table=True):
    """A resident's standing consent that ``proxy_id`` may book for them."""

    __tablename__ = "proxy_consent"
    __table_args__ = (
        Index(
            "uq_proxy_consent_active",
            "resident_id",
            "proxy_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    proxy_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BookingFeedback(SQLModel, table=True):
    """A resident's rating of one visit, with an optional text or voice comment."""

    __tablename__ = "booking_feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),)

    booking_id: int = Field(
        sa_column_args=[ForeignKey("booking.id", ondelete="CASCADE")], primary_key=True
    )
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")])
    rating: int
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    voice_file_id: str | None = Field(default=None, max_length=256)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Stored(Protocol):
    """Any row with an integer primary key ``id``."""

    id: int | None


def id_of(row: Stored) -> int:
    """The id of a stored row; ``NotFound`` for one that was never stored."""
    if row.id is None:
        raise NotFound()
    return row.id
