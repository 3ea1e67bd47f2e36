"""After the visit: a one-tap rating (1–5) and an optional comment, kept for governance."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.codes import RATING
from models.booking.tables import (
    COMMENT_MAX,
    Booking,
    BookingFeedback,
    BookingStatus,
    Slot,
    id_of,
)
from models.core.base import N_, utcnow
from models.core.errors import DomainError
from models.core.outbox import OutboxKind, inline_keyboard, message_payload, notify
from models.core.people import Person

RATINGS = range(1, 6)


class NotRateable(DomainError):
    """Only the resident of an attended visit rates it."""

    message_id = "feedback.error.not_rateable"


async def ask_for_rating(session: AsyncSession, booking: Booking, slot: Slot) -> None:
    """After check-in: at the end of the visit, ask the resident for 1–5 stars (one tap)."""
    booking_id = id_of(booking)
    payload = message_payload(N_("feedback.ask"))
    payload["reply_markup"] = inline_keyboard(
        [(N_(f"feedback.stars.{n}"), RATING.data("", booking_id, n)) for n in RATINGS]
    )
    await notify(
        session,
        await session.get(Person, booking.person_id),
        OutboxKind.STATUS,
        payload,
        dedupe_key=f"booking:{booking_id}:rate",
        due_at=max(slot.ends_at, utcnow()),
    )


async def rate(session: AsyncSession, booking_id: int, person: Person, rating: int) -> None:
    """Store (or change) the resident's rating of an attended visit."""
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
        session.add(BookingFeedback(booking_id=booking_id, person_id=id_of(person), rating=rating))
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
