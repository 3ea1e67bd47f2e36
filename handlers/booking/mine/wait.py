"""我的预约与提醒: one waitlist entry — where the person stands, take up an offer, or leave."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_span, format_when
from handlers.booking.mine.screens import (
    ENTRY,
    ENTRY_KEY,
    end_home,
    gone,
    me,
    show_list,
    with_lead,
)
from handlers.booking.mine.taps import take_offer
from handlers.booking.receipts import error_text, send_receipt
from handlers.kit import Option, choice_keyboard, match_option, message_text, reply
from models.booking.slots import Slot
from models.booking.waitlist import WaitStatus, leave_waitlist, owned_entry, queue_position
from models.core.errors import DomainError
from models.core.places import ServiceCentre, Venue

ENTRY_ACTIONS = ("accept", "leave")


def _entry_options(context: TongxinContext, offered: bool) -> list[Option]:
    keys = list(ENTRY_ACTIONS) if offered else ["leave"]
    return [Option(key, context.t(f"mine.entry.{key}")) for key in keys]


async def show_entry(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """A waitlist entry: where the person stands, accept an offer, or leave the queue."""
    entry_id = (context.user_data or {}).get(ENTRY_KEY)
    lang, tz = context.lang, context.services.settings.tz
    async with context.services.sessions() as session:
        try:
            entry = await owned_entry(session, int(entry_id or 0), me(context))
        except DomainError:
            return await gone(update, context)
        slot = await session.get(Slot, entry.slot_id)
        venue = await session.get(Venue, slot.venue_id) if slot else None
        centre = await session.get(ServiceCentre, venue.centre_id) if venue else None
        assert slot is not None and venue is not None and centre is not None
        position = await queue_position(session, entry)
    params = {
        "venue": venue.name(lang),
        "centre": centre.name(lang),
        "when": format_span(slot.starts_at, slot.ends_at, lang, tz),
    }
    offered = entry.status == WaitStatus.OFFERED.value
    if offered and entry.offer_expires_at is not None:
        until = format_when(entry.offer_expires_at, lang, tz)
        text = context.t("mine.entry.offered", until=until, **params)
    else:
        text = context.t("mine.entry.waiting", position=position, **params)
    options = _entry_options(context, offered)
    await reply(update, context, with_lead(lead, text), choice_keyboard(options, context.t))
    return ENTRY


async def on_entry(update: Update, context: TongxinContext) -> int:
    """Accept the offered places (a booking and its receipt) or leave the queue."""
    entry_id = int((context.user_data or {}).get(ENTRY_KEY) or 0)
    async with context.services.sessions() as session:
        try:
            entry = await owned_entry(session, entry_id, me(context))
        except DomainError:
            return await gone(update, context)
    offered = entry.status == WaitStatus.OFFERED.value
    choice = match_option(message_text(update), _entry_options(context, offered))
    if choice is None:
        return await show_entry(update, context, context.t("mine.not_understood"))
    assert update.effective_chat is not None
    try:
        if choice.key == "accept":
            view = await take_offer(context, entry_id)
            await send_receipt(context, update.effective_chat.id, view)
            return await end_home(update, context)
        async with context.services.sessions() as session, session.begin():
            await leave_waitlist(session, await owned_entry(session, entry_id, me(context)))
    except DomainError as error:
        return await show_list(update, context, error_text(context, error))
    return await end_home(update, context, context.t("mine.entry.left"))
