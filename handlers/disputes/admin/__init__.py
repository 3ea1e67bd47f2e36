"""A town admin's disputes settings (/mediation): the SLA timings and which mediators take which
category. The disputes FEATURE (``handlers.disputes``) includes ``admin_handlers``."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler

from handlers.disputes.admin.taps import mediation_command, on_settings_tap, settings_conversation
from handlers.kit import tap_handler
from models.disputes import TOWN_SETTINGS


def admin_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The settings conversation (a typed timing), the other taps and /mediation."""
    return [
        settings_conversation(),
        tap_handler(TOWN_SETTINGS, on_settings_tap),
        CommandHandler("mediation", mediation_command),
    ]


__all__ = ["admin_handlers"]
