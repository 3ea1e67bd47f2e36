"""An event's town quotas and its choice question's answers, changed after creation: inline
screens (``evm:q``, ``evm:o`` …) routed by ``manage``; the typed answers (a quota, an answer's
words) are the small conversation of ``handlers.events.staff.retype``.

Every tap runs one use case that checks the event's town (``models.events.editing``), so a
forged id naming another town's event, or another event's answer, is refused and changes
nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.context import TongxinContext
from bot.timefmt import format_clock
from handlers.events.staff.codes import MANAGE
from handlers.events.staff.screens import HOME, Inline, button
from handlers.kit import Buttons, Tap, current_scopes, error_text, me, nav_buttons, run
from models.events import (
    EventOption,
    OptionChosen,
    TownShare,
    event_options,
    remove_option,
    set_quota,
    town_shares,
)

SCREENS = ("q", "qn", "o", "oe", "ox", "oxx")


def option_label(context: TongxinContext, option: EventOption) -> str:
    """An answer in the organiser's language, with its pick-up time."""
    label = (option.label_en or option.label_zh) if context.lang == "en" else option.label_zh
    if option.pickup_at is None:
        return label
    return f"{label} {format_clock(option.pickup_at, context.services.settings.tz)}"


def _share_words(context: TongxinContext, share: TownShare) -> str:
    t, town = context.t, share.town.name(context.lang)
    if share.quota is None:
        return t("events_staff.quotas.free", town=town, taken=share.held)
    return t("events_staff.quotas.line", town=town, quota=share.quota, taken=share.held)


async def quotas_screen(context: TongxinContext, event_id: int, first: str = "") -> Inline:
    """Every town's share; tap one to change it."""
    t = context.t
    scopes = await current_scopes(context)
    event, shares = await run(context, town_shares, event_id=event_id, scopes=scopes)
    buttons: Buttons = [
        button(_share_words(context, share), "qt", event_id, share.town.id or 0) for share in shares
    ]
    buttons.append(nav_buttons(t, MANAGE.data("ed", event_id), HOME))
    text = t(
        "events_staff.quotas.title",
        name=event.name(context.lang) or event.name_zh, capacity=event.capacity,
    )  # fmt: skip
    return (f"{first}\n\n{text}" if first else text), buttons


async def options_screen(context: TongxinContext, event_id: int, first: str = "") -> Inline:
    """The question's answers, how many chose each; tap one to change it, or ➕ a new one."""
    t = context.t
    found = await run(
        context, event_options, event_id=event_id, scopes=await current_scopes(context)
    )
    line = lambda o, n: t("events_staff.options.line", label=option_label(context, o), chosen=n)  # noqa: E731
    buttons: Buttons = [button(line(o, n), "oe", event_id, o.id or 0) for o, n in found]
    buttons.append(button(t("events_staff.button.option_add"), "oa", event_id))
    buttons.append(nav_buttons(t, MANAGE.data("ed", event_id), HOME))
    text = t("events_staff.options.title")
    return (f"{first}\n\n{text}" if first else text), buttons


async def one_option(context: TongxinContext, event_id: int, option_id: int) -> tuple[str, int]:
    """An answer's words and how many chose it; ("", -1) when the event has no such answer."""
    found = await run(
        context, event_options, event_id=event_id, scopes=await current_scopes(context)
    )
    for option, chosen in found:
        if option.id == option_id:
            return option_label(context, option), chosen
    return "", -1


async def option_screen(
    context: TongxinContext, event_id: int, option_id: int, first: str = ""
) -> Inline:
    """One answer: change its words (or time), or remove it (asked first)."""
    t = context.t
    label, chosen = await one_option(context, event_id, option_id)
    if chosen < 0:
        return await options_screen(context, event_id, t("events_staff.option.gone"))
    buttons: Buttons = [
        button(t("events_staff.button.option_rename"), "or", event_id, option_id),
        button(t("events_staff.button.option_remove"), "ox", event_id, option_id),
        nav_buttons(t, MANAGE.data("o", event_id), HOME),
    ]
    text = t("events_staff.option.title", label=label, chosen=chosen)
    return (f"{first}\n\n{text}" if first else text), buttons


def remove_screen(context: TongxinContext, event_id: int, option_id: int, label: str) -> Inline:
    """Remove it? Keeping it comes first."""
    t = context.t
    buttons: list[list[InlineKeyboardButton]] = [
        button(t("events_staff.button.option_keep"), "oe", event_id, option_id),
        button(t("events_staff.button.option_remove_yes"), "oxx", event_id, option_id),
        nav_buttons(t, MANAGE.data("oe", event_id, option_id), HOME),
    ]
    return t("events_staff.option.remove_ask", label=label), buttons


async def shares_screen(context: TongxinContext, tap: Tap) -> Inline | None:
    """The screen an ``evm:`` quota or answer tap leads to, after the change it asks for."""
    t, e = context.t, tap.id()
    scopes = await current_scopes(context)
    match tap.action:
        case "q":
            return await quotas_screen(context, e)
        case "qn":  # no limit of its own for the town
            offered = await run(
                context, set_quota, event_id=e, town_id=tap.id(1), quota=None, by=me(context),
                scopes=scopes,
            )  # fmt: skip
            done = t("events_staff.quota.saved_free")
            return await quotas_screen(context, e, offered_line(context, done, offered))
        case "o":
            return await options_screen(context, e)
        case "oe":
            return await option_screen(context, e, tap.id(1))
        case "ox":
            label, chosen = await one_option(context, e, tap.id(1))
            if chosen < 0:
                return await options_screen(context, e, t("events_staff.option.gone"))
            return remove_screen(context, e, tap.id(1), label)
        case "oxx":
            try:
                await run(
                    context, remove_option, event_id=e, option_id=tap.id(1), by=me(context),
                    scopes=scopes,
                )  # fmt: skip
            except OptionChosen as error:  # kept: somebody chose it (docs/events.md)
                return await option_screen(context, e, tap.id(1), error_text(context, error))
            return await options_screen(context, e, t("events_staff.option.removed"))
    return None


def offered_line(context: TongxinContext, done: str, offered: int) -> str:
    """What was saved, and how many freed places went to the line at once."""
    if not offered:
        return done
    return f"{done}\n{context.t.n('events_staff.quota.offered', offered, n=offered)}"
