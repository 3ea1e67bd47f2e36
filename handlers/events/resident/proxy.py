"""Registering a family member (or a resident one helps): found by the phone number they
registered with, confirmed ("is this them?"), then the same steps as for oneself.

Booking's rules apply (``models.booking``: lookups limited per hour, the name masked until
the resident agreed). With the resident's standing consent (given when they answered "yes,
and from now on" once, in booking or here) the registration goes through at once and the
resident gets the receipt by message. Without it the last step asks the resident instead
(``models.events.register_or_ask``): they get one urgent question in their own language,
1 yes this time / 2 yes, and from now on / 3 no, and this screen says "we have asked 王*姨;
we will tell you the answer". The answer comes to the proxy by message; until then the
request is in 我的活动, where the proxy may withdraw it. A request holds no places: a yes
registers the resident by the usual rules, confirmed or in the waiting line (docs/events.md).
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.events.resident.details import load_details, show_details
from handlers.events.resident.draft import PHONE, RESIDENT, events_draft, not_understood
from handlers.events.resident.register import start_register
from handlers.kit import (
    Means,
    Option,
    ask,
    chosen,
    error_text,
    leave,
    me,
    message_text,
    prompt,
    run,
)
from models.booking import ResidentNotFound, TooManyLookups, resident_by_phone
from models.events import EventNotFound


async def ask_phone(update: Update, context: TongxinContext, first: str = "") -> int:
    """The resident's phone number, typed."""
    text = prompt(context, "events_resident.ask_phone")
    return await ask(update, context, text, [], PHONE, first=first)


async def on_phone(update: Update, context: TongxinContext) -> int:
    """The number: the resident it belongs to, asked back; unknown numbers are asked again."""
    text = (message_text(update) or "").strip()
    if not text:
        return await ask_phone(update, context, context.t("events_resident.phone.not_text"))
    per_hour = context.services.settings.proxy_lookups_per_hour
    found = await run(context, resident_by_phone, person=me(context), phone=text, per_hour=per_hour)
    resident = found.resident
    if resident is None:
        refused = found.refused or ResidentNotFound()
        if isinstance(refused, TooManyLookups):
            return await show_details(update, context, error_text(context, refused))
        return await ask_phone(update, context, error_text(context, refused))
    data = events_draft(context)
    data["resident_id"], data["resident_name"] = resident.id, resident.name
    t = context.t
    town = resident.town.name(context.lang) if resident.town else "—"
    options = [
        Option("yes", t("events_resident.resident.yes"), Means(yes=True)),
        Option("no", t("events_resident.resident.no"), Means(yes=False)),
    ]
    question = t("events_resident.ask_resident", name=resident.name, town=town)
    return await ask(update, context, question, options, RESIDENT)


async def on_resident(update: Update, context: TongxinContext) -> int:
    """Yes: register them (how many, …); no: the number again."""
    key, data = chosen(update, context), events_draft(context)
    if key == "no":
        data.pop("resident_id", None)
        data.pop("resident_name", None)
        return await ask_phone(update, context)
    if key != "yes":
        return await ask_phone(update, context, not_understood(context))
    try:
        details = await load_details(context)
    except EventNotFound as error:
        return await leave(update, context, error.message_id)
    return await start_register(update, context, details)
