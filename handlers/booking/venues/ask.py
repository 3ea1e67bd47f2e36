"""/venues questions that need a typed answer: the question screens and applying the answer.

An ``Ask`` (kept in ``user_data`` while it waits) names what is asked: ``n`` a numeric rule
(``key``: its rule), ``hd`` one weekday's hours (``key``: 0–6), ``ba`` a new closed day range,
``sc`` one slot's places, ``tx`` one of the venue's texts (``key``: ``models.booking.venue_texts``);
``id`` is the venue's (the slot's for ``sc``).
"""

from __future__ import annotations

from typing import Any

from bot.context import TongxinContext
from bot.timefmt import format_clock
from handlers.booking.venues.screens import (
    HOME,
    RULE_NAMES,
    TEXT_NAMES,
    Screen,
    blackouts_screen,
    card_screen,
    days_text,
    hours_screen,
    slot_screen,
    weekday_name,
)
from handlers.kit import current_scopes, nav_buttons
from models.booking.calendar import hours_of
from models.booking.catalogue.text import Period, format_periods
from models.booking.slots import CapacityBelowTaken
from models.booking.venue_texts import TEXT_FIELDS, TextInvalid, set_venue_text
from models.booking.venues import (
    MAX_PLACES,
    RULES,
    BlackoutInvalid,
    HoursInvalid,
    NumberInvalid,
    add_blackout,
    change_slot_capacity,
    managed_slot,
    managed_venue,
    parse_rule,
    rule_value,
    set_rule,
    set_weekday_hours,
)
from models.core.errors import DomainError, NotFound

Ask = dict[str, Any]
ASK_PATTERN = r"^va:(n|hd|ba|sc|tx):"
# The refusals that keep the question open: explained, then asked again.
INVALID: dict[str, type[DomainError] | tuple[type[DomainError], ...]] = {
    "n": NumberInvalid,
    "hd": HoursInvalid,
    "ba": BlackoutInvalid,
    "sc": (NumberInvalid, CapacityBelowTaken),
    "tx": TextInvalid,
}


def periods_text(context: TongxinContext, periods: list[Period]) -> str:
    """``09:00-12:00, 14:00-17:00``, or closed."""
    if not periods:
        return context.t("venues_admin.hours.closed")
    return format_periods(periods).replace(" ", ", ")


async def prompt_screen(context: TongxinContext, ask: Ask) -> Screen:
    """The question, with ⬅️ (to where it was asked) and 🏠; the scope is checked again."""
    t = context.t
    scopes = await current_scopes(context)
    async with context.services.sessions() as session:
        if ask["ask"] == "sc":
            slot, venue = await managed_slot(session, scopes, ask["id"])
            tz = context.services.settings.tz
            day = slot.starts_at.astimezone(tz).date()
            text = t(
                "venues_admin.ask.slot_capacity",
                capacity=slot.capacity,
                taken=slot.taken,
                high=MAX_PLACES,
                day=days_text(t, day, day),
                span=f"{format_clock(slot.starts_at, tz)}–{format_clock(slot.ends_at, tz)}",
            )
            return text, [nav_buttons(t, f"va:s:{slot.id}", HOME)]
        venue, _centre = await managed_venue(session, scopes, ask["id"])
        name = venue.name(t.language)
        if ask["ask"] == "n":
            rule = RULES[ask["key"]]
            text = t(
                "venues_admin.ask.number",
                name=name,
                rule=t(RULE_NAMES[ask["key"]]),
                value=rule_value(venue, ask["key"]),
                low=rule.low,
                high=rule.high,
            )
            return text, [nav_buttons(t, f"va:v:{venue.id}", HOME)]
        if ask["ask"] == "hd":
            weekday = int(ask["key"])
            assert venue.id is not None
            hours = await hours_of(session, venue.id)
            current = [(h.opens, h.closes) for h in hours if h.weekday == weekday]
            text = t(
                "venues_admin.ask.hours",
                name=name,
                weekday=weekday_name(t, weekday),
                current=periods_text(context, current),
            )
            return text, [nav_buttons(t, f"va:h:{venue.id}", HOME)]
        if ask["ask"] == "ba":
            back = nav_buttons(t, f"va:b:{venue.id}", HOME)
            return t("venues_admin.ask.blackout", name=name), [back]
        if ask["ask"] == "tx":
            column, longest = TEXT_FIELDS[ask["key"]]
            text = t(
                "venues_admin.ask.text",
                name=name,
                field=t(TEXT_NAMES[ask["key"]]),
                current=getattr(venue, column) or "-",
                max=longest,
            )
            return text, [nav_buttons(t, f"va:v:{venue.id}", HOME)]
    raise NotFound()


