"""After the visit: a one-tap rating (1–5) and an optional comment, kept for governance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.booking.slots import Slot
from models.core.base import N_, UTCDateTime, utcnow
from models.core.errors import DomainError
from models.core.outbox import OutboxKind, enqueue, inline_keyboard, message_payload
from models.core.people import Person

RATINGS = range(1, 6)
COMMENT_MAX = 1000


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


class NotRateable(DomainError):
    """Only the resident of an attended visit rates it."""

    message_id = "feedback.error.not_rateable"


async def ask_for_rating(session: AsyncSession, booking: object, slot: Slot) -> None:
    """After check-in: at the end of the visit, ask the resident for 1–5 stars (one tap)."""
    from models.booking.bookings import Booking

    assert isinstance(booking, Booking)
    person = await session.get(Person, booking.person_id)
    if person is None or person.chat_id is None:
        return
    payload = message_payload(N_("feedback.ask"))
    payload["reply_markup"] = inline_keyboard(
        [(N_(f"feedback.stars.{n}"), f"rate:{booking.id}:{n}") for n in RATINGS]
    )
    await enqueue(
        session,
        chat_id=person.chat_id,
        person_id=person.id,
        kind=OutboxKind.STATUS,
        payload=payload,
        dedupe_key=f"booking:{booking.id}:rate",
        due_at=max(slot.ends_at, utcnow()),
    )


async def rate(session: AsyncSession, booking_id: int, person: Person, rating: int) -> None:
    """Store (or change) the resident's rating of an attended visit."""
    from models.booking.bookings import Booking, BookingStatus

    booking = await session.get(Booking, booking_id)
    if (
        booking is None
        or booking.person_id != person.id
        or booking.status != BookingStatus.ATTENDED.value
        or rating not in RATINGS
    ):
        raise NotRateable()
    row = await session.get(BookingFeedback, booking_id)
    if row is None:
        assert person.id is not None
        session.add(BookingFeedback(booking_id=booking_id, person_id=person.id, rating=rating))
    else:
        row.rating, row.updated_at = rating, utcnow()
    await session.flush()


async def add_comment(
    session: AsyncSession,
    booking_id: int,
    person: Person,
    *,
    text: str | None = None,
    voice_file_id: str | None = None,
) -> None:
    """Attach a text or voice comment to the person's rating."""
    row = await session.get(BookingFeedback, booking_id)
    if row is None or row.person_id != person.id:
        raise NotRateable()
    if text is not None:
        row.comment = text.strip()[:COMMENT_MAX]
    if voice_file_id is not None:
        row.voice_file_id = voice_file_id
    row.updated_at = utcnow()
    await session.flush()
