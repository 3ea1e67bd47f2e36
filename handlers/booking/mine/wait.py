"""我的预约与提醒: one waitlist place — where the person stands, take up an offer, or leave."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_span, format_when
from handlers.booking.mine.screens import ENTRY_SCREEN, gone, mine_draft, show_list
from handlers.booking.receipts import send_receipt
from handlers.kit import Option, ask, chosen, error_text, leave, me, run
from models.booking import ItemGone, entry_view, leave_queue, take_offer
from models.core.errors import DomainError

ENTRY_ACTIONS = ("accept", "leave")


def _entry_options(context: TongxinContext, offered: bool) -> list[Option]:
    keys = ENTRY_ACTIONS if offered else ("leave",)
    return [  # leaving the queue gives the place away: never guessed
        Option(key, context.t(f"mine.entry.{key}"), destructive=key == "leave") for key in keys
    ]


async def show_entry(update: Update, context: TongxinContext, first: str = "") -> int:
    """A waitlist place: where the person stands, accept an offer, or leave the queue."""
    entry_id = mine_draft(context).get("entry", 0)
    try:
        found = await run(context, entry_view, person=me(context), entry_id=entry_id)
    except ItemGone:
        return await gone(update, context)
    lang, tz = context.lang, context.services.settings.tz
    params = {
        "venue": found.venue.name(lang),
        "centre": found.centre.name(lang),
        "when": format_span(found.slot.starts_at, found.slot.ends_at, lang, tz),
    }
    expires = found.entry.offer_expires_at
    if found.offered and expires is not None:
        until = format_when(expires, lang, tz)
        text = context.t("mine.entry.offered", until=until, **params)
    else:
        text = context.t("mine.entry.waiting", position=found.position, **params)
    options = _entry_options(context, found.offered)
    return await ask(update, context, text, options, ENTRY_SCREEN, first=first)


async def on_entry(update: Update, context: TongxinContext) -> int:
    """Accept the offered places (a booking and its receipt) or leave the queue."""
    key, entry_id = chosen(update, context), mine_draft(context).get("entry", 0)
    if key not in ENTRY_ACTIONS:
        return await show_entry(update, context, context.t("mine.not_understood"))
    if key == "leave":
        try:
            await run(context, leave_queue, person=me(context), entry_id=entry_id)
        except DomainError as error:
            return await show_list(update, context, error_text(context, error))
        return await leave(update, context, "mine.entry.left")
    try:
        booked = await run(context, take_offer, person=me(context), entry_id=entry_id)
    except DomainError as error:
        return await show_list(update, context, error_text(context, error))
    chat = update.effective_chat
    if chat is not None:
        await send_receipt(context, chat.id, booked)
    return await leave(update, context)
