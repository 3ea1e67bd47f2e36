"""Booking answers: who for, what, where, which day, which slot, how many.

Every answer is matched against the choices the screen showed; anything else (a sticker, a
photo, free text, an emoji) gets the same screen again with a gentle word, and changes nothing.
A refused rule is explained in words and the person is taken to the screen where they can
choose differently (``route_error``).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.booking.book.screens import (
    ANY,
    DRAFT,
    MORE,
    ask_day,
    ask_kind,
    ask_phone,
    ask_place,
    ask_who,
    chosen,
    draft,
    is_more_days,
    slot_view,
)
from handlers.booking.book.search import precheck, show_slots
from handlers.booking.book.slot_screens import ask_confirm, ask_party, ask_waitlist
from handlers.booking.receipts import error_text
from handlers.kit import show_main_menu
from models.booking.rules import (
    BlackoutDay,
    OtherTownNotAllowed,
    PartyTooLarge,
    QuotaReached,
    SlotFull,
    TooFarAhead,
)
from models.core.errors import DomainError
from models.core.places import VenueKind


def not_understood(context: TongxinContext) -> str:
    """The gentle re-prompt line."""
    return context.t("booking.not_understood")


async def end_home(update: Update, context: TongxinContext, msgid: str = "home.prompt") -> int:
    """Leave the flow: drop the draft, show the main menu."""
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await show_main_menu(update, context, msgid)
    return ConversationHandler.END


async def on_who(update: Update, context: TongxinContext) -> int:
    """For myself, or for someone else."""
    key = chosen(update, context)
    if key is None:
        return await ask_who(update, context, not_understood(context))
    data = draft(context)
    data.clear()
    if key == "proxy":
        data["proxy"] = True
        return await ask_phone(update, context)
    return await ask_kind(update, context)


async def on_kind(update: Update, context: TongxinContext) -> int:
    """What to book."""
    key = chosen(update, context)
    if key is None or key not in {k.value for k in VenueKind}:
        return await ask_kind(update, context, not_understood(context))
    draft(context)["kind"] = key
    return await ask_place(update, context)


async def on_place(update: Update, context: TongxinContext) -> int:
    """Which town, or any centre."""
    key = chosen(update, context)
    if key is None:
        return await ask_place(update, context, not_understood(context))
    data = draft(context)
    data["town_id"] = None if key == ANY else int(key)
    data["day_page"] = 0
    return await ask_day(update, context)


async def on_day(update: Update, context: TongxinContext) -> int:
    """A day (or more days, or the nearest free slots)."""
    key = chosen(update, context)
    if key is None:
        return await ask_day(update, context, not_understood(context))
    data = draft(context)
    if is_more_days(key):
        data["day_page"] = int(data.get("day_page", 0)) + 1
        return await ask_day(update, context)
    data["day"] = key
    data["slot_page"] = 0
    return await show_slots(update, context)


async def on_slot(update: Update, context: TongxinContext) -> int:
    """A slot: checked now, so a rule is explained before anything else is asked."""
    key = chosen(update, context)
    if key is None:
        return await show_slots(update, context, not_understood(context))
    data = draft(context)
    if key == MORE:
        data["slot_page"] = int(data.get("slot_page", 0)) + 1
        return await show_slots(update, context)
    data["slot_id"], data["party"] = int(key), 1
    if data.get("full_mode"):
        return await ask_waitlist(update, context, error_text(context, SlotFull()))
    try:
        await precheck(context, int(key))
    except DomainError as error:
        return await route_error(update, context, error)
    return await after_slot(update, context)


async def after_slot(update: Update, context: TongxinContext) -> int:
    """Ask how many people where the venue takes parties, else go to the summary."""
    found = await slot_view(context, int(draft(context)["slot_id"]))
    if found is not None and found.venue.max_party_size > 1:
        return await ask_party(update, context)
    return await ask_confirm(update, context)


async def back_from_confirm(update: Update, context: TongxinContext) -> int:
    """⬅️ on the summary: the party question if there was one, else the slots."""
    found = await slot_view(context, int(draft(context)["slot_id"]))
    if found is not None and found.venue.max_party_size > 1:
        return await ask_party(update, context)
    return await show_slots(update, context)


async def on_party(update: Update, context: TongxinContext) -> int:
    """How many people."""
    key = chosen(update, context)
    if key is None:
        return await ask_party(update, context, not_understood(context))
    data = draft(context)
    data["party"] = int(key)
    try:
        await precheck(context, int(data["slot_id"]), int(key))
    except DomainError as error:
        return await route_error(update, context, error)
    return await ask_confirm(update, context)


async def route_error(update: Update, context: TongxinContext, error: DomainError) -> int:
    """Explain a refused rule and go to the screen where the person can choose otherwise."""
    words = error_text(context, error)
    if isinstance(error, SlotFull):
        return await ask_waitlist(update, context, words)
    if isinstance(error, (TooFarAhead, BlackoutDay)):
        return await ask_day(update, context, words)
    if isinstance(error, OtherTownNotAllowed):
        return await ask_place(update, context, words)
    if isinstance(error, QuotaReached):
        return await ask_kind(update, context, words)
    if isinstance(error, PartyTooLarge):
        return await ask_party(update, context, words)
    return await show_slots(update, context, words)
