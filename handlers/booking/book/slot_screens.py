"""Booking screens, second half: which slot, how many, the summary, the waitlist question."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import Translator
from bot.timefmt import format_clock, format_day, format_span
from handlers.booking.book.screens import (
    CONFIRM,
    NEAREST,
    PARTY,
    SLOT,
    WAITLIST,
    draft,
    kind_label,
    lead,
    show,
    slot_view,
)
from handlers.booking.receipts import slot_option
from handlers.kit import Option, page_of
from models.booking.slots import OpenSlot

MAX_PARTY_CHOICES = 8


async def ask_slots(
    update: Update,
    context: TongxinContext,
    found: list[OpenSlot],
    *,
    full: bool,
    first: str = "",
) -> int:
    """The slots of the chosen day (or the nearest ones), a page at a time."""
    t, data = context.t, draft(context)
    nearest = data.get("day") == NEAREST
    options = []
    for item in found:
        option = slot_option(context, item, with_day=nearest)
        if full:
            option = Option(option.key, _full_label(context, item))
        options.append(option)
    page, pages = page_of(options, int(data.get("slot_page", 0)), t)
    data["slot_page"] = int(data.get("slot_page", 0)) % pages
    data["full_mode"] = full
    kind = kind_label(context, str(data["kind"]))
    if nearest:
        text = t("booking.ask_slot.nearest", kind=kind)
    else:
        day = format_day(date.fromisoformat(str(data["day"])), context.lang)
        text = t("booking.ask_slot.full" if full else "booking.ask_slot", kind=kind, day=day)
    return await show(update, context, lead(first, text), page, SLOT)


def _full_label(context: TongxinContext, item: OpenSlot) -> str:
    tz = context.services.settings.tz
    return context.t(
        "booking.slot.full_label",
        time=f"{format_clock(item.slot.starts_at, tz)}–{format_clock(item.slot.ends_at, tz)}",
        venue=item.venue.name(context.lang),
        centre=item.centre.name(context.lang),
    )


async def ask_party(update: Update, context: TongxinContext, first: str = "") -> int:
    """How many people (only for venues that take parties)."""
    t, data = context.t, draft(context)
    found = await slot_view(context, int(data["slot_id"]))
    assert found is not None
    most = max(1, min(found.venue.max_party_size, found.free, MAX_PARTY_CHOICES))
    options = [
        Option(str(n), t("booking.party.one") if n == 1 else t("booking.party.many", n=n))
        for n in range(1, most + 1)
    ]
    text = lead(first, t("booking.ask_party", max=found.venue.max_party_size))
    return await show(update, context, text, options, PARTY)


async def ask_confirm(update: Update, context: TongxinContext, first: str = "") -> int:
    """Everything restated, then 1 confirm / 2 choose again."""
    t, data, tz = context.t, draft(context), context.services.settings.tz
    found = await slot_view(context, int(data["slot_id"]))
    assert found is not None
    params = {
        "venue": found.venue.name(context.lang),
        "centre": found.centre.name(context.lang),
        "when": format_span(found.slot.starts_at, found.slot.ends_at, context.lang, tz),
        "party": int(data.get("party", 1)),
    }
    if data.get("resident_id"):
        text = t("booking.ask_confirm.proxy", name=data.get("resident_name") or "—", **params)
    else:
        text = t("booking.ask_confirm", **params)
    options = confirm_options(t)
    return await show(update, context, lead(first, text), options, CONFIRM)


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
    return await show(update, context, lead(first, t("booking.ask_waitlist")), options, WAITLIST)
