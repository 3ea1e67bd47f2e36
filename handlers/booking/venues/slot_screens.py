"""The /venues screens of a venue's slots: days to choose from, a day's slots, one slot."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.timefmt import format_clock, format_day
from handlers.booking.venues.screens import Inline, back_home, button
from handlers.kit import Buttons
from models.booking import Slot, SlotCard, VenueDay, VenueDays

DAYS_PER_PAGE = 14
MAX_SLOT_BUTTONS = 30


def span_text(slot: Slot, tz: ZoneInfo) -> str:
    """``08:00–09:00``."""
    return f"{format_clock(slot.starts_at, tz)}–{format_clock(slot.ends_at, tz)}"


def days_screen(t: Translator, shown: VenueDays) -> Inline:
    """Two weeks of days to choose from, and the next two weeks."""
    venue, v = shown.venue, shown.venue.id or 0
    days = [shown.today + timedelta(days=shown.offset + n) for n in range(DAYS_PER_PAGE)]
    labels = [button(format_day(d, t.language, short=True), "sl", v, f"{d:%Y%m%d}") for d in days]
    buttons: Buttons = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    if shown.offset + DAYS_PER_PAGE <= venue.horizon_days:
        buttons.append([button(t("nav.more"), "d", v, shown.offset + DAYS_PER_PAGE)])
    buttons.append(back_home(t, "v", v))
    return t("venues_admin.slots.days", name=venue.name(t.language)), buttons


def _slot_label(t: Translator, slot: Slot, tz: ZoneInfo) -> str:
    msgid = "venues_admin.slot.label_closed" if slot.closed else "venues_admin.slot.label"
    return t(msgid, span=span_text(slot, tz), taken=slot.taken, capacity=slot.capacity)


def day_screen(t: Translator, shown: VenueDay, tz: ZoneInfo) -> Inline:
    """A day's slots with taken/capacity; tap one to adjust it."""
    venue, slots = shown.venue, shown.slots
    words = {"name": venue.name(t.language), "day": format_day(shown.day, t.language)}
    if not slots:
        text = t("venues_admin.slots.none", **words)
    else:
        lines = "\n".join(_slot_label(t, s, tz) for s in slots)
        text = t("venues_admin.slots.day", lines=lines, **words)
    buttons: Buttons = [
        [button(_slot_label(t, s, tz), "s", s.id or 0)] for s in slots[:MAX_SLOT_BUTTONS]
    ]
    offset = max((shown.day - shown.today).days // DAYS_PER_PAGE * DAYS_PER_PAGE, 0)
    buttons.append(back_home(t, "d", venue.id or 0, offset))
    return text, buttons


def slot_screen(t: Translator, card: SlotCard, tz: ZoneInfo) -> Inline:
    """One slot: places taken of capacity, open or closed; change places, close or open."""
    slot, venue, s = card.slot, card.venue, card.slot.id or 0
    day = slot.starts_at.astimezone(tz).date()
    text = t.n(
        "venues_admin.slot.card",
        slot.capacity,
        name=venue.name(t.language),
        day=format_day(day, t.language),
        span=span_text(slot, tz),
        taken=slot.taken,
        capacity=slot.capacity,
        state=t("venues_admin.slot.closed") if slot.closed else t("venues_admin.slot.open"),
    )
    toggle = (
        button(t("venues_admin.button.open_slot"), "so", s, 0)
        if slot.closed
        else button(t("venues_admin.button.close_slot"), "so", s, 1)
    )
    buttons: Buttons = [
        [button(t("venues_admin.button.slot_capacity"), "sc", s)],
        [toggle],
        back_home(t, "sl", venue.id or 0, f"{day:%Y%m%d}"),
    ]
    return text, buttons
