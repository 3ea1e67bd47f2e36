"""Home: /help, /cancel and /menu outside any flow, the Main menu words, and the catch-all.

Registered last, so every flow gets the first look at an update: unexpected input that no flow
took gets a gentle re-prompt with the main menu, never silence.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import TongxinContext
from bot.i18n import Catalogues
from handlers.kit import (
    MenuButton,
    MoreWords,
    Wiring,
    is_nav,
    registered,
    reply_not_registered,
    show_help,
    show_main_menu,
    show_more_menu,
)


async def cancel_command(update: Update, context: TongxinContext) -> None:
    """/cancel outside any flow: nothing to cancel, back to the menu."""
    if registered(context.person):
        await show_main_menu(update, context, "home.cancelled")
    else:
        await reply_not_registered(update, context)


async def home_button(update: Update, context: TongxinContext) -> None:
    """The 🏠 Main menu button (or the word) outside any flow."""
    if registered(context.person):
        await show_main_menu(update, context)
    else:
        await reply_not_registered(update, context)


async def fallback(update: Update, context: TongxinContext) -> None:
    """Anything unexpected outside a flow: a gentle re-prompt with the valid choices."""
    if registered(context.person):
        await show_main_menu(update, context, "home.not_understood")
    else:
        await reply_not_registered(update, context)


class HomeWords(filters.MessageFilter):
    """The 🏠 Main menu / ⬅️ Back buttons pressed outside a flow."""

    def __init__(self, i18n: Catalogues) -> None:
        super().__init__(name="HomeWords", data_filter=False)
        self._translators = [i18n.translator(lang) for lang in i18n.languages]

    def filter(self, message: Message) -> bool:
        """True for the Back or Main menu label in any language."""
        return any(
            is_nav(message.text, t, "home") or is_nav(message.text, t, "back")
            for t in self._translators
        )


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Home handlers; registered last so every flow gets the first look at an update."""
    return [
        CommandHandler("help", show_help),
        CommandHandler("cancel", cancel_command),
        CommandHandler("menu", home_button),
        MessageHandler(MenuButton(wiring.i18n, wiring.menu, "help"), show_help),
        MessageHandler(HomeWords(wiring.i18n), home_button),
        MessageHandler(MoreWords(wiring.i18n), show_more_menu),  # the menu's second page
        MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, fallback),
    ]
