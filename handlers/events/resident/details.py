"""One event's details (what, when, where, how to get there, accessibility, places for the
person's town, what to bring) and what can be done: register, register a family member, or
look at one's own registration."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.events.resident.browse import show_list
from handlers.events.resident.draft import DETAIL, events_draft, forget_registration
from handlers.events.resident.texts import details_text
from handlers.kit import Means, Option, ask, error_text, me, run
from models.events import EventDetails, EventNotFound, event_details

REGISTER_WORDS = ("报名", "参加", "我要报名", "我要参加", "sign up", "register", "join")
PROXY_WORDS = ("帮家人", "帮别人", "家人", "for someone else", "family")


async def load_details(context: TongxinContext) -> EventDetails:
    """The event looked at, for the person (``EventNotFound`` when it is gone)."""
    event_id = events_draft(context).get("event", 0)
    return await run(context, event_details, event_id=event_id, person=me(context))


def detail_options(context: TongxinContext, details: EventDetails) -> list[Option]:
    """Register (or line up when full, or look at one's registration), register someone else."""
    t = context.t
    if details.mine is not None:
        first = Option("mine", t("events_resident.action.mine"), Means(words=("我的报名",)))
    elif details.left_for_town <= 0:
        first = Option("register", t("events_resident.action.line_up"), Means(words=REGISTER_WORDS))
    else:
        first = Option(
            "register", t("events_resident.action.register"), Means(words=REGISTER_WORDS)
        )
    proxy = Option("proxy", t("events_resident.action.proxy"), Means(words=PROXY_WORDS))
    return [first, proxy]


async def show_details(update: Update, context: TongxinContext, first: str = "") -> int:
    """The details of the event chosen, then what to do."""
    data = events_draft(context)
    forget_registration(data)
    try:
        details = await load_details(context)
    except EventNotFound as error:
        return await show_list(update, context, error_text(context, error))
    text = f"{details_text(context, details)}\n\n{context.t('events_resident.details.ask')}"
    return await ask(update, context, text, detail_options(context, details), DETAIL, first=first)
