"""Before anything is booked, everything restated: the summary (1 confirm / 2 choose again),
or, for a full slot, the waitlist question."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import Translator
from bot.timefmt import format_span
from handlers.booking.book.draft import CONFIRM, WAITLIST, booking_draft
from handlers.booking.book.when import show_slots
from handlers.kit import Option, ask, error_text, prompt_n, run
from models.booking import OpenSlot, slot_summary
from models.core.errors import DomainError


async def ask_confirm(
    update: Update, context: TongxinContext, first: str = "", found: OpenSlot | None = None
) -> int:
    """What, where, when and how many, then 1 confirm / 2 choose again (``found``: the slot as
    its check just returned it)."""
    t, data, tz = context.t, booking_draft(context), context.services.settings.tz
    if found is None:
        try:
            found = await run(context, slot_summary, slot_id=data.get("slot_id", 0))
        except DomainError as error:  # the slot is gone: choose another
            return await show_slots(update, context, error_text(context, error))
    party = data.get("party", 1)
    params = {
        "venue": found.venue.name(context.lang),
        "centre": found.centre.name(context.lang),
        "when": format_span(found.slot.starts_at, found.slot.ends_at, context.lang, tz),
        "party": party,
    }
    if data.get("resident_id"):
        name = data.get("resident_name") or "—"
        text = prompt_n(context, "booking.ask_confirm.proxy", party, name=name, **params)
    else:
        text = prompt_n(context, "booking.ask_confirm", party, **params)
    return await ask(update, context, text, confirm_options(t), CONFIRM, first=first)


def confirm_options(t: Translator) -> list[Option]:
    """1 confirm, 2 choose again."""
    return [Option("yes", t("booking.confirm.yes")), Option("again", t("booking.confirm.again"))]


async def ask_waitlist(update: Update, context: TongxinContext, first: str = "") -> int:
    """The slot is full: join its waitlist?"""
    t = context.t
    options = [
        Option("join", t("booking.waitlist.join")),
        Option("skip", t("booking.waitlist.skip")),
    ]
    return await ask(update, context, t("booking.ask_waitlist"), options, WAITLIST, first=first)
