"""The /venues admin screens: texts and inline keyboards (callback data ``va:…`` carries the
state; ``handlers.booking.venues.flow`` routes the taps and re-checks each one)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton

from bot.i18n import N_, Translator
from bot.timefmt import format_clock, format_day
from handlers.kit import Buttons, nav_buttons
from models.booking.calendar import Blackout, OpeningHours, blackouts_of, hours_of
from models.booking.catalogue.text import format_periods
from models.booking.slots import Slot
from models.booking.venue_texts import TEXT_FIELDS
from models.booking.venues import FLAGS, RULES, rule_value, slots_on
from models.core.places import ServiceCentre, Venue

Screen = tuple[str, Buttons]
HOME = "va:home"
DAYS_PER_PAGE = 14
FLAG_NAMES = {
    "appr": N_("venues_admin.flag.appr"),
    "other": N_("venues_admin.flag.other"),
    "on": N_("venues_admin.flag.on"),
}
RULE_NAMES = {
    "cap": N_("venues_admin.rule.cap"),
    "lead": N_("venues_admin.rule.lead"),
    "hor": N_("venues_admin.rule.hor"),
    "act": N_("venues_admin.rule.act"),
    "party": N_("venues_admin.rule.party"),
}
TEXT_NAMES = {key: N_(f"venues_admin.text.{key}") for key in TEXT_FIELDS}
KIND_NAMES = {
    "activity_room": N_("venues_admin.kind.activity_room"),
    "hall": N_("venues_admin.kind.hall"),
    "canteen": N_("venues_admin.kind.canteen"),
    "health_check": N_("venues_admin.kind.health_check"),
    "mediation_room": N_("venues_admin.kind.mediation_room"),
    "enterprise_guidance": N_("venues_admin.kind.enterprise_guidance"),
}


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def yes_no(t: Translator, value: bool) -> str:
    """``是`` / ``否``."""
    return t("venues_admin.yes") if value else t("venues_admin.no")


def weekday_name(t: Translator, weekday: int) -> str:
    """Monday is 0."""
    return t(f"roles.weekday.{weekday}")


def hours_text(t: Translator, hours: list[OpeningHours]) -> str:
    """One line per weekday: its periods, or closed."""
    lines = []
    for weekday in range(7):
        periods = [(h.opens, h.closes) for h in hours if h.weekday == weekday]
        name = weekday_name(t, weekday)
        if periods:
            text = format_periods(periods).replace(" ", ", ")
            lines.append(t("venues_admin.hours.line", weekday=name, periods=text))
        else:
            lines.append(t("venues_admin.hours.closed_line", weekday=name))
    return "\n".join(lines)


def days_text(t: Translator, first: date, last: date) -> str:
    """One day, or an inclusive range of days."""
    if first == last:
        return format_day(first, t.language, short=True)
    first_text = format_day(first, t.language, short=True)
    return t(
        "venues_admin.days.range", first=first_text, last=format_day(last, t.language, short=True)
    )


def blackout_lines(t: Translator, blackouts: list[Blackout]) -> str:
    """The closed days, one per line."""
    if not blackouts:
        return t("venues_admin.blackouts.none")
    return "\n".join(
        t(
            "venues_admin.blackout.line",
            days=days_text(t, b.first_day, b.last_day),
            reason=b.reason_en if t.language == "en" else b.reason_zh,
        )
        for b in blackouts
    )


def list_screen(
    t: Translator, venues: list[tuple[Venue, ServiceCentre]], centre_id: int | None = None
) -> Screen:
    """The centres an admin manages (one centre: straight to its venues), or one centre's."""
    centres = {c.id: c for _v, c in venues}
    if not venues or (centre_id is not None and centre_id not in centres):
        return t("venues_admin.list.empty"), [nav_buttons(t, HOME, HOME)]
    if centre_id is None and len(centres) > 1:
        buttons: Buttons = [
            [_button(t("venues_admin.list.centre", n=n, centre=c.name(t.language)), f"va:c:{c.id}")]
            for n, c in enumerate(centres.values(), 1)
        ]
        buttons.append(nav_buttons(t, HOME, HOME))
        return t("venues_admin.list.centres"), buttons
    centre = centres[centre_id] if centre_id is not None else next(iter(centres.values()))
    mine = [v for v, c in venues if c.id == centre.id]
    buttons = []
    for n, venue in enumerate(mine, 1):
        msgid = "venues_admin.list.button" if venue.active else "venues_admin.list.button_off"
        buttons.append([_button(t(msgid, n=n, name=venue.name(t.language)), f"va:v:{venue.id}")])
    back = "va:list" if len(centres) > 1 else HOME
    buttons.append(nav_buttons(t, back, HOME))
    return t("venues_admin.list.title", centre=centre.name(t.language)), buttons


