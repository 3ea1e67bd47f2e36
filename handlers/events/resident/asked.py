"""A family member's request waiting for the resident's answer (in 我的活动): what was asked,
and 1 keep waiting / 2 withdraw it. Withdrawing before the answer takes the question back
(``models.events.withdraw_request``): never sent if it was not yet, else followed by the news.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.events.resident.draft import ASKED, events_draft, not_understood
from handlers.events.resident.texts import event_name, when_words
from handlers.kit import Means, Option, ask, chosen, leave, me, run
from models.core.errors import DomainError
from models.events import RequestView, request_view, withdraw_request

ASKED_KEY = "a"  # my events: a request's option key is "a<request id>"


def _words(context: TongxinContext, view: RequestView, msgid: str) -> str:
    event = view.event
    return context.t(
        msgid,
        resident=view.resident,
        name=event_name(context, event),
        when=when_words(context, event),
    )


def asked_options(context: TongxinContext, asked: list[RequestView]) -> list[Option]:
    """My events' lines for the requests waiting for an answer."""
    return [
        Option(f"{ASKED_KEY}{v.request.id}", _words(context, v, "events_resident.mine.asked"))
        for v in asked
    ]


async def show_asked(update: Update, context: TongxinContext, first: str = "") -> int:
    """The request in words; keep waiting (first) or withdraw it."""
    request_id = events_draft(context).get("request", 0)
    try:
        view = await run(context, request_view, request_id=request_id, person=me(context))
    except DomainError as error:  # answered or lapsed meanwhile, or not theirs
        return await leave(update, context, error.message_id)
    t = context.t
    options = [
        Option("keep", t("events_resident.asked.keep"), Means(yes=False)),
        Option("withdraw", t("events_resident.asked.withdraw"), destructive=True),
    ]
    text = _words(context, view, "events_resident.asked.one")
    return await ask(update, context, text, options, ASKED, first=first)


async def on_asked(update: Update, context: TongxinContext) -> int:
    """Keep waiting (the main menu), or withdraw the request."""
    key = chosen(update, context)
    if key == "keep":
        return await leave(update, context, "events_resident.asked.kept")
    if key != "withdraw":
        return await show_asked(update, context, not_understood(context))
    request_id = events_draft(context).get("request", 0)
    try:
        await run(context, withdraw_request, request_id=request_id, person=me(context))
    except DomainError as error:  # the resident answered first, or it lapsed
        return await leave(update, context, error.message_id)
    return await leave(update, context, "events_resident.asked.withdrawn")
