"""The town admin's disputes settings screens (/mediation): the towns they manage, a town's SLA
timings (each changed by typing a number), which mediators take which category, and one
category's mediators. Every screen ends with ⬅️ and 🏠; texts are plain (no parse mode).
"""

from __future__ import annotations

from bot.context import TongxinContext
from bot.i18n import N_, Translator
from handlers.disputes.mediator.screens import Inline, button, pairs
from handlers.kit import nav_buttons
from models.core.places import Town
from models.disputes import CATEGORY, TIMINGS, TOWN_SETTINGS, Category, TownSettings

HOME = TOWN_SETTINGS.data("home")
TOWNS = TOWN_SETTINGS.data("towns")
NAMES = {
    "first_response_hours": N_("disputes_settings.timing.first_response_hours"),
    "realert_minutes": N_("disputes_settings.timing.realert_minutes"),
    "head_minutes": N_("disputes_settings.timing.head_minutes"),
    "admins_minutes": N_("disputes_settings.timing.admins_minutes"),
    "nudge_days": N_("disputes_settings.timing.nudge_days"),
    "chase_hours": N_("disputes_settings.timing.chase_hours"),
    "followup_days": N_("disputes_settings.timing.followup_days"),
    "retention_days": N_("disputes_settings.timing.retention_days"),
    "proxy_answer_hours": N_("disputes_settings.timing.proxy_answer_hours"),
}
UNITS = {
    "hours": N_("disputes_settings.unit.hours"),
    "minutes": N_("disputes_settings.unit.minutes"),
    "days": N_("disputes_settings.unit.days"),
}

UNIT_NAMES = {
    "hours": N_("disputes_settings.unit_name.hours"),
    "minutes": N_("disputes_settings.unit_name.minutes"),
    "days": N_("disputes_settings.unit_name.days"),
}


def amount(t: Translator, key: str, value: int) -> str:
    """A timing's value in its unit: "24 小时", "120 minutes"."""
    return t.n(UNITS[TIMINGS[key].unit], value, count=value)


def towns_screen(context: TongxinContext, towns: list[Town]) -> Inline:
    """Which town's settings (for admins of both towns)."""
    t = context.t
    rows = [
        [button(town.name(context.lang), TOWN_SETTINGS.data("town", town.id or 0))]
        for town in towns
    ]
    return t("disputes_settings.towns.ask"), [*rows, nav_buttons(t, HOME, HOME)]


def town_screen(context: TongxinContext, shown: TownSettings, back: str, note: str = "") -> Inline:
    """The town's timings, numbered, a ✏️ button for each; then the categories' mediators."""
    t, town_id = context.t, shown.town.id or 0
    lines = [
        t(
            "disputes_settings.timing.line",
            n=n,
            name=t(NAMES[key]),
            value=amount(t, key, getattr(shown.policy, key)),
        )
        for n, key in enumerate(TIMINGS, 1)
    ]
    text = "\n".join(
        [t("disputes_settings.town.title", town=shown.town.name(context.lang)), *lines]
    )
    text = f"{text}\n\n{t('disputes_settings.town.hint')}"
    change = [
        button(t("disputes_settings.button.change", n=n), TOWN_SETTINGS.data("ask", town_id, key))
        for n, key in enumerate(TIMINGS, 1)
    ]
    routes = button(t("disputes_settings.button.routes"), TOWN_SETTINGS.data("cats", town_id))
    buttons = [*pairs(change), [routes], nav_buttons(t, back, HOME)]
    return (f"{note}\n\n{text}" if note else text), buttons


def _who(t: Translator, shown: TownSettings, category: Category) -> str:
    chosen = shown.routes[category]
    if not chosen:
        return t("disputes_settings.routes.everyone")
    names = dict(shown.mediators)
    return t("disputes_settings.routes.separator").join(names.get(m, "—") for m in chosen)


def routes_screen(context: TongxinContext, shown: TownSettings) -> Inline:
    """Every category with who takes it; a button per category to change it."""
    t, town_id = context.t, shown.town.id or 0
    lines = [
        t("disputes_settings.routes.line", n=n, category=t(CATEGORY[c]), who=_who(t, shown, c))
        for n, c in enumerate(Category, 1)
    ]
    head = t("disputes_settings.routes.title", town=shown.town.name(context.lang))
    text = "\n".join([head, *lines, "", t("disputes_settings.routes.hint")])
    chosen = [button(t(CATEGORY[c]), TOWN_SETTINGS.data("cat", town_id, c.value)) for c in Category]
    back = TOWN_SETTINGS.data("town", town_id)
    return text, [*pairs(chosen), nav_buttons(t, back, HOME)]


def category_screen(
    context: TongxinContext, shown: TownSettings, category: Category, note: str = ""
) -> Inline:
    """One category: its town's mediators, ✅ the chosen ones; a tap chooses or takes off."""
    t, town_id = context.t, shown.town.id or 0
    name = t(CATEGORY[category])
    parts = [t("disputes_settings.category.title", category=name, who=_who(t, shown, category))]
    if not shown.mediators:
        parts.append(t("disputes_settings.category.no_mediators"))
    else:
        parts.append(t("disputes_settings.category.hint"))
    chosen = set(shown.routes[category])
    rows = [
        [
            button(
                t(
                    "disputes_settings.category.chosen"
                    if mid in chosen
                    else "disputes_settings.category.not_chosen",
                    name=person,
                ),
                TOWN_SETTINGS.data("rt", town_id, category.value, mid),
            )
        ]
        for mid, person in shown.mediators
    ]
    if chosen:
        everyone = TOWN_SETTINGS.data("all", town_id, category.value)
        rows.append([button(t("disputes_settings.category.everyone"), everyone)])
    back = TOWN_SETTINGS.data("cats", town_id)
    text = "\n\n".join(parts)
    return (f"{note}\n\n{text}" if note else text), [*rows, nav_buttons(t, back, HOME)]


def ask_text(context: TongxinContext, shown: TownSettings, key: str) -> str:
    """The question for one timing: its name, its value now, the range allowed."""
    t, timing = context.t, TIMINGS[key]
    return t(
        "disputes_settings.ask",
        name=t(NAMES[key]),
        value=amount(t, key, getattr(shown.policy, key)),
        unit=t(UNIT_NAMES[timing.unit]),
        low=timing.low,
        high=timing.high,
    )
