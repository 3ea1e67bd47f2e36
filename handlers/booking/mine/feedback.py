"""After the visit: the one-tap rating (``rate:<booking>:<n>``) and an optional comment.

The tap stores the rating at once, then a small conversation asks for a few words, typed or
spoken (a voice message is kept by its Telegram ``file_id``), with 不用了 / ⬅️ / 🏠 to skip.
Only the resident of an attended booking may rate it; anyone else's tap is refused unchanged.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import TongxinContext
from handlers.booking.mine.taps import drop_buttons
from handlers.kit import (
    Option,
    Wiring,
    choice_keyboard,
    main_menu_keyboard,
    match_option,
    message_text,
    refuse_tap,
    registered,
    reply,
    screen,
)
from handlers.kit import show_help as help_command
from models.booking.feedback import COMMENT_MAX, NotRateable, add_comment, rate
from models.core.errors import DomainError

COMMENT = 0
RATE_TAP = re.compile(r"^rate:(\d{1,12}):(\d)$")
BOOKING_KEY = "feedback.booking"


def _skip(context: TongxinContext) -> list[Option]:
    return [Option("skip", context.t("feedback.skip"))]


async def _end(update: Update, context: TongxinContext, msgid: str) -> int:
    await reply(update, context, context.t(msgid), main_menu_keyboard(context))
    return ConversationHandler.END


async def skipped(update: Update, context: TongxinContext) -> int:
    """No comment (不用了, ⬅️, 🏠 or /menu): thanks, and the main menu."""
    return await _end(update, context, "feedback.skipped")


async def on_rate(update: Update, context: TongxinContext) -> int:
    """1–5 stars tapped: store the rating, then invite a comment."""
    query = update.callback_query
    assert query is not None
    found = RATE_TAP.match(query.data or "")
    if found is None or not registered(context.person):
        await refuse_tap(update, context, NotRateable())
        return ConversationHandler.END
    assert context.person is not None and context.user_data is not None
    booking_id, stars = int(found.group(1)), int(found.group(2))
    try:
        async with context.services.sessions() as session, session.begin():
            await rate(session, booking_id, context.person, stars)
    except DomainError as error:
        await refuse_tap(update, context, error)
        return ConversationHandler.END
    context.user_data[BOOKING_KEY] = booking_id
    await drop_buttons(query)  # the reply below answers the tap
    return await ask_comment(update, context, context.t("feedback.thanks", stars=stars))


async def ask_comment(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """想说几句吗？ typed or spoken; 不用了 to skip."""
    text = context.t("feedback.ask_comment")
    text = f"{lead}\n\n{text}" if lead else text
    await reply(update, context, text, choice_keyboard(_skip(context), context.t))
    return COMMENT


async def on_comment(update: Update, context: TongxinContext) -> int:
    """Keep a text or voice comment; anything else (a sticker, a photo, too long) re-asks."""
    message = update.message
    if message is None:
        return COMMENT
    text = message_text(update)
    if match_option(text, _skip(context)) is not None:
        return await skipped(update, context)
    voice = message.voice.file_id if message.voice else None
    if voice is None and not (text or "").strip():
        return await ask_comment(update, context, context.t("feedback.not_understood"))
    if text is not None and len(text.strip()) > COMMENT_MAX:
        return await ask_comment(update, context, context.t("feedback.too_long", max=COMMENT_MAX))
    assert context.person is not None and context.user_data is not None
    booking_id = int(context.user_data.get(BOOKING_KEY) or 0)
    try:
        async with context.services.sessions() as session, session.begin():
            await add_comment(session, booking_id, context.person, text=text, voice_file_id=voice)
    except DomainError as error:
        await reply(update, context, context.t(error.message_id), main_menu_keyboard(context))
        return ConversationHandler.END
    return await _end(update, context, "feedback.saved")


async def help_inside(update: Update, context: TongxinContext) -> int:
    """/help: leave the comment and show help with the main menu."""
    await help_command(update, context)
    return ConversationHandler.END


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The rating tap and the comment conversation (persistent)."""
    anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    return [
        ConversationHandler(  # type: ignore[type-arg]
            entry_points=[CallbackQueryHandler(on_rate, pattern=r"^rate:")],
            states={
                COMMENT: [MessageHandler(anything, screen(on_comment, back=skipped, home=skipped))]
            },
            fallbacks=[
                CommandHandler("cancel", skipped),
                CommandHandler("help", help_inside),
                CommandHandler("menu", skipped),
            ],
            name="booking_feedback",
            persistent=True,
            allow_reentry=True,
        )
    ]
