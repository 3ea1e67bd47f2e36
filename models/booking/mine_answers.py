"""Answers to what a booking sends on its own: the 24 h reminder and a waitlist offer.

The reminder and the offer are questions (the current screen once delivered: their choices are
typed or tapped on the reply keyboard they bring; reminders and offers sent before that carried
inline buttons, still answered); the offer is also answered from the list. The reminder names
any booking the person holds or made for someone. Each loads the booking or entry as the
person's own, so forged ids are refused (``NotYourBooking``) and late answers explained
(``BookingNotActive``, ``OfferGone``).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.bookings import (
    Booking,
    BookingView,
    booking_view,
    cancel_booking,
    confirm_attendance,
    owned_booking,
)
from models.booking.mine import saved_id
from models.booking.waitlist import accept_offer, decline_offer
from models.core.people import Person


async def _answer(
    session: AsyncSession, person: Person, booking: Booking, coming: bool
) -> BookingView:
    """Record "coming", or cancel (the places go to the waitlist at once)."""
    if coming:
        await confirm_attendance(session, booking)
    else:
        await cancel_booking(session, booking, person)
    return await booking_view(session, saved_id(booking.id))


async def answer_reminder(
    session: AsyncSession, *, person: Person, booking_id: int, coming: bool
) -> BookingView:
    """A tap under the reminder: 1 coming, or 2 cancel it."""
    booking = await owned_booking(session, booking_id, person)
    return await _answer(session, person, booking, coming)


async def take_offer(session: AsyncSession, *, person: Person, entry_id: int) -> BookingView:
    """Accept the person's open waitlist offer: the held places become a booking."""
    return await booking_view(session, await accept_offer(session, entry_id, person))


async def answer_offer(
    session: AsyncSession, *, person: Person, entry_id: int, accept: bool
) -> BookingView | None:
    """A tap under an offer: the new booking, or None when declined (passed on at once)."""
    if accept:
        return await take_offer(session, person=person, entry_id=entry_id)
    await decline_offer(session, entry_id, person)
    return None