def _invalid(ask: Ask) -> DomainError:
    """What an answer that is not text (a sticker, a photo) is told, per question."""
    if ask["ask"] == "n":
        rule = RULES[ask["key"]]
        return NumberInvalid(low=rule.low, high=rule.high)
    if ask["ask"] == "sc":
        return NumberInvalid(low=1, high=MAX_PLACES)
    if ask["ask"] == "tx":
        return TextInvalid(max=TEXT_FIELDS[ask["key"]][1])
    return HoursInvalid() if ask["ask"] == "hd" else BlackoutInvalid()


async def apply_answer(context: TongxinContext, ask: Ask, text: str | None) -> Screen:
    """Make the change the answer asks for (audited) and return the confirmation screen."""
    if text is None:
        raise _invalid(ask)
    t, tz = context.t, context.services.settings.tz
    actor = context.person.id if context.person else None
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        if ask["ask"] == "sc":
            slot, venue = await managed_slot(session, scopes, ask["id"])
            slot = await change_slot_capacity(session, actor, slot, text)
            notice = t("venues_admin.done.slot_capacity", capacity=slot.capacity)
            shown = slot_screen(t, slot, venue, tz)
        else:
            venue, centre = await managed_venue(session, scopes, ask["id"])
            if ask["ask"] == "n":
                key = ask["key"]
                value = parse_rule(key, text)
                changed = await set_rule(session, actor, venue, key, value)
                if key == "cap":
                    notice = t("venues_admin.done.capacity", value=value, slots=changed)
                else:
                    notice = t("venues_admin.done.rule", rule=t(RULE_NAMES[key]), value=value)
                shown = await card_screen(t, session, venue, centre)
            elif ask["ask"] == "tx":
                await set_venue_text(session, actor, venue, ask["key"], text)
                notice = t("venues_admin.done.text", field=t(TEXT_NAMES[ask["key"]]))
                shown = await card_screen(t, session, venue, centre)
            elif ask["ask"] == "hd":
                weekday = int(ask["key"])
                periods = await set_weekday_hours(session, actor, venue, weekday, text)
                msgid = "venues_admin.done.hours" if periods else "venues_admin.done.hours_closed"
                notice = t(
                    msgid, weekday=weekday_name(t, weekday), periods=periods_text(context, periods)
                )
                shown = await hours_screen(t, session, venue)
            else:
                row = await add_blackout(session, actor, venue, text)
                notice = t(
                    "venues_admin.done.blackout_added",
                    days=days_text(t, row.first_day, row.last_day),
                    reason=row.reason_en if t.language == "en" else row.reason_zh,
                )
                shown = await blackouts_screen(t, session, venue)
    return f"{notice}\n\n{shown[0]}", shown[1]


async def origin_screen(context: TongxinContext, ask: Ask | None) -> Screen:
    """The screen a question was asked from (for ⬅️)."""
    t, tz = context.t, context.services.settings.tz
    scopes = await current_scopes(context)
    async with context.services.sessions() as session:
        if not isinstance(ask, dict) or ask.get("ask") not in INVALID:
            raise NotFound()
        if ask["ask"] == "sc":
            return slot_screen(t, *await managed_slot(session, scopes, ask["id"]), tz)
        venue, centre = await managed_venue(session, scopes, ask["id"])
        if ask["ask"] == "hd":
            return await hours_screen(t, session, venue)
        if ask["ask"] == "ba":
            return await blackouts_screen(t, session, venue)
        return await card_screen(t, session, venue, centre)
