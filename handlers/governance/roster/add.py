"""➕ on /roster: one question a screen (name, title, centre, home town, first and last day,
weekdays, hours), then everything restated before it is saved. Each answer is read by
``models.governance`` (a refused one is explained and asked again, nothing kept); ⬅️ goes to
the question before, and from the first back to the roster. The home town is not asked when
only one town can send staff to the chosen centre (with two towns: the other one).
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from bot.i18n import N_
from bot.timefmt import format_day
from handlers.governance.roster.manage import list_screen
from handlers.governance.roster.texts import about, hours_text, weekdays_text
from handlers.kit import (
    END,
    Option,
    Screen,
    Step,
    Tap,
    ask,
    chosen,
    clear_draft,
    conversation,
    current_scopes,
    draft,
    error_text,
    main_menu_keyboard,
    me,
    message_text,
    prompt,
    reply,
    requires,
    run,
    tap_handler,
    today,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotFound
from models.governance import (
    ROSTER,
    RosterChoices,
    SecondmentDraft,
    add_secondment,
    check_days,
    read_day,
    read_hours,
    read_name,
    read_title,
    read_weekdays,
    roster_choices,
)

logger = logging.getLogger(__name__)

STEPS = ("name", "title", "centre", "home", "first", "last", "weekdays", "hours", "confirm")
ASK = {
    "name": N_("roster.ask.name"),
    "title": N_("roster.ask.title"),
    "centre": N_("roster.ask.centre"),
    "home": N_("roster.ask.home"),
    "first": N_("roster.ask.first"),
    "last": N_("roster.ask.last"),
    "weekdays": N_("roster.ask.weekdays"),
    "hours": N_("roster.ask.hours"),
    "confirm": N_("roster.ask.confirm"),
}
WEEKDAY_CHOICES = (0b0011111, 0b1111111, 0b0111111)  # Mon-Fri, every day, Mon-Sat
HOUR_CHOICES = ("09:00-17:00", "08:30-11:30 13:30-17:00", "09:00-12:00", "14:00-17:00")
CHOICE_ONLY = frozenset({"centre", "home", "confirm"})
Draft = dict[str, Any]


class Again(DomainError):
    """An answer that picks none of the choices of a choice-only screen."""

    message_id = "roster.again.choose"


def _draft(context: TongxinContext) -> Draft:
    return draft(context, dict)


async def _choices(context: TongxinContext) -> RosterChoices:
    return await run(context, roster_choices, scopes=await current_scopes(context))


def _last_days(first: date, now: date) -> list[date]:
    """The month's end, three months on, the year's end: those not before the first day."""
    month_end = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    month = first.month + 2
    in_three = date(first.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    days = {month_end, in_three, date(first.year, 12, 31)}
    return sorted(d for d in days if d >= max(first, now))


async def _options(context: TongxinContext, key: str, d: Draft) -> list[Option]:
    t, lang, now = context.t, context.lang, today(context)
    if key == "centre":
        return [Option(str(c.id), c.name(lang)) for c in (await _choices(context)).centres]
    if key == "home":
        towns = (await _choices(context)).home_towns.get(int(d["centre"]), [])
        return [Option(str(town.id), town.name(lang)) for town in towns]
    if key == "first":
        monday = now + timedelta(days=7 - now.weekday())
        days = sorted({now, now + timedelta(days=1), monday})  # on a Sunday: one Monday
        return [Option(day.isoformat(), format_day(day, lang)) for day in days]
    if key == "last":
        first = date.fromisoformat(d["first"])
        return [Option(day.isoformat(), format_day(day, lang)) for day in _last_days(first, now)]
    if key == "weekdays":
        return [Option(str(mask), weekdays_text(t, mask)) for mask in WEEKDAY_CHOICES]
    if key == "hours":
        return [Option(hours, hours_text(hours)) for hours in HOUR_CHOICES]
    if key == "confirm":
        return [
            Option("save", t("roster.add.save")),
            Option("drop", t("roster.add.drop"), destructive=True),
        ]
    return []


async def _summary(context: TongxinContext, d: Draft) -> str:
    found, lang = await _choices(context), context.lang
    centre = next((c for c in found.centres if c.id == int(d["centre"])), None)
    towns = found.home_towns.get(int(d["centre"]), [])
    town = next((x for x in towns if x.id == int(d["home"])), None)
    if centre is None or town is None:  # the admin's grant changed mid-flow
        raise NotFound()
    days = (date.fromisoformat(d["first"]), date.fromisoformat(d["last"]))
    return about(
        context.t, d["name"], d["title"], town.name(lang), centre.name(lang), days,
        int(d["weekdays"]), d["hours"],
    )  # fmt: skip


async def go(update: Update, context: TongxinContext, key: str, first: str = "") -> Any:
    """Ask ``key``, after ``first`` (why the last answer was refused)."""
    d = _draft(context)
    params = {"summary": await _summary(context, d)} if key == "confirm" else {}
    text = prompt(context, ASK[key], **params)
    options = await _options(context, key, d)
    return await ask(
        update, context, text, options, key, first=first, free_text=key not in CHOICE_ONLY
    )


def _read(update: Update, context: TongxinContext, key: str, d: Draft) -> str:
    """The answer to ``key`` as the draft keeps it; a typed ``DomainError`` when it cannot."""
    picked, text, now = chosen(update, context), message_text(update), today(context)
    if key in CHOICE_ONLY:
        if picked is None:
            raise Again()
        return picked
    if key == "name":
        return read_name(text)
    if key == "title":
        return read_title(text)
    if key in ("first", "last"):
        day = date.fromisoformat(picked) if picked else read_day(text, now)
        if key == "last":
            check_days(date.fromisoformat(d["first"]), day, now)
        return day.isoformat()
    if key == "weekdays":
        return picked or str(read_weekdays(text))
    return picked or read_hours(text)


async def _following(context: TongxinContext, key: str, d: Draft) -> str:
    """The next question; the home town is chosen here when only one can be."""
    following = STEPS[STEPS.index(key) + 1]
    if following == "home":
        towns = (await _choices(context)).home_towns.get(int(d["centre"]), [])
        d["home_auto"] = len(towns) == 1
        if d["home_auto"]:
            d["home"] = str(towns[0].id)
            return "first"
    return following


def answer(key: str) -> Step:
    """The step reading the answer to ``key``."""

    async def on_answer(update: Update, context: TongxinContext) -> Any:
        d = _draft(context)
        try:
            d[key] = _read(update, context, key, d)
        except DomainError as error:
            return await go(update, context, key, error_text(context, error))
        return await go(update, context, await _following(context, key, d))

    on_answer.__doc__ = f"Read the answer to {key!r} and ask the next question."
    return on_answer


@requires(Action.ROSTER_MANAGE)
async def start_add(update: Update, context: TongxinContext, _tap: Tap) -> Any:
    """➕: the first question (the staff member's name)."""
    clear_draft(context)
    return await go(update, context, "name")  # its reply answers the tap


async def back_to_roster(update: Update, context: TongxinContext) -> Any:
    """⬅️ on the first question: nothing was kept; the roster."""
    clear_draft(context)
    await reply(update, context, context.t("roster.add.not_saved"), main_menu_keyboard(context))
    await list_screen(update, context, 0)
    return END


def back_from(key: str) -> Step:
    """⬅️ on ``key``: the question asked before it."""

    async def back(update: Update, context: TongxinContext) -> Any:
        index = STEPS.index(key)
        if index == 0:
            return await back_to_roster(update, context)
        before = STEPS[index - 1]
        if before == "home" and _draft(context).get("home_auto"):
            before = "centre"
        return await go(update, context, before)

    return back


async def on_confirm(update: Update, context: TongxinContext) -> Any:
    """Save, or not: the secondment is recorded and the roster shown."""
    key = chosen(update, context)
    if key == "drop":
        return await back_to_roster(update, context)
    if key != "save":
        return await go(update, context, "confirm", error_text(context, Again()))
    d, now = _draft(context), today(context)
    entry = SecondmentDraft(
        name=d["name"], title=d["title"], centre_id=int(d["centre"]), home_town_id=int(d["home"]),
        first_day=date.fromisoformat(d["first"]), last_day=date.fromisoformat(d["last"]),
        weekdays=int(d["weekdays"]), hours=d["hours"],
    )  # fmt: skip
    try:
        saved = await run(
            context, add_secondment, actor=me(context), scopes=await current_scopes(context),
            draft=entry, today=now,
        )  # fmt: skip
    except DomainError as error:
        return await go(update, context, "confirm", error_text(context, error))
    logger.info("person %s added secondment %s", me(context).id, saved.id)
    clear_draft(context)
    text = context.t("roster.added", name=saved.name)
    await reply(update, context, text, main_menu_keyboard(context))
    await list_screen(update, context, 0)
    return END


def add_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """One screen per question of ``STEPS``."""
    screens = {
        key: Screen(on_confirm if key == "confirm" else answer(key), back=back_from(key))
        for key in STEPS
    }
    return conversation(
        "roster_add",
        entry_points=[tap_handler(ROSTER, start_add, actions=("new",))],
        screens=screens,
    )
