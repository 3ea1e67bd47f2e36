"""The /venues screens of a venue: the list, its card, its hours and its closed days.

Texts and inline keyboards built from the views of ``models.booking``; the callback data
(``models.booking.VENUES``) carries the state, and ``handlers.booking.venues.taps`` routes it.
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton

from bot.i18n import N_, Translator
from bot.timefmt import format_day
from handlers.kit import Buttons, nav_buttons
from models.booking import (
    FLAGS,
    RULES,
    TEXT_FIELDS,
    VENUES,
    Blackout,
    OpeningHours,
    Period,
    VenueBlackouts,
    VenueCard,
    VenueHours,
    VenueList,
    format_periods,
    rule_value,
)

Inline = tuple[str, Buttons]  # an inline screen: its text and its buttons
HOME = VENUES.data("home")
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


def button(label: str, action: str, *fields: int | str) -> InlineKeyboardButton:
    """An inline button with ``va:`` callback data.

    Ids come from stored rows; ``row.id or 0`` only narrows their type (the code refuses 0).
    """
    return InlineKeyboardButton(label, callback_data=VENUES.data(action, *fields))


def back_home(t: Translator, action: str, *fields: int | str) -> list[InlineKeyboardButton]:
    """⬅️ to the screen ``action`` shows, and 🏠."""
    return nav_buttons(t, VENUES.data(action, *fields), HOME)


def yes_no(t: Translator, value: bool) -> str:
    """``是`` / ``否``."""
    return t("venues_admin.yes") if value else t("venues_admin.no")


def weekday_name(t: Translator, weekday: int) -> str:
    """Monday is 0."""
    return t(f"roles.weekday.{weekday}")


def periods_text(t: Translator, periods: list[Period]) -> str:
    """``09:00-12:00, 14:00-17:00``, or closed."""
    if not periods:
        return t("venues_admin.hours.closed")
    return format_periods(periods).replace(" ", ", ")


def hours_text(t: Translator, hours: list[OpeningHours]) -> str:
    """One line per weekday: its periods, or closed."""
    lines = []
    for weekday in range(7):
        periods = [(h.opens, h.closes) for h in hours if h.weekday == weekday]
        name = weekday_name(t, weekday)
        if periods:
            lines.append(
                t("venues_admin.hours.line", weekday=name, periods=periods_text(t, periods))
            )
        else:
            lines.append(t("venues_admin.hours.closed_line", weekday=name))
    return "\n".join(lines)


def days_text(t: Translator, first: date, last: date) -> str:
    """One day, or an inclusive range of days."""
    first_text = format_day(first, t.language, short=True)
    if first == last:
        return first_text
    last_text = format_day(last, t.language, short=True)
    return t("venues_admin.days.range", first=first_text, last=last_text)


def blackout_reason(t: Translator, blackout: Blackout) -> str:
    """Why the venue is closed, in the reader's language."""
    return blackout.reason_en if t.language == "en" else blackout.reason_zh


def blackout_lines(t: Translator, blackouts: list[Blackout]) -> str:
    """The closed days, one per line."""
    if not blackouts:
        return t("venues_admin.blackouts.none")
    return "\n".join(
        t(
            "venues_admin.blackout.line",
            days=days_text(t, b.first_day, b.last_day),
            reason=blackout_reason(t, b),
        )
        for b in blackouts
    )


def list_screen(t: Translator, shown: VenueList) -> Inline:
    """The centres an admin manages (one centre: straight to its venues), or one centre's."""
    centres = {c.id: c for _v, c in shown.venues}
    if not shown.venues or (shown.centre_id is not None and shown.centre_id not in centres):
        return t("venues_admin.list.empty"), [nav_buttons(t, HOME, HOME)]
    if shown.centre_id is None and len(centres) > 1:
        buttons: Buttons = [
            [button(t("venues_admin.list.centre", n=n, centre=c.name(t.language)), "c", c.id or 0)]
            for n, c in enumerate(centres.values(), 1)
        ]
        buttons.append(nav_buttons(t, HOME, HOME))
        return t("venues_admin.list.centres"), buttons
    centre = (
        centres[shown.centre_id] if shown.centre_id is not None else next(iter(centres.values()))
    )
    mine = [v for v, c in shown.venues if c.id == centre.id]
    buttons = []
    for n, venue in enumerate(mine, 1):
        msgid = "venues_admin.list.button" if venue.active else "venues_admin.list.button_off"
        buttons.append([button(t(msgid, n=n, name=venue.name(t.language)), "v", venue.id or 0)])
    back = VENUES.data("list") if len(centres) > 1 else HOME
    buttons.append(nav_buttons(t, back, HOME))
    return t("venues_admin.list.title", centre=centre.name(t.language)), buttons


