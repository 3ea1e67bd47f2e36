"""预约场地/服务: book a venue or service, for oneself or (as a proxy) for a resident.

Screens, one question each, with numbered buttons and ⬅️/🏠: for whom → (proxy: the resident's
phone, then "is this them?") → what (six kinds) → where (a town's centres, or any centre of both
towns) → which day (今天/明天/后天/weekdays/more; or "⚡ nearest free slots") → which slot →
how many (venues taking parties) → confirm → receipt (text, ``.ics``, check-in QR code).

Waitlist design: a day lists only its slots with places left; when none is free but some are
full, the full ones are listed ("已满，可候补") and picking one asks "join the waitlist?". A slot
that fills up between listing and confirming (two hundred people at once for forty seats) is
refused by the database at confirm, and the person gets the same "full, join the waitlist?".
Rules are checked when a slot is picked and again, authoritatively, by
``models.booking.bookings.book``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.booking.book.confirm import ConfirmWords, on_confirm, on_waitlist, repeated_confirm
from handlers.booking.book.proxy import on_phone, on_resident, proxy_answer_handler
from handlers.booking.book.screens import (
    CONFIRM,
    DAY,
    DRAFT,
    KIND,
    PARTY,
    PHONE,
    PLACE,
    RESIDENT,
    SLOT,
    WAITLIST,
    WHO,
    ask_day,
    ask_kind,
    ask_phone,
    ask_place,
    ask_who,
    draft,
)
from handlers.booking.book.search import show_slots
from handlers.booking.book.steps import (
    back_from_confirm,
    end_home,
    on_day,
    on_kind,
    on_party,
    on_place,
    on_slot,
    on_who,
)
from handlers.kit import MenuButton, Step, Wiring, registered, reply, screen
from handlers.kit import show_help as help_command


async def start(update: Update, context: TongxinContext) -> int:
    """Entry: /book or the 📅 main menu button (registered people only)."""
    if not registered(context.person):
        await reply(update, context, context.t("error.not_registered"))
        return ConversationHandler.END
    draft(context).clear()
    return await ask_who(update, context)


async def _back_to_main(update: Update, context: TongxinContext) -> int:
    return await end_home(update, context)


async def _back_from_kind(update: Update, context: TongxinContext) -> int:
    return await ask_who(update, context)


async def _back_from_slot_step(update: Update, context: TongxinContext) -> int:
    return await show_slots(update, context)


STEPS: dict[int, Step] = {
    WHO: on_who,
    PHONE: on_phone,
    RESIDENT: on_resident,
    KIND: on_kind,
    PLACE: on_place,
    DAY: on_day,
    SLOT: on_slot,
    PARTY: on_party,
    CONFIRM: on_confirm,
    WAITLIST: on_waitlist,
}
BACK: dict[int, Step] = {
    WHO: _back_to_main,
    PHONE: ask_who,
    RESIDENT: ask_phone,
    KIND: _back_from_kind,
    PLACE: ask_kind,
    DAY: ask_place,
    SLOT: ask_day,
    PARTY: _back_from_slot_step,
    CONFIRM: back_from_confirm,
    WAITLIST: _back_from_slot_step,
}


async def cancel(update: Update, context: TongxinContext) -> int:
    """/cancel: drop the draft, main menu."""
    return await end_home(update, context, "home.cancelled")


async def help_inside(update: Update, context: TongxinContext) -> int:
    """/help: leave the flow and show help."""
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await help_command(update, context)
    return ConversationHandler.END


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The booking conversation (persistent), the repeated-confirm answer, the proxy taps."""
    i18n = wiring.i18n
    anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    conversation: ConversationHandler = ConversationHandler(  # type: ignore[type-arg]
        entry_points=[
            CommandHandler("book", start),
            MessageHandler(MenuButton(i18n, wiring.menu, "book"), start),
        ],
        states={
            state: [MessageHandler(anything, screen(step, back=BACK[state], home=end_home))]
            for state, step in STEPS.items()
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("help", help_inside),
            CommandHandler("menu", end_home),
        ],
        name="booking",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        MessageHandler(ConfirmWords(i18n), repeated_confirm),
        proxy_answer_handler(),
    ]
