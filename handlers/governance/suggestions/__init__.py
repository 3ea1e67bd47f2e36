"""Suggestions (意见建议), a part of governance: the residents' flow (the 意见建议 menu item
and /suggest, with 我的建议 inside) and the concerned town's admins' queue (/suggestions)."""

from telegram.ext import BaseHandler, CommandHandler

from bot.i18n import N_
from handlers.governance.suggestions.flow import MENU_KEY, handlers
from handlers.governance.suggestions.queue import on_queue_tap, suggestions_command
from handlers.governance.suggestions.typed import typed_conversation
from handlers.kit import Feature, MenuEntry, Wiring, tap_handler
from models.governance import SUGGESTION

WORDS = ("建议", "意见", "suggestion", "suggestions")


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        *handlers(wiring),
        typed_conversation(),
        tap_handler(SUGGESTION, on_queue_tap, actions=("list", "open", "home")),
        CommandHandler("suggestions", suggestions_command),
    ]


PART = Feature(
    name="suggestions",
    handlers=_handlers,
    menu=[MenuEntry(MENU_KEY, N_("menu.suggest"), 50, WORDS)],
    callbacks=[SUGGESTION],
)

__all__ = ["PART"]
