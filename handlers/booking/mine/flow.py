"""我的预约与提醒 (main-menu item "mine", /mybookings): upcoming bookings, including those
made for someone else, and waitlist places; cancel, reschedule or resend a receipt.

This module wires the conversation; the screens live in ``handlers.booking.mine.screens``
(list, details, cancel), ``handlers.booking.mine.move`` (reschedule) and
``handlers.booking.mine.wait`` (a waitlist entry). Taps on reminders and waitlist offers are in
``handlers.booking.mine.taps``, ratings after a visit in ``handlers.booking.mine.feedback``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.booking.mine import feedback as my_bookings_feedback
from handlers.booking.mine import taps as booking_taps
from handlers.booking.mine.move import DAY_PAGE, ask_day, ask_slot, on_day, on_move, on_slot
from handlers.booking.mine.screens import (
    BOOKING_KEY,
    CANCEL,
    DAY,
    DETAIL,
    ENTRY,
    ENTRY_KEY,
    LIST,
    MORE,
    MOVE,
    PAGE_KEY,
    SHOWN_KEY,
    SLOT,
    chosen_booking,
    detail_options,
    end_home,
    gone,
    on_cancel,
    recall,
    resend,
    show_cancel,
    show_detail,
    show_list,
)
from handlers.booking.mine.wait import on_entry, show_entry
from handlers.kit import (
    MenuButton,
    Step,
    Wiring,
    match_option,
    message_text,
    registered,
    reply,
    screen,
)
from handlers.kit import show_help as help_command


async def start(update: Update, context: TongxinContext) -> int:
    """Entry: /mybookings or the main menu's 我的预约与提醒."""
    if not registered(context.person):
        await reply(update, context, context.t("error.not_registered"))
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[PAGE_KEY] = 0
    return await show_list(update, context)


async def on_list(update: Update, context: TongxinContext) -> int:
    """A booking or a waitlist entry was chosen (or the next page)."""
    assert context.user_data is not None
    choice = match_option(message_text(update), recall(context, SHOWN_KEY))
    if choice is None:
        return await show_list(update, context, context.t("mine.not_understood"))
    if choice.key == MORE:
        context.user_data[PAGE_KEY] = int(context.user_data.get(PAGE_KEY, 0)) + 1
        return await show_list(update, context)
    if choice.key.startswith("w"):
        context.user_data[ENTRY_KEY] = int(choice.key[1:])
        return await show_entry(update, context)
    context.user_data[BOOKING_KEY] = int(choice.key[1:])
    return await show_detail(update, context)


async def on_detail(update: Update, context: TongxinContext) -> int:
    """取消预约 / 改期 / 重发回执."""
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    choice = match_option(message_text(update), detail_options(context, view))
    if choice is None:
        return await show_detail(update, context, context.t("mine.not_understood"), brief=True)
    if choice.key == "cancel":
        return await show_cancel(update, context)
    if choice.key == "resend":
        return await resend(update, context)
    assert context.user_data is not None
    context.user_data[DAY_PAGE] = 0
    return await ask_day(update, context)


async def back_to_detail(update: Update, context: TongxinContext) -> int:
    """⬅️ from a step about the chosen booking."""
    return await show_detail(update, context)


async def help_inside(update: Update, context: TongxinContext) -> int:
    """/help inside the flow: leave it and show help with the main menu."""
    await help_command(update, context)
    return ConversationHandler.END


async def cancel_command(update: Update, context: TongxinContext) -> int:
    """/cancel: leave the flow, back to the main menu."""
    return await end_home(update, context, context.t("home.cancelled"))


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The my-bookings conversation (persistent), reminder and offer taps, and ratings."""
    i18n = wiring.i18n
    anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    # A bare "4" typed on one of our screens is that screen's choice: handlers.NumbersFromTheMenu
    entry = MenuButton(i18n, wiring.menu, "mine")

    def state(step: Step, back: Step) -> list[BaseHandler]:  # type: ignore[type-arg]
        return [MessageHandler(anything, screen(step, back=back, home=end_home))]

    conversation: ConversationHandler = ConversationHandler(  # type: ignore[type-arg]
        entry_points=[CommandHandler("mybookings", start), MessageHandler(entry, start)],
        states={
            LIST: state(on_list, end_home),
            DETAIL: state(on_detail, show_list),
            CANCEL: state(on_cancel, back_to_detail),
            DAY: state(on_day, back_to_detail),
            SLOT: state(on_slot, ask_day),
            MOVE: state(on_move, ask_slot),
            ENTRY: state(on_entry, show_list),
        },
        fallbacks=[
            CommandHandler("cancel", cancel_command),
            CommandHandler("help", help_inside),
            CommandHandler("menu", end_home),
        ],
        name="my_bookings",
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, *booking_taps.handlers(), *my_bookings_feedback.handlers(wiring)]


def answer_handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Typed "1"/"2" answers to a sent reminder; registered before the flows (see booking_taps)."""
    return booking_taps.answer_handlers()
