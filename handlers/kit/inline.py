"""Inline-keyboard admin screens: edit the tapped message in place, refuse forged taps, go home.

Used by /invite and /roles, whose callback data carries all the state, so their screens survive a
restart and every tap is re-checked.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.home.commands import show_main_menu
from handlers.kit.common import reply
from models.core.errors import DomainError

logger = logging.getLogger(__name__)

Buttons = list[list[InlineKeyboardButton]]


def nav_buttons(t: Translator, back: str, home: str) -> list[InlineKeyboardButton]:
    """The ⬅️ Back / 🏠 Main menu row, with the callback data of each."""
    return [
        InlineKeyboardButton(t("nav.back"), callback_data=back),
        InlineKeyboardButton(t("nav.home"), callback_data=home),
    ]


async def show_screen(update: Update, context: TongxinContext, text: str, buttons: Buttons) -> None:
    """Edit the tapped message into the next screen, or send it for a command."""
    markup = InlineKeyboardMarkup(buttons)
    query = update.callback_query
    if query is None:
        await reply(update, context, text, markup)
        return
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def refuse_tap(update: Update, context: TongxinContext, error: DomainError) -> None:
    """A refused tap (forged or out-of-scope data): an alert, nothing changed."""
    assert update.callback_query is not None
    logger.info("refused callback from person %s", context.person.id if context.person else None)
    await update.callback_query.answer(context.t(error.message_id, **error.params), show_alert=True)


async def leave_to_main_menu(update: Update, context: TongxinContext) -> None:
    """Drop the tapped message's inline keyboard and show the main menu."""
    query = update.callback_query
    if query is not None:
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest:
            logger.debug("inline keyboard already gone")
    await show_main_menu(update, context)