def card_screen(t: Translator, card: VenueCard) -> Inline:
    """One venue: what residents see and every rule, with a button per change."""
    venue, centre, en = card.venue, card.centre, t.language == "en"
    address = (
        (venue.address_en or centre.address_en) if en else (venue.address_zh or centre.address_zh)
    )
    text = t.n(
        "venues_admin.card",
        venue.slot_minutes,
        name=venue.name(t.language),
        centre=centre.name(t.language),
        kind=t(KIND_NAMES[venue.kind]) if venue.kind in KIND_NAMES else venue.kind,
        capacity=venue.capacity,
        accessibility=(venue.accessibility_en if en else venue.accessibility_zh) or "-",
        address=address or "-",
        directions=(venue.directions_en if en else venue.directions_zh) or "-",
        hours=hours_text(t, card.hours),
        blackouts=blackout_lines(t, card.blackouts),
        lead=rule_value(venue, "lead"),
        horizon=venue.horizon_days,
        active=venue.max_active_bookings,
        party=venue.max_party_size,
        slot=venue.slot_minutes,
        approval=yes_no(t, venue.needs_approval),
        other=yes_no(t, venue.other_town_allowed),
        open=yes_no(t, venue.active),
    )
    v = venue.id or 0
    buttons: Buttons = []
    for key, column in FLAGS.items():
        state = yes_no(t, getattr(venue, column))
        label = t("venues_admin.button.flag", flag=t(FLAG_NAMES[key]), state=state)
        buttons.append([button(label, "t", v, key)])
    for key in RULES:
        label = t("venues_admin.button.rule", rule=t(RULE_NAMES[key]), value=rule_value(venue, key))
        buttons.append([button(label, "n", v, key)])
    texts = [button(t(msgid), "tx", v, key) for key, msgid in TEXT_NAMES.items()]
    buttons += [texts[i : i + 2] for i in range(0, len(texts), 2)]
    hours = button(t("venues_admin.button.hours"), "h", v)
    closed = button(t("venues_admin.button.blackouts"), "b", v)
    buttons += [
        [hours, closed],
        [button(t("venues_admin.button.slots"), "d", v, 0)],
        back_home(t, "c", centre.id or 0),
    ]
    return text, buttons


def hours_screen(t: Translator, shown: VenueHours) -> Inline:
    """The weekly hours, a button per weekday, and creating the slots from them."""
    venue, v = shown.venue, shown.venue.id or 0
    text = t(
        "venues_admin.hours.title", name=venue.name(t.language), hours=hours_text(t, shown.hours)
    )
    days = [button(weekday_name(t, d), "hd", v, d) for d in range(7)]
    buttons: Buttons = [days[i : i + 2] for i in range(0, 7, 2)]
    buttons.append([button(t("venues_admin.button.regenerate"), "g", v)])
    buttons.append(back_home(t, "v", v))
    return text, buttons


def blackouts_screen(t: Translator, shown: VenueBlackouts) -> Inline:
    """The closed days, a remove button for each, and an add button."""
    venue, v = shown.venue, shown.venue.id or 0
    text = t(
        "venues_admin.blackouts.title",
        name=venue.name(t.language),
        blackouts=blackout_lines(t, shown.blackouts),
    )
    buttons: Buttons = []
    for b in shown.blackouts:
        days = days_text(t, b.first_day, b.last_day)
        label = t("venues_admin.button.remove_blackout", days=days)
        buttons.append([button(label, "bd", v, b.id or 0)])
    buttons.append([button(t("venues_admin.button.add_blackout"), "ba", v)])
    buttons.append(back_home(t, "v", v))
    return text, buttons
