"""Home: the main menu, /help, /cancel, items not built yet, and the gentle catch-all."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import TongxinContext
from bot.i18n import Catalogues
from handlers.kit.common import registered, reply
from handlers.kit.menu import MAIN_MENU, MenuButton, main_menu_keyboard
from handlers.kit.ui import is_nav

# Menu items whose flows arrive with later issues; they answer politely meanwhile.
COMING_SOON = ("events", "disputes", "suggest")


async def show_main_menu(
    update: Update, context: TongxinContext, msgid: str = "home.prompt"
) -> None:
    """Show the main menu with a short line above it."""
    await reply(update, context, context.t(msgid), main_menu_keyboard(context.t))


async def help_command(update: Update, context: TongxinContext) -> None:
    """/help: what the bot does and how to get around, then the menu (or how to start)."""
    if registered(context.person):
        await reply(update, context, context.t("help.text"), main_menu_keyboard(context.t))
    else:
        await reply(update, context, context.t("help.text.new"))


async def cancel_command(update: Update, context: TongxinContext) -> None:
    """/cancel outside any flow: nothing to cancel, back to the menu."""
    if registered(context.person):
        await show_main_menu(update, context, "home.cancelled")
    else:
        await reply(update, context, context.t("help.text.new"))


async def coming_soon(update: Update, context: TongxinContext) -> None:
    """A menu item whose flow is not built yet."""
    if not registered(context.person):
        await reply(update, context, context.t("help.text.new"))
        return
    await show_main_menu(update, context, "home.coming_soon")


async def home_button(update: Update, context: TongxinContext) -> None:
    """The 🏠 Main menu button (or the word) outside any flow."""
    if registered(context.person):
        await show_main_menu(update, context)
    else:
        await reply(update, context, context.t("help.text.new"))


async def fallback(update: Update, context: TongxinContext) -> None:
    """Anything unexpected outside a flow: a gentle re-prompt with the valid choices."""
    if registered(context.person):
        await show_main_menu(update, context, "home.not_understood")
    else:
        await reply(update, context, context.t("help.text.new"))


def handlers(i18n: Catalogues) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Home handlers; registered last so every flow gets the first look at an update."""
    soon = [MessageHandler(MenuButton(i18n, key), coming_soon) for key in COMING_SOON]
    assert {key for key, _ in MAIN_MENU} >= set(COMING_SOON)
    return [
        CommandHandler("help", help_command),
        CommandHandler("cancel", cancel_command),
        CommandHandler("menu", home_button),
        MessageHandler(MenuButton(i18n, "help"), help_command),
        *soon,
        MessageHandler(HomeWords(i18n), home_button),
        MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, fallback),
    ]


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
