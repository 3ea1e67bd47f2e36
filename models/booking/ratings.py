"""After the visit: the one-tap rating (1–5 stars) and an optional typed or spoken comment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.feedback import COMMENT_MAX, add_comment, rate
from models.core.errors import DomainError
from models.core.people import Person


class NoComment(DomainError):
    """Neither words nor a voice message (a sticker, a photo, an empty text)."""

    message_id = "feedback.not_understood"


class CommentTooLong(DomainError):
    """A typed comment over ``COMMENT_MAX`` characters."""

    message_id = "feedback.too_long"
    plural = "max"


@dataclass(frozen=True)
class Rated:
    """A visit's rating as stored."""

    booking_id: int
    stars: int


async def rate_visit(
    session: AsyncSession, *, person: Person, booking_id: int, stars: int
) -> Rated:
    """Store (or change) the resident's rating of an attended visit (``NotRateable`` if not)."""
    await rate(session, booking_id, person, stars)
    return Rated(booking_id, stars)


async def comment_on_visit(
    session: AsyncSession,
    *,
    person: Person,
    booking_id: int,
    text: str | None = None,
    voice_file_id: str | None = None,
) -> None:
    """Keep a typed or spoken comment with the person's rating of the visit."""
    if voice_file_id is None and not (text or "").strip():
        raise NoComment()
    if text is not None and len(text.strip()) > COMMENT_MAX:
        raise CommentTooLong(max=COMMENT_MAX)
    await add_comment(session, booking_id, person, text=text, voice_file_id=voice_file_id)
