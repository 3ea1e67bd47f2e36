"""联合活动 (main-menu item "events", /events; /myevents for my events): the resident's one
conversation, from the list of events to a registration, and my events.

Screens, one question each, numbered buttons and ⬅️/🏠: the list (→ other ways to look →
a topic) → the details → (a family member: their phone → "is this them?") → how many → the
registration question → confirm (or, when full, line up) → the receipt (or, for a resident
without standing consent, "we have asked them"). My events: the list → one registration →
cancel / change how many; or a request waiting for the resident's answer → withdraw it.
Each step calls one use case of ``models.events``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from handlers.events.resident import answers
from handlers.events.resident.asked import on_asked
from handlers.events.resident.browse import (
    ask_filter,
    back_from_list,
    on_filter,
    on_topic,
    picked_event,
    show_list,
    start_events,
)
from handlers.events.resident.details import load_details, show_details
from handlers.events.resident.draft import (
    ANSWER,
    ASKED,
    CANCEL,
    CHANGE,
    CONFIRM,
    DETAIL,
    FILTER,
    FILTER_KEY,
    LIST,
    MINE,
    MINE_KEY,
    MY_ONE,
    NEXT,
    PARTY,
    PHONE,
    RESIDENT,
    TOPIC,
    WAITLIST,
    events_draft,
    not_understood,
)
from handlers.events.resident.mine import (
    back_to_mine,
    back_to_one,
    on_cancel,
    on_change,
    on_mine,
    on_one,
    show_mine,
)
from handlers.events.resident.proxy import ask_phone, on_phone, on_resident
from handlers.events.resident.register import (
    back_from_answer,
    back_from_confirm,
    on_answer,
    on_confirm,
    on_party,
    start_register,
)
from handlers.kit import (
    Feature,
    Screen,
    Wiring,
    chosen,
    clear_draft,
    conversation,
    entry_points,
    error_text,
    leave,
    me,
    registered,
)
from models.events import EventNotFound

FLOW = "events"


async def on_list(update: Update, context: TongxinContext) -> int:
    """An event (its details), the next page, other ways to look, or my events."""
    key, data = chosen(update, context), events_draft(context)
    if key == NEXT:
        data["page"] = data.get("page", 0) + 1
        return await show_list(update, context)
    if key == FILTER_KEY:
        return await ask_filter(update, context)
    if key == MINE_KEY:
        return await show_mine(update, context)
    event_id = picked_event(key)
    if event_id is None:
        return await show_list(update, context, not_understood(context))
    data["event"] = event_id
    return await show_details(update, context)


async def on_detail(update: Update, context: TongxinContext) -> int:
    """报名 (or line up), 帮家人报名, or my registration for it."""
    key = chosen(update, context)
    if key is None:
        return await show_details(update, context, not_understood(context))
    try:
        details = await load_details(context)
    except EventNotFound as error:
        return await show_list(update, context, error_text(context, error))
    if key == "proxy":
        return await ask_phone(update, context)
    if key == "mine" and details.mine is not None:
        events_draft(context)["registration"] = details.mine.id or 0
        return await back_to_one(update, context)
    return await start_register(update, context, details)


async def start_mine(update: Update, context: TongxinContext) -> int:
    """/myevents: my events at once."""
    clear_draft(context)
    if not registered(context.person) or me(context).id is None:
        return await leave(update, context)
    return await show_mine(update, context)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The events conversation (persistent) and the rating's comment conversation."""
    return [
        conversation(
            FLOW,
            entry_points=[
                *entry_points(wiring, start_events, command="events", menu="events"),
                *entry_points(wiring, start_mine, command="myevents", menu="events")[:1],
            ],
            screens={
                LIST: Screen(on_list, back=back_from_list),
                FILTER: Screen(on_filter, back=show_list),
                TOPIC: Screen(on_topic, back=ask_filter),
                DETAIL: Screen(on_detail, back=show_list),
                PHONE: Screen(on_phone, back=show_details),
                RESIDENT: Screen(on_resident, back=ask_phone),
                PARTY: Screen(on_party, back=show_details),
                ANSWER: Screen(on_answer, back=back_from_answer),
                CONFIRM: Screen(on_confirm, back=back_from_confirm),
                WAITLIST: Screen(on_confirm, back=back_from_confirm),
                MINE: Screen(on_mine, back=show_list),
                MY_ONE: Screen(on_one, back=back_to_mine),
                CANCEL: Screen(on_cancel, back=back_to_one),
                CHANGE: Screen(on_change, back=back_to_one),
                ASKED: Screen(on_asked, back=back_to_mine),
            },
        ),
        *answers.handlers(),
    ]


PART = Feature(name="events_resident", handlers=handlers, questions=answers.QUESTIONS)
__all__ = ["PART"]
