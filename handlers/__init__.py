"""Telegram flows, one module per flow; each exposes ``handlers(i18n)``, its one builder."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    TypeHandler,
)

from bot.context import TongxinApplication
from handlers import broadcast, home, invites, onboarding, privacy, roles, settings
from handlers.common import closing_other_flows, load_person

# Order matters: the first handler that accepts an update in group 0 handles it, so flows
# (conversations) come first and home's catch-all comes last.
FLOWS = (onboarding, settings, privacy, invites, roles, broadcast, home)
# Commands that answer without taking the user anywhere, so an open screen stays open.
PASSIVE_COMMANDS = frozenset({"help", "mydata"})


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    """Add the person loader and every flow's handlers to the application."""
    assert isinstance(application, TongxinApplication)
    i18n = application.services.i18n
    application.add_handler(TypeHandler(Update, load_person), group=-1)
    for flow in FLOWS:
        flow_handlers = flow.handlers(i18n)
        for handler in flow_handlers:
            _close_others_on_entry(handler)
        application.add_handlers(flow_handlers, group=0)


def _close_others_on_entry(handler: BaseHandler) -> None:  # type: ignore[type-arg]
    """An abandoned screen of one flow must not swallow the answers meant for the next flow.

    Entering a conversation, or any navigating command, ends the user's other open screens.
    """
    if isinstance(handler, ConversationHandler) and handler.name:
        for entry in handler.entry_points:
            entry.callback = closing_other_flows(handler.name, entry.callback)
    elif isinstance(handler, CommandHandler) and not handler.commands & PASSIVE_COMMANDS:
        handler.callback = closing_other_flows("", handler.callback)
