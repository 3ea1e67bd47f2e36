"""Proxy booking: the proxy names the resident by phone; the resident is told, or asked.

Any registered person may book for a resident (a family member, a volunteer); the resident's
consent is the gate. With standing consent the booking holds at once and the resident gets a
text receipt through the outbox; without it ``models.booking.proxy_notices.ask_resident`` sends the
one-tap question, answered here (``px:ok|always|no:<booking>``, only by the named resident),
and the proxy is told the answer through the outbox.
"""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.context import TongxinContext
from bot.timefmt import format_span
from handlers.booking.book.screens import ask_kind, ask_phone, ask_resident, chosen, draft
from handlers.booking.receipts import error_text
from handlers.kit import message_text, refuse_tap, registered
from models.booking.bookings import (
    ACTIVE,
    Booking,
    BookingNotActive,
    NotYourBooking,
    booking_view,
)
from models.booking.proxies import answer_proxy_booking, find_resident_by_phone
from models.booking.proxy_notices import tell_proxy_answer
from models.core.errors import DomainError
from models.core.people import Person

logger = logging.getLogger(__name__)
PHONE_MAX = 40
PX_PATTERN = re.compile(r"^px:(ok|always|no):(\d+)$")


async def on_phone(update: Update, context: TongxinContext) -> int:
    """The resident's phone number; an unknown number (or one's own) is asked again."""
    text = (message_text(update) or "").strip()
    if not text:
        return await ask_phone(update, context, context.t("booking.phone.not_text"))
    assert context.person is not None
    try:
        async with context.services.sessions() as session:
            resident = await find_resident_by_phone(session, context.person, text[:PHONE_MAX])
    except DomainError as error:
        return await ask_phone(update, context, error_text(context, error))
    data = draft(context)
    data["resident_id"], data["resident_name"] = resident.id, resident.display_name or "—"
    return await ask_resident(update, context)


async def on_resident(update: Update, context: TongxinContext) -> int:
    """Yes, this is the resident; or no, type the number again."""
    key = chosen(update, context)
    if key is None:
        return await ask_resident(update, context, context.t("booking.not_understood"))
    if key == "no":
        draft(context).pop("resident_id", None)
        return await ask_phone(update, context)
    return await ask_kind(update, context)


async def on_proxy_answer(update: Update, context: TongxinContext) -> None:
    """The resident's one tap on a proxy booking; anyone else's tap is refused."""
    query = update.callback_query
    assert query is not None and context.match is not None
    answer, booking_id = context.match.group(1), int(context.match.group(2))
    if not registered(context.person):
        await refuse_tap(update, context, NotYourBooking())
        return
    assert context.person is not None
    try:
        async with context.services.sessions() as session, session.begin():
            resident = await session.get(Person, context.person.id)
            assert resident is not None
            booking = await answer_proxy_booking(session, booking_id, resident, answer)
            await tell_proxy_answer(session, booking, resident, agreed=answer != "no")
            view = await booking_view(session, booking_id)
            proxy = await session.get(Person, booking.booked_by_id or 0)
    except BookingNotActive as error:
        await _answered_before(update, context, booking_id, error)
        return
    except DomainError as error:
        await refuse_tap(update, context, error)
        return
    logger.info("person %s answered %s to proxy booking %s", resident.id, answer, booking_id)
    msgid = (
        "proxy.answered.no"
        if answer == "no"
        else "proxy.answered.always"
        if answer == "always"
        else "proxy.answered.ok"
    )
    tz = context.services.settings.tz
    text = context.t(
        msgid,
        proxy=(proxy.display_name if proxy else None) or "—",
        venue=view.venue.name(context.lang),
        centre=view.centre.name(context.lang),
        when=format_span(view.slot.starts_at, view.slot.ends_at, context.lang, tz),
    )
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=None)
    except BadRequest:
        logger.debug("proxy question could not be edited; sending the answer instead")
        await context.bot.send_message(query.from_user.id, text)


async def _answered_before(
    update: Update, context: TongxinContext, booking_id: int, error: DomainError
) -> None:
    """A second tap: "already answered" while the booking stands, else "no longer active"."""
    async with context.services.sessions() as session:
        booking = await session.get(Booking, booking_id)
    if booking is not None and booking.status in ACTIVE:
        assert update.callback_query is not None
        await update.callback_query.answer(context.t("proxy.answered.already"), show_alert=True)
        return
    await refuse_tap(update, context, error)


def proxy_answer_handler() -> CallbackQueryHandler:  # type: ignore[type-arg]
    """The resident's answer to a proxy booking."""
    return CallbackQueryHandler(on_proxy_answer, pattern=PX_PATTERN)