async def card_screen(
    t: Translator, session: AsyncSession, venue: Venue, centre: ServiceCentre
) -> Screen:
    """One venue: what residents see and every rule, with a button per change."""
    assert venue.id is not None
    en = t.language == "en"
    address = (
        (venue.address_en or centre.address_en) if en else (venue.address_zh or centre.address_zh)
    )
    text = t(
        "venues_admin.card",
        name=venue.name(t.language),
        centre=centre.name(t.language),
        kind=t(KIND_NAMES[venue.kind]) if venue.kind in KIND_NAMES else venue.kind,
        capacity=venue.capacity,
        accessibility=(venue.accessibility_en if en else venue.accessibility_zh) or "-",
        address=address or "-",
        directions=(venue.directions_en if en else venue.directions_zh) or "-",
        hours=hours_text(t, await hours_of(session, venue.id)),
        blackouts=blackout_lines(t, await blackouts_of(session, venue.id)),
        lead=rule_value(venue, "lead"),
        horizon=venue.horizon_days,
        active=venue.max_active_bookings,
        party=venue.max_party_size,
        slot=venue.slot_minutes,
        approval=yes_no(t, venue.needs_approval),
        other=yes_no(t, venue.other_town_allowed),
        open=yes_no(t, venue.active),
    )
    v = venue.id
    flags = [
        _button(
            t(
                "venues_admin.button.flag",
                flag=t(FLAG_NAMES[key]),
                state=yes_no(t, getattr(venue, column)),
            ),
            f"va:t:{v}:{key}",
        )
        for key, column in FLAGS.items()
    ]
    rules = [
        _button(
            t("venues_admin.button.rule", rule=t(RULE_NAMES[key]), value=rule_value(venue, key)),
            f"va:n:{v}:{key}",
        )
        for key in RULES
    ]
    buttons: Buttons = [[flag] for flag in flags] + [[rule] for rule in rules]
    texts = [_button(t(msgid), f"va:tx:{v}:{key}") for key, msgid in TEXT_NAMES.items()]
    buttons += [texts[i : i + 2] for i in range(0, len(texts), 2)]
    hours = _button(t("venues_admin.button.hours"), f"va:h:{v}")
    closed = _button(t("venues_admin.button.blackouts"), f"va:b:{v}")
    buttons += [
        [hours, closed],
        [_button(t("venues_admin.button.slots"), f"va:d:{v}:0")],
        nav_buttons(t, f"va:c:{centre.id}", HOME),
    ]
    return text, buttons


async def hours_screen(t: Translator, session: AsyncSession, venue: Venue) -> Screen:
    """The weekly hours, a button per weekday, and regenerating the slots."""
    assert venue.id is not None
    text = t(
        "venues_admin.hours.title",
        name=venue.name(t.language),
        hours=hours_text(t, await hours_of(session, venue.id)),
    )
    days = [_button(weekday_name(t, d), f"va:hd:{venue.id}:{d}") for d in range(7)]
    buttons: Buttons = [days[i : i + 2] for i in range(0, 7, 2)]
    buttons.append([_button(t("venues_admin.button.regenerate"), f"va:g:{venue.id}")])
    buttons.append(nav_buttons(t, f"va:v:{venue.id}", HOME))
    return text, buttons


