"""Answers to what a booking sends on its own: the 24 h reminder and the waitlist offer.

Taps: ``bk:yes|no:<booking>`` under the reminder and ``wl:acc|dec:<entry>`` under an offer are
plain callback handlers among the flows. Each tap loads the named booking or entry as the
tapping person's own (``owned_booking`` / ``open_offer``), so forged data is refused with an
alert and changes nothing. The tap does not touch the person's open screen, if any.

Typed answers: the reminder also says "回复 1 确认前往，2 取消". Outside a flow "1" and "2"
are main-menu items too (book, events), and only the database knows whether a reminder is
waiting for an answer, which a filter cannot ask. So ``answer_handlers`` run in a group of their
own (``handlers.ANSWERS_GROUP``: after the person loader, before the flows). The handler takes a
bare "1"/"2" only when the person is in no conversation and has an unanswered 24 h reminder
sent in the last ~26 h (``models.booking.notices.awaiting_answer``); then it answers and stops
the update (``ApplicationHandlerStop``). Otherwise it does nothing, and the flows and the main
menu see the message exactly as before.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import TongxinContext
from bot.timefmt import format_span
from handlers.booking.receipts import send_receipt
from handlers.kit import main_menu_keyboard, message_text, refuse_tap, registered, reply
from models.booking.bookings import (
    Booking,
    BookingNotActive,
    BookingView,
    NotYourBooking,
    booking_view,
    cancel_booking,
    confirm_attendance,
    owned_booking,
)
from models.booking.notices import awaiting_answer
from models.booking.waitlist import OfferGone, accept_offer, decline_offer
from models.core.errors import DomainError
from models.core.people import Person

logger = logging.getLogger(__name__)

REMINDER_TAP = re.compile(r"^bk:(yes|no):(\d{1,12})$")
OFFER_TAP = re.compile(r"^wl:(acc|dec):(\d{1,12})$")
BARE_ANSWER = re.compile(r"^\s*([12])\s*$")


def _me(context: TongxinContext) -> Person:
    assert context.person is not None and context.person.id is not None
    return context.person


def in_a_flow(application: Application, chat_id: int, user_id: int) -> bool:  # type: ignore[type-arg]
    """Whether the user has an open screen in any conversation (then "1" is that screen's)."""
    keys = {(chat_id, user_id), (user_id,), (chat_id,)}
    return any(
        isinstance(handler, ConversationHandler)
        and any(key in handler._conversations for key in keys)  # no public way to ask PTB
        for group in application.handlers.values()
        for handler in group
    )


async def _answer(
    context: TongxinContext, booking: Booking, coming: bool, session: AsyncSession
) -> BookingView:
    """Record "coming", or cancel (the places go to the waitlist at once)."""
    assert booking.id is not None
    if coming:
        await confirm_attendance(session, booking)
    else:
        await cancel_booking(session, booking, _me(context))
    return await booking_view(session, booking.id)


def answered_text(context: TongxinContext, view: BookingView, coming: bool) -> str:
    """期待您来 / the cancellation, with what and when."""
    lang, tz = context.lang, context.services.settings.tz
    return context.t(
        "mine.coming" if coming else "mine.cancelled",
        venue=view.venue.name(lang),
        centre=view.centre.name(lang),
        when=format_span(view.slot.starts_at, view.slot.ends_at, lang, tz),
    )


async def drop_buttons(query: CallbackQuery) -> None:
    """The question is answered: its buttons go, so an old message cannot be tapped again."""
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest:
        logger.debug("inline keyboard already gone")


async def _alert(update: Update, context: TongxinContext, error: DomainError) -> None:
    """A polite alert for a tap that came too late (nothing to do any more)."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.t(error.message_id), show_alert=True)


async def on_reminder_tap(update: Update, context: TongxinContext) -> None:
    """1 确认前往 / 2 取消预约 under the 24 h reminder."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    found = REMINDER_TAP.match(query.data or "")
    if found is None or not registered(context.person):
        await refuse_tap(update, context, NotYourBooking())
        return
    coming = found.group(1) == "yes"
    try:
        async with context.services.sessions() as session, session.begin():
            booking = await owned_booking(session, int(found.group(2)), _me(context))
            view = await _answer(context, booking, coming, session)
    except BookingNotActive as error:
        await _alert(update, context, error)
        return
    except DomainError as error:
        await refuse_tap(update, context, error)
        return
    await query.answer()
    await drop_buttons(query)
    await context.bot.send_message(update.effective_chat.id, answered_text(context, view, coming))


async def take_offer(context: TongxinContext, entry_id: int) -> BookingView:
    """Accept the person's open waitlist offer: the held places become a booking."""
    async with context.services.sessions() as session, session.begin():
        booking_id = await accept_offer(session, entry_id, _me(context))
        return await booking_view(session, booking_id)


async def on_offer_tap(update: Update, context: TongxinContext) -> None:
    """✅ 接受 (a booking and its receipt) / ❌ 不要了 (the next person is offered at once)."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    found = OFFER_TAP.match(query.data or "")
    if found is None or not registered(context.person):
        await refuse_tap(update, context, NotYourBooking())
        return
    entry_id = int(found.group(2))
    view: BookingView | None = None
    try:
        if found.group(1) == "acc":
            view = await take_offer(context, entry_id)
        else:
            async with context.services.sessions() as session, session.begin():
                await decline_offer(session, entry_id, _me(context))
    except OfferGone as error:
        await _alert(update, context, error)
        return
    except DomainError as error:
        await refuse_tap(update, context, error)
        return
    await query.answer()
    await drop_buttons(query)
    if view is None:
        await context.bot.send_message(update.effective_chat.id, context.t("mine.offer.declined"))
    else:
        await send_receipt(context, update.effective_chat.id, view)


async def on_typed_answer(update: Update, context: TongxinContext) -> None:
    """A bare "1"/"2" outside any flow answers a waiting 24 h reminder; else it passes on."""
    chat, user = update.effective_chat, update.effective_user
    text = unicodedata.normalize("NFKC", message_text(update) or "")
    found = BARE_ANSWER.match(text)
    if found is None or chat is None or user is None or not registered(context.person):
        return
    if in_a_flow(context.application, chat.id, user.id):
        return
    coming = found.group(1) == "1"
    async with context.services.sessions() as session, session.begin():
        booking = await awaiting_answer(session, _me(context))
        if booking is None:
            return
        view = await _answer(context, booking, coming, session)
    await reply(update, context, answered_text(context, view, coming), main_menu_keyboard(context))
    raise ApplicationHandlerStop()


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The reminder and waitlist-offer taps (group 0)."""
    return [
        CallbackQueryHandler(on_reminder_tap, pattern=r"^bk:"),
        CallbackQueryHandler(on_offer_tap, pattern=r"^wl:"),
    ]


def answer_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Typed reminder answers, for the group that runs before the flows."""
    return [MessageHandler(filters.TEXT & filters.Regex(r"^\s*[12１２]\s*$"), on_typed_answer)]
