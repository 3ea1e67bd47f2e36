"""Joint events. This FEATURE holds the staff side only (``handlers.events.staff``); the
resident side (the 联合活动 menu, listing, registration, my events) merges in here later.

``/events`` opens the organiser's list for staff who may manage events; for anyone else it
says the resident side is coming (the resident FEATURE replaces that answer).
"""

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from handlers.events.staff import (
    STAFF_CALLBACKS,
    STAFF_CHECKIN,
    STAFF_DEEP_LINKS,
    STAFF_QUESTIONS,
    manage_command,
    may_manage_events,
    staff_handlers,
)
from handlers.kit import Feature, Wiring, current_scopes, registered, show_main_menu
from jobs.events import JOBS


async def events_command(update: Update, context: TongxinContext) -> None:
    """/events: the organiser's list for staff; the resident side is not merged yet."""
    if registered(context.person) and may_manage_events(await current_scopes(context)):
        await manage_command(update, context)
        return
    await show_main_menu(update, context, "home.coming_soon")


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [*staff_handlers(wiring), CommandHandler("events", events_command)]


FEATURE = Feature(
    name="events",
    handlers=_handlers,
    questions=STAFF_QUESTIONS,
    jobs=JOBS,
    deep_links=STAFF_DEEP_LINKS,
    callbacks=STAFF_CALLBACKS,
    checkin=STAFF_CHECKIN,
)

__all__ = ["FEATURE"]
