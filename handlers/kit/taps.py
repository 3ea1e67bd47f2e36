"""Inline buttons: route taps by callback code, refuse forged ones, edit the screen in place.

A tap is parsed once, by the code that wrote it (``models.core.callbacks``): ``tap_handler``
routes every tap of a code's prefix to one callback with the parsed ``Tap``; data the code could
not have produced (forged, stale, cut short) gets a polite alert and changes nothing. A callback
guarded by ``@requires`` has its role checked first, before the data is parsed. A tap that no
handler takes at all (an old button, a removed feature's, junk) goes to ``answer_stale_tap``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Coroutine
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.kit.drafts import clear_draft
from handlers.kit.menu import main_menu_keyboard, show_main_menu
from handlers.kit.person import registered, requires
from handlers.kit.ptb import end_conversations
from handlers.kit.replies import error_text, reply, start_keyboard
from models.core.callbacks import CallbackCode, Tap
from models.core.errors import DomainError, NotFound

logger = logging.getLogger(__name__)

Buttons = list[list[InlineKeyboardButton]]
TapCallback = Callable[[Update, TongxinContext, Tap], Coroutine[Any, Any, Any]]


def tap_handler(
    code: CallbackCode,
    callback: TapCallback,
    *,
    refusal: type[DomainError] = NotFound,
    actions: Collection[str] | None = None,
) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """Route every tap with ``code``'s prefix (or only its ``actions``) to ``callback``, parsed,
    refusing bad data.

    A ``@requires`` callback's role check comes before the parsing, so someone without the role
    is told so whatever the data (forged data teaches them nothing about what exists).
    """

    async def on_tap(update: Update, context: TongxinContext) -> Any:
        query = update.callback_query
        tap = code.parse(query.data if query else None)
        if tap is None:
            await refuse_tap(update, context, refusal())
            return None
        return await callback(update, context, tap)

    on_tap.__name__ = getattr(callback, "__name__", "on_tap")
    on_tap.__doc__ = callback.__doc__
    handled: Any = on_tap
    if hasattr(callback, "required_action"):  # @requires: check it first, visibly to the matrix
        handled = requires(callback.required_action)(on_tap)
    pattern = code.pattern
    if actions is not None:
        pattern = rf"^{re.escape(code.prefix)}:({'|'.join(map(re.escape, actions))})(:|$)"
    return CallbackQueryHandler(handled, pattern=pattern)


def nav_buttons(t: Translator, back: str, home: str) -> list[InlineKeyboardButton]:
    """The ⬅️ Back / 🏠 Main menu row, with the callback data of each."""
    return [
        InlineKeyboardButton(t("nav.back"), callback_data=back),
        InlineKeyboardButton(t("nav.home"), callback_data=home),
    ]


def page_rows(
    t: Translator, page: int, pages: int, more: Callable[[int], str], *, back: str, home: str
) -> Buttons:
    """The rows under an inline list: "more" (its data from ``more(next page)``), then ⬅️/🏠."""
    rows: Buttons = []
    if pages > 1:  # the next page, and from the last back to the first
        next_page = more((page + 1) % pages)
        rows.append([InlineKeyboardButton(t("nav.more"), callback_data=next_page)])
    rows.append(nav_buttons(t, back, home))
    return rows


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
    """A refused tap (forged, stale or out-of-scope data): an alert, nothing changed."""
    logger.info("refused callback from person %s", context.person.id if context.person else None)
    if update.callback_query is not None:
        await update.callback_query.answer(error_text(context, error), show_alert=True)


async def drop_buttons(query: CallbackQuery) -> None:
    """The question is answered: its buttons go, so an old message cannot be tapped again."""
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest:
        logger.debug("inline keyboard already gone")


async def leave_to_main_menu(update: Update, context: TongxinContext) -> None:
    """Drop the tapped message's inline keyboard and show the main menu."""
    if update.callback_query is not None:
        await drop_buttons(update.callback_query)
    await show_main_menu(update, context)


async def answer_stale_tap(update: Update, context: TongxinContext) -> None:
    """A tap no handler took: say the button has expired (its one answer), then the main menu.

    The menu replaces whatever screen was open, so that screen is closed too. Someone not
    registered is told how to start instead; outside a private chat the answer is all.
    """
    query = update.callback_query
    if query is None:
        return
    logger.info("stale callback from person %s", context.person.id if context.person else None)
    await query.answer(context.t("home.button_expired"))
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    if not registered(context.person):
        await context.bot.send_message(
            chat.id, context.t("help.text.new"), reply_markup=start_keyboard(context)
        )
        return
    end_conversations(context.application, chat.id, user.id)
    clear_draft(context)
    text, menu = context.t("home.button_expired.menu"), main_menu_keyboard(context)
    await context.bot.send_message(chat.id, text, reply_markup=menu)
