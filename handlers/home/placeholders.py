"""Main-menu items whose flows arrive with later work: each is a feature that says so politely.

When a domain lands (events, suggestions; disputes has), its package's ``FEATURE`` takes the menu
entry and the placeholder goes from ``PLACEHOLDERS``; nothing else changes.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler

from bot.context import TongxinContext
from handlers.kit import (
    Feature,
    MenuButton,
    MenuEntry,
    Wiring,
    registered,
    reply_not_registered,
    show_main_menu,
)


async def coming_soon(update: Update, context: TongxinContext) -> None:
    """A menu item whose flow is not built yet."""
    if not registered(context.person):
        await reply_not_registered(update, context)
        return
    await show_main_menu(update, context, "home.coming_soon")


def placeholder(key: str, label: str, order: int, words: tuple[str, ...] = ()) -> Feature:
    """A feature that only holds a main-menu place and answers "coming soon"."""

    def build(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
        return [MessageHandler(MenuButton(wiring.i18n, wiring.menu, key), coming_soon)]

    return Feature(name=f"{key}_soon", handlers=build, menu=[MenuEntry(key, label, order, words)])


# Every placeholder's domain has landed (suggestions last); the mechanism stays for the next.
PLACEHOLDERS: tuple[Feature, ...] = ()
