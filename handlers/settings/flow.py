"""/settings: language, town and community, elder mode, notice topics and how to address you.

This module wires the conversation (entry, Back and Main menu, commands, the menu's choices);
the screens themselves live in ``handlers.settings.screens``.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.kit import (
    MenuButton,
    Option,
    Step,
    Wiring,
    match_option,
    message_text,
    registered,
    reply,
    screen,
    show_main_menu,
)
from handlers.kit import show_help as help_command
from handlers.settings.screens import (
    COMMUNITY,
    ELDER,
    LANGUAGE,
    MENU,
    MENU_ITEMS,
    NAME,
    TOPICS,
    TOWN,
    ask_elder,
    ask_language,
    ask_name,
    ask_topics,
    ask_town,
    on_community,
    on_elder,
    on_language,
    on_name,
    on_topic,
    on_town,
    show_menu,
)

_BARE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")


async def _end_home(update: Update, context: TongxinContext, msgid: str = "home.prompt") -> int:
    await show_main_menu(update, context, msgid)
    return ConversationHandler.END


async def start(update: Update, context: TongxinContext) -> int:
    """Entry: /settings or the ⚙️ main menu button."""
    if not registered(context.person):
        await reply(update, context, context.t("error.not_registered"))
        return ConversationHandler.END
    return await show_menu(update, context)


def _screen(step: Step) -> Step:
    """A settings screen: ⬅️ goes back to the settings menu (from the menu: to the main menu)."""
    return screen(step, back=_end_home if step is on_menu else show_menu, home=_end_home)


async def on_menu(update: Update, context: TongxinContext) -> int:
    """A settings item was chosen."""
    t = context.t
    choice = match_option(
        message_text(update), [Option(k, t(f"settings.item.{k}")) for k in MENU_ITEMS]
    )
    if choice is None:
        return await show_menu(update, context, t("settings.not_understood"))
    return await ASK[choice.key](update, context)


async def cancel(update: Update, context: TongxinContext) -> int:
    """/cancel inside settings: leave, back to the main menu."""
    return await _end_home(update, context, "home.cancelled")


async def help_inside(update: Update, context: TongxinContext) -> int:
    """/help inside settings: leave settings and show help with the main menu."""
    await help_command(update, context)
    return ConversationHandler.END


async def menu_command(update: Update, context: TongxinContext) -> int:
    """/menu inside settings: leave, main menu."""
    return await _end_home(update, context)


ASK: dict[str, Step] = {
    "language": ask_language,
    "place": ask_town,
    "elder": ask_elder,
    "topics": ask_topics,
    "name": ask_name,
}


def handlers(wiring: Wiring) -> list[BaseHandler]:
    """The settings conversation (persistent: survives a restart)."""
    i18n = wiring.i18n
    anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    entry = MenuButton(i18n, wiring.menu, "settings")

    def state(step: Step) -> list[BaseHandler]:
        return [MessageHandler(anything, _screen(step))]

    conversation: ConversationHandler = ConversationHandler(
        entry_points=[CommandHandler("settings", start), MessageHandler(entry, start)],
        states={
            MENU: state(on_menu),
            LANGUAGE: state(on_language),
            TOWN: state(on_town),
            COMMUNITY: state(on_community),
            ELDER: state(on_elder),
            TOPICS: state(on_topic),
            NAME: state(on_name),
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("help", help_inside),
            CommandHandler("menu", menu_command),
        ],
        name="settings",
        persistent=True,
        allow_reentry=True,
    )
    return [conversation]
