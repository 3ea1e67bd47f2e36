"""A picked slot: checked at once, so a broken rule is explained before anything else is asked;
then how many people (venues taking parties); a refused rule takes the person to the screen
where they can choose otherwise (``route_error``)."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.book.draft import MORE, PARTY, booking_draft, not_understood, slot_request
from handlers.booking.book.summary import ask_confirm, ask_waitlist
from handlers.booking.book.what import ask_kind, ask_place
from handlers.booking.book.when import ask_day, show_slots
from handlers.kit import Option, ask, chosen, error_text, prompt, run
from models.booking import (
    BlackoutDay,
    OpenSlot,
    OtherTownNotAllowed,
    PartyTooLarge,
    QuotaReached,
    SlotFull,
    TooFarAhead,
    check_slot,
    slot_summary,
)
from models.core.errors import DomainError

MAX_PARTY_CHOICES = 8


async def on_slot(update: Update, context: TongxinContext) -> int:
    """A slot (or the next page of them); a full day's slot asks about its waitlist."""
    key = chosen(update, context)
    if key is None:
        return await show_slots(update, context, not_understood(context))
    data = booking_draft(context)
    if key == MORE:
        data["slot_page"] = data.get("slot_page", 0) + 1
        return await show_slots(update, context)
    data["slot_id"], data["party"] = int(key), 1
    if data.get("full_mode"):
        return await ask_waitlist(update, context, error_text(context, SlotFull()))
    return await _checked(update, context, party_next=True)


async def _checked(update: Update, context: TongxinContext, *, party_next: bool) -> int:
    """Check the drafted slot and party now, then ask how many (``party_next``, where the venue
    takes parties) or restate it all; a broken rule is explained."""
    try:
        found = await run(
            context, check_slot, **slot_request(context), tz=context.services.settings.tz
        )
    except DomainError as error:
        return await route_error(update, context, error)
    if party_next and found.venue.max_party_size > 1:
        return await ask_party(update, context, found=found)
    return await ask_confirm(update, context, found=found)


async def ask_party(
    update: Update, context: TongxinContext, first: str = "", found: OpenSlot | None = None
) -> int:
    """How many people (only for venues that take parties)."""
    t = context.t
    if found is None:
        try:
            found = await run(
                context, slot_summary, slot_id=booking_draft(context).get("slot_id", 0)
            )
        except DomainError as error:
            return await show_slots(update, context, error_text(context, error))
    most = max(1, min(found.venue.max_party_size, found.free, MAX_PARTY_CHOICES))
    options = [Option(str(n), t.n("booking.party.many", n, n=n)) for n in range(1, most + 1)]
    text = prompt(context, "booking.ask_party", max=found.venue.max_party_size)
    return await ask(update, context, text, options, PARTY, first=first)


async def on_party(update: Update, context: TongxinContext) -> int:
    """How many people."""
    key = chosen(update, context)
    if key is None:
        return await ask_party(update, context, not_understood(context))
    booking_draft(context)["party"] = int(key)
    return await _checked(update, context, party_next=False)


async def back_from_confirm(update: Update, context: TongxinContext) -> int:
    """⬅️ on the summary: the party question if there was one, else the slots."""
    try:
        found = await run(context, slot_summary, slot_id=booking_draft(context).get("slot_id", 0))
    except DomainError:
        return await show_slots(update, context)
    if found.venue.max_party_size > 1:
        return await ask_party(update, context, found=found)
    return await show_slots(update, context)


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
