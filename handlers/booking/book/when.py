"""Which day (今天 / 明天 / 后天 / weekdays / more days, or "⚡ the nearest free slots") and the
slots that day offers: those with places, or its full ones for the waitlist, or why there are
none (the venue's closure, or the nearest day with places) above the day question again."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_clock, format_day
from handlers.booking.book.draft import (
    DAY,
    NEAREST,
    SLOT,
    booking_draft,
    kind_label,
    not_understood,
)
from handlers.booking.receipts import day_options, days_per_page, on_day_answer, slot_option
from handlers.kit import Option, ask, error_text, lead, leave, me, page_of, run
from models.booking import DayChoices, DaySlots, OpenSlot, day_choices, day_slots
from models.core.base import utcnow


async def ask_day(
    update: Update, context: TongxinContext, first: str = "", found: DayChoices | None = None
) -> int:
    """Which day, a page of days at a time, or the nearest free slots (``found``: the days as
    the slot search just returned them)."""
    t, data, tz = context.t, booking_draft(context), context.services.settings.tz
    if "kind" not in data:
        return await leave(update, context)
    data.pop("full_mode", None)
    extra = [Option(NEAREST, t("booking.day.nearest"))]
    per_page = days_per_page(context, beside=len(extra))
    if found is None:
        found = await run(context, day_choices, kind=data["kind"], town_id=data.get("town_id"))
    page = data.get("day_page", 0) % found.pages(per_page)
    data["day_page"] = page
    options = day_options(context, utcnow().astimezone(tz).date(), page, beside=len(extra))
    place = found.town.name(context.lang) if found.town else t("booking.place.any.short")
    text = t("booking.ask_day", kind=kind_label(context, data["kind"]), place=place)
    return await ask(update, context, text, options, DAY, first=first, extra=extra)


async def on_day(update: Update, context: TongxinContext) -> int:
    """A day (or more days, or the nearest free slots)."""
    return await on_day_answer(
        update,
        context,
        booking_draft(context),
        ask_day=ask_day,
        then=show_slots,
        not_understood=not_understood(context),
    )


async def show_slots(update: Update, context: TongxinContext, first: str = "") -> int:
    """The slot screen for the chosen day (or the nearest slots); the day again when none."""
    data, tz = booking_draft(context), context.services.settings.tz
    if "kind" not in data or "day" not in data:
        return await leave(update, context)
    day = None if data["day"] == NEAREST else date.fromisoformat(data["day"])
    found = await run(
        context,
        day_slots,
        kind=data["kind"],
        town_id=data.get("town_id"),
        day=day,
        tz=tz,
        home_town_id=me(context).town_id,  # at equal times, the resident's own town first
    )
    if found.slots:
        return await ask_slots(update, context, found.slots, full=found.full, first=first)
    why = _why_none(context, day, found)
    return await ask_day(update, context, lead(first, why), found.days)


def _why_none(context: TongxinContext, day: date | None, found: DaySlots) -> str:
    """A kind word for no slots: none coming up, the closure's reason, or the nearest free day."""
    if day is None:
        return context.t("booking.nearest.none")
    if found.closed is not None:
        return error_text(context, found.closed)
    words = format_day(day, context.lang)
    if found.nearest_day is None:
        return context.t("booking.day.none", day=words)
    nearest = format_day(found.nearest_day, context.lang)
    return context.t("booking.day.none.suggest", day=words, nearest=nearest)


async def ask_slots(
    update: Update,
    context: TongxinContext,
    found: list[OpenSlot],
    *,
    full: bool,
    first: str = "",
) -> int:
    """The slots of the chosen day (or the nearest ones), a page at a time."""
    t, data = context.t, booking_draft(context)
    nearest = data.get("day") == NEAREST
    options = [
        Option(str(item.slot.id), _full_label(context, item))
        if full
        else slot_option(context, item, with_day=nearest)
        for item in found
    ]
    page, pages = page_of(options, data.get("slot_page", 0), context)
    data["slot_page"] = data.get("slot_page", 0) % pages
    data["full_mode"] = full
    kind = kind_label(context, data.get("kind", ""))
    if nearest:
        text = t("booking.ask_slot.nearest", kind=kind)
    else:
        day = format_day(date.fromisoformat(data.get("day", "")), context.lang)
        text = t("booking.ask_slot.full" if full else "booking.ask_slot", kind=kind, day=day)
    return await ask(update, context, text, page, SLOT, first=first)


def _full_label(context: TongxinContext, item: OpenSlot) -> str:
    tz = context.services.settings.tz
    return context.t(
        "booking.slot.full_label",
        time=f"{format_clock(item.slot.starts_at, tz)}–{format_clock(item.slot.ends_at, tz)}",
        venue=item.venue.name(context.lang),
        centre=item.centre.name(context.lang),
    )
