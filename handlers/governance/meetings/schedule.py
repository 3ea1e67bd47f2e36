"""/meeting: the next joint meeting (planned, or the bot's proposal), its agenda draft, and for
secretaries and admins: setting it, one question at a time: the day (typed "12月20日" or the
proposed one) → morning or afternoon → the host town → the place → confirm; and the
"我们这样做了" notice (``notice``)."""

from __future__ import annotations

from datetime import date, time
from typing import TypedDict

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from bot.timefmt import format_day, format_when
from handlers.governance.meetings.agenda import agenda_text
from handlers.governance.meetings.notice import (
    NOTICE_CONFIRM,
    NOTICE_TOWN,
    ask_notice_town,
    on_notice_confirm,
    on_notice_town,
)
from handlers.governance.meetings.texts import save_or_discard
from handlers.kit import (
    Means,
    Option,
    Screen,
    ask,
    chosen,
    conversation,
    current_scopes,
    draft,
    error_text,
    leave,
    me,
    message_text,
    requires,
    run,
    today,
)
from models.core.authz import Action, holds
from models.core.base import TOWNS_TZ
from models.core.errors import DomainError
from models.core.phrases import find_day
from models.governance import agenda_draft, meeting_towns, next_meeting, plan_meeting

FLOW = "governance_meeting"
MENU, DAY, HOUR, HOST, PLACE, CONFIRM = "menu", "day", "hour", "host", "place", "confirm"
HOURS = {"am": time(9, 0), "pm": time(14, 30)}
HOUR_LABELS = {"am": "governance.meeting.button.am", "pm": "governance.meeting.button.pm"}


class MeetingDraft(TypedDict, total=False):
    """The meeting being set: the day (ISO), the hour's key, the host town, the place."""

    proposed: str
    day: str
    hour: str
    host: int
    place: str


@requires(Action.MEETING_VIEW)
async def show_meeting(update: Update, context: TongxinContext) -> object:
    """The next meeting and what can be done with it."""
    t, lang = context.t, context.lang
    view = await run(context, next_meeting)
    if view.starts_at is None:
        text = t("governance.meeting.none", town=view.host_town.name(lang))
    else:
        msgid = "governance.meeting.planned" if view.id else "governance.meeting.proposed"
        when = format_when(view.starts_at, lang, TOWNS_TZ)
        text = t(msgid, when=when, town=view.host_town.name(lang), place=view.where(lang))
        draft(context, MeetingDraft)["proposed"] = (
            view.starts_at.astimezone(TOWNS_TZ).date().isoformat()
        )
    options = [Option("agenda", t("governance.meeting.button.agenda"))]
    if holds(await current_scopes(context), Action.MEETING_MANAGE):
        options.append(Option("plan", t("governance.meeting.button.plan")))
        options.append(Option("notice", t("governance.meeting.button.notice")))
    return await ask(update, context, text, options, MENU)


async def on_menu(update: Update, context: TongxinContext) -> object:
    """The agenda draft, or setting the meeting."""
    match chosen(update, context):
        case "agenda":
            agenda = await run(context, agenda_draft, scopes=await current_scopes(context))
            return await leave(
                update,
                context,
                "governance.meeting.agenda_shown",
                agenda=agenda_text(context, agenda),
            )
        case "plan" if holds(await current_scopes(context), Action.MEETING_MANAGE):
            return await ask_day(update, context)
        case "notice" if holds(await current_scopes(context), Action.MEETING_MANAGE):
            return await ask_notice_town(update, context)
    return await show_meeting(update, context)


async def ask_day(update: Update, context: TongxinContext, first: str = "") -> object:
    """Which day: typed, or the proposed one."""
    t = context.t
    proposed = draft(context, MeetingDraft).get("proposed")
    options = []
    if proposed:
        day = date.fromisoformat(proposed)
        label = t("governance.meeting.button.proposed", day=format_day(day, t.language))
        options.append(Option("proposed", label, Means(day=day)))
    return await ask(
        update, context, t("governance.meeting.ask.day"), options, DAY, first=first, free_text=True
    )


async def on_day(update: Update, context: TongxinContext) -> object:
    """The day; then the time of day."""
    data = draft(context, MeetingDraft)
    if chosen(update, context) == "proposed" and data.get("proposed"):
        day: date | None = date.fromisoformat(data["proposed"])
    else:
        day = find_day(message_text(update) or "", today(context))
    if day is None or day < today(context):
        return await ask_day(update, context, context.t("governance.meeting.ask.day_again"))
    data["day"] = day.isoformat()
    return await ask_hour(update, context)


