"""What an admin sees after a /venues change: a confirmation line above the screen it leads to."""

from __future__ import annotations

from bot.context import TongxinContext
from handlers.booking.venues.screens import (
    FLAG_NAMES,
    RULE_NAMES,
    TEXT_NAMES,
    Inline,
    blackout_reason,
    blackouts_screen,
    card_screen,
    days_text,
    hours_screen,
    list_screen,
    periods_text,
    weekday_name,
    yes_no,
)
from handlers.booking.venues.slot_screens import day_screen, days_screen, slot_screen
from models.booking import (
    Answered,
    BlackoutAdded,
    BlackoutRemoved,
    FlagSwitched,
    HoursChanged,
    RuleChanged,
    SlotCard,
    SlotChanged,
    SlotsRegenerated,
    TextChanged,
    VenueBlackouts,
    VenueCard,
    VenueDay,
    VenueDays,
    VenueHours,
    VenueScreen,
)

Change = Answered | FlagSwitched | SlotsRegenerated | BlackoutRemoved


def screen_of(context: TongxinContext, shown: VenueScreen) -> Inline:
    """The screen that shows ``shown``."""
    t, tz = context.t, context.services.settings.tz
    if isinstance(shown, VenueCard):
        return card_screen(t, shown)
    if isinstance(shown, VenueHours):
        return hours_screen(t, shown)
    if isinstance(shown, VenueBlackouts):
        return blackouts_screen(t, shown)
    if isinstance(shown, VenueDays):
        return days_screen(t, shown)
    if isinstance(shown, VenueDay):
        return day_screen(t, shown, tz)
    if isinstance(shown, SlotCard):
        return slot_screen(t, shown, tz)
    return list_screen(t, shown)


def _notice(context: TongxinContext, change: Change) -> tuple[str, VenueScreen]:
    t = context.t
    match change:
        case FlagSwitched(card=card, flag=flag, on=on):
            return t("venues_admin.done.flag", flag=t(FLAG_NAMES[flag]), state=yes_no(t, on)), card
        case RuleChanged(card=card, rule="cap", value=value, slots=slots):
            done = t.n("venues_admin.done.capacity", value, value=value)
            more = t.n("venues_admin.done.capacity.slots", slots, slots=slots)
            return f"{done}\n{more}", card
        case RuleChanged(card=card, rule=rule, value=value):
            return t("venues_admin.done.rule", rule=t(RULE_NAMES[rule]), value=value), card
        case TextChanged(card=card, field=field):
            return t("venues_admin.done.text", field=t(TEXT_NAMES[field])), card
        case HoursChanged(hours=hours, weekday=weekday, periods=periods):
            msgid = "venues_admin.done.hours" if periods else "venues_admin.done.hours_closed"
            words = {"weekday": weekday_name(t, weekday), "periods": periods_text(t, periods)}
            return t(msgid, **words), hours
        case SlotsRegenerated(hours=hours, created=created):
            days = hours.venue.horizon_days
            done = t.n("venues_admin.done.regenerate", created, count=created)
            ahead = t.n("venues_admin.done.regenerate.days", days, days=days)
            return f"{done}\n{ahead}", hours
        case BlackoutAdded(blackouts=blackouts, blackout=row):
            dates = days_text(t, row.first_day, row.last_day)
            text = t("venues_admin.done.blackout_added", days=dates, reason=blackout_reason(t, row))
            return text, blackouts
        case BlackoutRemoved(blackouts=blackouts):
            return t("venues_admin.done.blackout_removed"), blackouts
        case SlotChanged(card=card, what="capacity"):
            capacity = card.slot.capacity
            return t.n("venues_admin.done.slot_capacity", capacity, capacity=capacity), card
        case SlotChanged(card=card):
            closed = card.slot.closed
            msgid = "venues_admin.done.slot_closed" if closed else "venues_admin.done.slot_opened"
            return t(msgid), card
    raise TypeError(f"no confirmation for {change!r}")


def changed_screen(context: TongxinContext, change: Change) -> Inline:
    """The confirmation of ``change`` above the screen it leads back to."""
    notice, shown = _notice(context, change)
    text, buttons = screen_of(context, shown)
    return f"{notice}\n\n{text}", buttons
