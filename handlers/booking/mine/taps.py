"""Answers to what a booking sends on its own: the 24 h reminder and the waitlist offer.

Taps: ``bk:yes|no:<booking>`` under the reminder and ``wl:acc|dec:<entry>`` under an offer are
tap handlers among the flows (``models.booking.REMINDER_ANSWER`` and ``OFFER_ANSWER``). Each
use case loads the named booking or entry as the tapping person's own, so forged data is refused
with an alert and changes nothing. The tap does not touch the person's open screen, if any.

Typed answers: the reminder also says "回复 1 确认前往，2 取消". Outside a flow "1" and "2"
are main-menu items too (book, events), and only the database knows whether a reminder is
waiting for an answer, which a filter cannot ask. So ``answer_handlers`` run in a group of their
own (the registry's answers group: after the person loader, before the flows). The handler
takes a bare "1"/"2" only when the person has no screen open in any conversation and has an
unanswered 24 h reminder sent in the last ~26 h (``answer_waiting_reminder``); then it answers
and stops the update (``ApplicationHandlerStop``). Otherwise it does nothing, and the flows and
the main menu see the message exactly as before.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.booking.mine.texts import place
from handlers.booking.receipts import send_receipt
from handlers.kit import (
    BARE_NUMBER,
    Tap,
    all_conversations,
    drop_buttons,
    main_menu_keyboard,
    me,
    message_text,
    open_conversation,
    refuse_tap,
    registered,
    reply,
    run,
    tap_handler,
)
from models.booking import (
    OFFER_ANSWER,
    REMINDER_ANSWER,
    BookingView,
    NotYourBooking,
    answer_offer,
    answer_reminder,
    answer_waiting_reminder,
)
from models.core.errors import DomainError

COMING, NOT_COMING = 1, 2  # what the reminder asks to type


def answered_text(context: TongxinContext, view: BookingView, coming: bool) -> str:
    """期待您来 / the cancellation, with what and when."""
    return context.t("mine.coming" if coming else "mine.cancelled", **place(context, view))


async def on_reminder_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """1 确认前往 / 2 取消预约 under the 24 h reminder."""
    query = update.callback_query
    if query is None or not registered(context.person):
        await refuse_tap(update, context, NotYourBooking())
        return
    coming = tap.action == "yes"
    try:
        view = await run(
            context, answer_reminder, person=me(context), booking_id=tap.id(), coming=coming
        )
    except DomainError as error:  # not theirs, or answered / cancelled already
        await refuse_tap(update, context, error)
        return
    await drop_buttons(query)
    await reply(update, context, answered_text(context, view, coming))


async def on_offer_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """✅ 接受 (a booking and its receipt) / ❌ 不要了 (the next person is offered at once)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or not registered(context.person):
        await refuse_tap(update, context, NotYourBooking())
        return
    try:
        booked = await run(
            context, answer_offer, person=me(context), entry_id=tap.id(), accept=tap.action == "acc"
        )
    except DomainError as error:  # not theirs, or taken up, declined or lapsed already
        await refuse_tap(update, context, error)
        return
    await query.answer()
    await drop_buttons(query)
    if booked is None:
        await context.bot.send_message(chat.id, context.t("mine.offer.declined"))
    else:
        await send_receipt(context, chat.id, booked)


def _on_a_screen(update: Update, context: TongxinContext) -> bool:
    """Whether the person has a screen open in any conversation (then "1" is that screen's)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return True
    conversations = all_conversations(context.application)
    return open_conversation(conversations, chat.id, user.id) is not None


async def on_typed_answer(update: Update, context: TongxinContext) -> None:
    """A bare "1"/"2" outside any flow answers a waiting 24 h reminder; else it passes on."""
    text = message_text(update) or ""
    number = int(text) if BARE_NUMBER.match(text) else None  # int() reads "１" as 1 too
    if number not in (COMING, NOT_COMING) or not registered(context.person):
        return
    if _on_a_screen(update, context):
        return
    coming = number == COMING
    view = await run(context, answer_waiting_reminder, person=me(context), coming=coming)
    if view is None:
        return
    await reply(update, context, answered_text(context, view, coming), main_menu_keyboard(context))
    raise ApplicationHandlerStop()


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The reminder and waitlist-offer taps (among the flows)."""
    return [
        tap_handler(REMINDER_ANSWER, on_reminder_tap, refusal=NotYourBooking),
        tap_handler(OFFER_ANSWER, on_offer_tap, refusal=NotYourBooking),
    ]


def answer_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Typed reminder answers, for the group that runs before the flows."""
    return [MessageHandler(filters.TEXT & filters.Regex(BARE_NUMBER), on_typed_answer)]