async def ask_hour(update: Update, context: TongxinContext) -> object:
    """Morning or afternoon."""
    t = context.t
    options = [Option(key, t(label)) for key, label in HOUR_LABELS.items()]
    return await ask(update, context, t("governance.meeting.ask.hour"), options, HOUR)


async def on_hour(update: Update, context: TongxinContext) -> object:
    """The hour; then the host town."""
    key = chosen(update, context)
    if key not in HOURS:
        return await ask_hour(update, context)
    draft(context, MeetingDraft)["hour"] = key
    return await ask_host(update, context)


async def ask_host(update: Update, context: TongxinContext) -> object:
    """Which town hosts it."""
    towns = await run(context, meeting_towns)
    options = [Option(str(town.id), town.name(context.lang)) for town in towns]
    return await ask(update, context, context.t("governance.meeting.ask.host"), options, HOST)


async def on_host(update: Update, context: TongxinContext) -> object:
    """The host; then the place."""
    key = chosen(update, context)
    if key is None or not key.isdigit():
        return await ask_host(update, context)
    draft(context, MeetingDraft)["host"] = int(key)
    return await ask_place(update, context)


async def ask_place(update: Update, context: TongxinContext) -> object:
    """Where: the host town's centre, or typed."""
    t = context.t
    options = [Option("centre", t("governance.meeting.button.centre"))]
    return await ask(
        update, context, t("governance.meeting.ask.place"), options, PLACE, free_text=True
    )


async def on_place(update: Update, context: TongxinContext) -> object:
    """The place; then confirm."""
    data = draft(context, MeetingDraft)
    typed = (message_text(update) or "").strip()
    if chosen(update, context) == "centre":
        data["place"] = ""
    elif typed and len(typed) <= 120:
        data["place"] = typed
    else:
        return await ask_place(update, context)
    return await ask_confirm(update, context)


async def ask_confirm(update: Update, context: TongxinContext) -> object:
    """Restate the meeting and ask to save it."""
    t, data = context.t, draft(context, MeetingDraft)
    towns = {town.id: town for town in await run(context, meeting_towns)}
    town = towns.get(data.get("host"))
    text = t(
        "governance.meeting.ask.confirm",
        day=format_day(date.fromisoformat(data.get("day", "")), t.language),
        hour=t(HOUR_LABELS.get(data.get("hour", "am"), HOUR_LABELS["am"])),
        town=town.name(t.language) if town else "—",
        place=data.get("place") or t("governance.meeting.button.centre"),
    )
    return await ask(update, context, text, save_or_discard(t), CONFIRM)


async def on_confirm(update: Update, context: TongxinContext) -> object:
    """Save the meeting (the committee is reminded before it), or keep nothing."""
    answer = chosen(update, context)
    if answer == "no":
        return await leave(update, context, "governance.meeting.not_saved")
    if answer != "yes":
        return await ask_confirm(update, context)
    data = draft(context, MeetingDraft)
    try:
        view = await run(
            context,
            plan_meeting,
            person=me(context),
            scopes=await current_scopes(context),
            day=date.fromisoformat(data.get("day", "")),
            at=HOURS[data.get("hour", "am")],
            host_town_id=data.get("host", 0),
            place=data.get("place", ""),
        )
    except DomainError as error:
        return await leave(
            update, context, "governance.meeting.refused", why=error_text(context, error)
        )
    when = format_when(view.starts_at, context.lang, TOWNS_TZ) if view.starts_at else "—"
    where = view.where(context.lang)
    return await leave(
        update,
        context,
        "governance.meeting.saved",
        when=when,
        town=view.host_town.name(context.lang),
        place=where,
    )


def meeting_conversation() -> BaseHandler:  # type: ignore[type-arg]
    """The /meeting flow."""
    return conversation(
        FLOW,
        entry_points=[CommandHandler("meeting", show_meeting)],
        screens={
            MENU: Screen(on_menu, back=leave),
            DAY: Screen(on_day, back=show_meeting),
            HOUR: Screen(on_hour, back=ask_day),
            HOST: Screen(on_host, back=ask_hour),
            PLACE: Screen(on_place, back=ask_host),
            CONFIRM: Screen(on_confirm, back=ask_place),
            NOTICE_TOWN: Screen(on_notice_town, back=show_meeting),
            NOTICE_CONFIRM: Screen(on_notice_confirm, back=ask_notice_town),
        },
    )