async def blackouts_screen(t: Translator, session: AsyncSession, venue: Venue) -> Screen:
    """The closed days, a remove button for each, and an add button."""
    assert venue.id is not None
    blackouts = await blackouts_of(session, venue.id)
    text = t(
        "venues_admin.blackouts.title",
        name=venue.name(t.language),
        blackouts=blackout_lines(t, blackouts),
    )
    buttons: Buttons = [
        [
            _button(
                t(
                    "venues_admin.button.remove_blackout",
                    days=days_text(t, b.first_day, b.last_day),
                ),
                f"va:bd:{venue.id}:{b.id}",
            )
        ]
        for b in blackouts
    ]
    buttons.append([_button(t("venues_admin.button.add_blackout"), f"va:ba:{venue.id}")])
    buttons.append(nav_buttons(t, f"va:v:{venue.id}", HOME))
    return text, buttons


def days_screen(t: Translator, venue: Venue, today: date, offset: int) -> Screen:
    """Two weeks of days to choose from, and the next two weeks."""
    days = [today + timedelta(days=offset + n) for n in range(DAYS_PER_PAGE)]
    labels = [
        _button(format_day(d, t.language, short=True), f"va:sl:{venue.id}:{d:%Y%m%d}") for d in days
    ]
    buttons: Buttons = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    if offset + DAYS_PER_PAGE <= venue.horizon_days:
        buttons.append([_button(t("nav.more"), f"va:d:{venue.id}:{offset + DAYS_PER_PAGE}")])
    buttons.append(nav_buttons(t, f"va:v:{venue.id}", HOME))
    return t("venues_admin.slots.days", name=venue.name(t.language)), buttons


def _slot_label(t: Translator, slot: Slot, tz: ZoneInfo) -> str:
    span = f"{format_clock(slot.starts_at, tz)}–{format_clock(slot.ends_at, tz)}"
    msgid = "venues_admin.slot.label_closed" if slot.closed else "venues_admin.slot.label"
    return t(msgid, span=span, taken=slot.taken, capacity=slot.capacity)


async def day_screen(
    t: Translator, session: AsyncSession, venue: Venue, day: date, today: date, tz: ZoneInfo
) -> Screen:
    """A day's slots with taken/capacity; tap one to adjust it."""
    assert venue.id is not None
    slots = await slots_on(session, venue.id, day, tz)
    words = {"name": venue.name(t.language), "day": format_day(day, t.language)}
    if not slots:
        text = t("venues_admin.slots.none", **words)
    else:
        lines = "\n".join(_slot_label(t, s, tz) for s in slots)
        text = t("venues_admin.slots.day", lines=lines, **words)
    buttons: Buttons = [[_button(_slot_label(t, s, tz), f"va:s:{s.id}")] for s in slots[:30]]
    offset = max((day - today).days // DAYS_PER_PAGE * DAYS_PER_PAGE, 0)
    buttons.append(nav_buttons(t, f"va:d:{venue.id}:{offset}", HOME))
    return text, buttons


def slot_screen(t: Translator, slot: Slot, venue: Venue, tz: ZoneInfo) -> Screen:
    """One slot: places taken of capacity, open or closed; change places, close or open."""
    day = slot.starts_at.astimezone(tz).date()
    text = t(
        "venues_admin.slot.card",
        name=venue.name(t.language),
        day=format_day(day, t.language),
        span=f"{format_clock(slot.starts_at, tz)}–{format_clock(slot.ends_at, tz)}",
        taken=slot.taken,
        capacity=slot.capacity,
        state=t("venues_admin.slot.closed") if slot.closed else t("venues_admin.slot.open"),
    )
    toggle = (
        _button(t("venues_admin.button.open_slot"), f"va:so:{slot.id}:0")
        if slot.closed
        else _button(t("venues_admin.button.close_slot"), f"va:so:{slot.id}:1")
    )
    buttons: Buttons = [
        [_button(t("venues_admin.button.slot_capacity"), f"va:sc:{slot.id}")],
        [toggle],
        nav_buttons(t, f"va:sl:{venue.id}:{day:%Y%m%d}", HOME),
    ]
    return text, buttons
