"""The staff exchange roster (挂职): admins keep it with /roster; residents ask "who is on
duty at this centre today" from the main menu's 👥 item (or by saying 值班 / 谁在 / on duty)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler

from bot.i18n import N_
from handlers.governance.roster import duty
from handlers.governance.roster.add import add_conversation
from handlers.governance.roster.manage import on_roster_tap, roster_command
from handlers.kit import Feature, MenuEntry, Wiring, tap_handler
from models.governance import ROSTER

DUTY_WORDS = ("值班", "谁值班", "谁在", "谁在值班", "挂职", "on duty", "who is on duty")


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    # Order matters: ➕ enters the add flow before the other ``ro:`` taps are routed.
    return [
        *duty.handlers(wiring),
        add_conversation(),
        CommandHandler("roster", roster_command),
        tap_handler(ROSTER, on_roster_tap),
    ]


PART = Feature(
    name="roster",
    handlers=_handlers,
    menu=[MenuEntry(duty.MENU_KEY, N_("menu.onduty"), 75, DUTY_WORDS)],
    callbacks=[ROSTER],
)

__all__ = ["PART"]
