"""Creating an event: ➕ on the organiser's list opens one question a screen (``steps``), each
answer kept in the draft (``answers``); the last restates everything, and the organiser
publishes it or keeps it as a draft. The event's card follows, to publish, announce or change.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.events.staff.answers import answer, back_from, go
from handlers.events.staff.build import build_draft
from handlers.events.staff.codes import MANAGE
from handlers.events.staff.edit import invalid_text
from handlers.events.staff.manage import hand_on, show_card
from handlers.events.staff.screens import list_screen
from handlers.events.staff.steps import STATES, event_draft
from handlers.kit import (
    END,
    Screen,
    Tap,
    chosen,
    clear_draft,
    conversation,
    current_scopes,
    main_menu_keyboard,
    me,
    reply,
    requires,
    run,
    show_screen,
    tap_handler,
)
from models.core.authz import Action
from models.core.errors import DomainError
from models.events import create_event, managed_events

logger = logging.getLogger(__name__)


@requires(Action.EVENT_MANAGE)
async def start_creation(update: Update, context: TongxinContext, _tap: Tap) -> Any:
    """➕ New event: the first question (which languages the event is written in)."""
    clear_draft(context)
    return await go(update, context, STATES[0])


async def back_to_list(update: Update, context: TongxinContext) -> Any:
    """⬅️ on the first question: the organiser's list of events (nothing was kept)."""
    clear_draft(context)
    await reply(update, context, context.t("events_staff.not_created"), main_menu_keyboard(context))
    found = await run(context, managed_events, scopes=await current_scopes(context))
    await show_screen(update, context, *list_screen(context, found))
    return END


@requires(Action.EVENT_MANAGE)
async def on_confirm(update: Update, context: TongxinContext) -> Any:
    """Publish now or keep as a draft: create the event and show its card."""
    key = chosen(update, context)
    if key not in ("publish", "draft"):
        return await go(update, context, "confirm", context.t("events_staff.again.choose"))
    tz = context.services.settings.tz
    d = event_draft(context)
    try:
        event = await run(
            context, create_event, draft=build_draft(d, tz), by=me(context),
            scopes=await current_scopes(context), publish=key == "publish",
        )  # fmt: skip
    except DomainError as error:
        return await go(update, context, "confirm", invalid_text(context, error))
    logger.info("person %s created event %s (%s)", me(context).id, event.id, key)
    clear_draft(context)
    msgid = "events_staff.created.published" if key == "publish" else "events_staff.created.draft"
    await reply(update, context, context.t(msgid), main_menu_keyboard(context))
    await show_card(update, context, event.id or 0)
    return END


def creation_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """One screen per question of ``steps.STEPS``; ⬅️ goes to the question before."""
    screens = {
        key: Screen(
            answer(key) if key != "confirm" else on_confirm, back=back_from(key, back_to_list)
        )
        for key in STATES
    }
    hand_on("new", start_creation, "events_create")
    return conversation(
        "events_create",
        entry_points=[tap_handler(MANAGE, start_creation, actions=("new",))],
        screens=screens,
    )
