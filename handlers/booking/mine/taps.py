"""Answers to what a booking sends on its own: the 24 h reminder and the waitlist offer.

Taps: ``bk:yes|no:<booking>`` under the reminder and ``wl:acc|dec:<entry>`` under an offer are
tap handlers among the flows (``models.booking.REMINDER_ANSWER`` and ``OFFER_ANSWER``). Each
use case loads the named booking or entry as the tapping person's own, so forged data is refused
with an alert and changes nothing. The tap does not touch the person's open screen, if any.

Typed answers: the reminder ("回复 1 确认前往，2 取消") and the offer are questions
(``models.booking.notices``): delivered, each is the person's current screen with its own
numbered reply keyboard, whatever screen was open before (``handlers.kit.current``), and the
choice typed or tapped there comes to ``QUESTIONS``. The inline buttons above answer the
reminders and offers sent before they became questions.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from handlers.booking.mine.texts import place
from handlers.booking.receipts import send_receipt
from handlers.kit import (
    Question,
    Tap,
    drop_buttons,
    error_text,
    main_menu_keyboard,
    me,
    parse_id,
    refuse_tap,
    registered,
    reply,
    run,
    show_main_menu,
    tap_handler,
)
from models.booking import (
    OFFER_ANSWER,
    OFFER_QUESTION,
    REMINDER_ANSWER,
    REMINDER_QUESTION,
    BookingView,
    NotYourBooking,
    answer_offer,
    answer_reminder,
)
from models.core.errors import DomainError


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


async def on_reminder_answer(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 确认前往 / 2 取消预约, typed or tapped on the 24 h reminder (the current screen)."""
    coming = choice == "yes"
    try:
        view = await run(
            context,
            answer_reminder,
            person=me(context),
            booking_id=parse_id(subject) or 0,
            coming=coming,
        )
    except DomainError as error:  # answered or cancelled already (e.g. in 我的预约)
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    await reply(update, context, answered_text(context, view, coming), main_menu_keyboard(context))


async def on_offer_answer(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 ✅ 接受 (a booking and its receipt) / 2 ❌ 不要了, typed or tapped on the offer."""
    chat = update.effective_chat
    try:
        booked = await run(
            context,
            answer_offer,
            person=me(context),
            entry_id=parse_id(subject) or 0,
            accept=choice == "acc",
        )
    except DomainError as error:  # taken up, declined or lapsed already
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    if booked is not None and chat is not None:
        await send_receipt(context, chat.id, booked)
        await show_main_menu(update, context)
    else:
        await show_main_menu(update, context, "mine.offer.declined")


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The reminder and waitlist-offer taps (among the flows)."""
    return [
        tap_handler(REMINDER_ANSWER, on_reminder_tap, refusal=NotYourBooking),
        tap_handler(OFFER_ANSWER, on_offer_tap, refusal=NotYourBooking),
    ]


QUESTIONS = (
    Question(REMINDER_QUESTION, on_reminder_answer),
    Question(OFFER_QUESTION, on_offer_answer),
)
