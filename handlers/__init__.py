"""Telegram flows, one module per flow; each exposes ``handlers(i18n)``, its one builder."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.context import TongxinApplication
from handlers import home, onboarding, privacy, roles, settings
from handlers.common import load_person

# Order matters: the first handler that accepts an update in group 0 handles it, so flows
# (conversations) come first and home's catch-all comes last.
FLOWS = (onboarding, settings, privacy, roles, home)


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    """Add the person loader and every flow's handlers to the application."""
    assert isinstance(application, TongxinApplication)
    i18n = application.services.i18n
    application.add_handler(TypeHandler(Update, load_person), group=-1)
    for flow in FLOWS:
        application.add_handlers(flow.handlers(i18n), group=0)
