"""/actions: the joint meeting's action items. Owners see theirs and mark one done; secretaries
and admins see every open one and record a new decision, one question at a time: what was
decided → who owns it (a committee member) → for which town → by when ("12月20日") → confirm."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from bot.timefmt import format_day
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
from models.core.errors import DomainError
from models.core.phrases import find_day
from models.governance import (
    ActionView,
    committee,
    mark_done,
    meeting_towns,
    open_actions,
    record_action,
)

FLOW = "governance_actions"
LIST, ITEM, TEXT, OWNER, TOWN, DUE, CONFIRM = (
    "list",
    "item",
    "text",
    "owner",
    "town",
    "due",
    "confirm",
)
ADD = "add"
SHORT = 24  # characters of a decision shown on its button


class ActionDraft(TypedDict, total=False):
    """The item looked at, or the decision being recorded."""

    item: int
    text: str
    owner: int
    town: int
    due: str
    owner_name: str
    town_name: str
    names: dict[str, str]  # the last choices' names shown, by key (owners, then towns)


def _label(context: TongxinContext, view: ActionView, manager: bool) -> str:
    t = context.t
    words = view.item.text if len(view.item.text) <= SHORT else view.item.text[:SHORT] + "…"
    due = format_day(view.item.due_on, t.language, short=True)
    if manager:
        return t("governance.action.label_owner", due=due, owner=view.owner_name or "—", text=words)
    return t("governance.action.label", due=due, text=words)


@requires(Action.MEETING_VIEW)
async def show_actions(update: Update, context: TongxinContext, first: str = "") -> object:
    """The open action items (one's own, or all for a secretary)."""
    t, scopes = context.t, await current_scopes(context)
    manager = holds(scopes, Action.MEETING_MANAGE)
    views = await run(context, open_actions, person=me(context), scopes=scopes)
    options = [Option(str(v.item.id), _label(context, v, manager)) for v in views]
    extra = [Option(ADD, t("governance.action.button.add"))] if manager else []
    text = t("governance.action.list") if views else t("governance.action.none")
    return await ask(update, context, text, options, LIST, first=first, extra=extra)


async def on_list(update: Update, context: TongxinContext) -> object:
    """An item to look at, or a new decision."""
    key = chosen(update, context)
    if key == ADD and holds(await current_scopes(context), Action.MEETING_MANAGE):
        return await ask_text(update, context)
    if key is None or not key.isdigit():
        return await show_actions(update, context)
    draft(context, ActionDraft)["item"] = int(key)
    t = context.t
    options = [Option("done", t("governance.action.button.done"), Means(yes=True))]
    return await ask(update, context, t("governance.action.ask.done"), options, ITEM)


async def on_item(update: Update, context: TongxinContext) -> object:
    """Mark the item done."""
    if chosen(update, context) != "done":
        return await show_actions(update, context)
    try:
        view = await run(
            context,
            mark_done,
            person=me(context),
            scopes=await current_scopes(context),
            item_id=draft(context, ActionDraft).get("item", 0),
        )
    except DomainError as error:
        return await show_actions(update, context, error_text(context, error))
    return await show_actions(
        update, context, context.t("governance.action.done", text=view.item.text)
    )


async def ask_text(update: Update, context: TongxinContext, first: str = "") -> object:
    """What was decided, typed."""
    return await ask(
        update,
        context,
        context.t("governance.action.ask.text"),
        [],
        TEXT,
        first=first,
        free_text=True,
    )


async def on_text(update: Update, context: TongxinContext) -> object:
    """The decision's words; then its owner."""
    words = " ".join((message_text(update) or "").split())
    if not words or len(words) > 500:
        return await ask_text(update, context, context.t("governance.action.error.text"))
    draft(context, ActionDraft)["text"] = words
    return await ask_owner(update, context)


async def ask_owner(update: Update, context: TongxinContext) -> object:
    """Who owns it: a committee member or secretary."""
    people = await run(context, committee)
    options = [Option(str(p.id), p.display_name or str(p.id)) for p in people]
    draft(context, ActionDraft)["names"] = {o.key: o.label for o in options}
    return await ask(update, context, context.t("governance.action.ask.owner"), options, OWNER)


async def on_owner(update: Update, context: TongxinContext) -> object:
    """The owner; then the town."""
    key = chosen(update, context)
    if key is None or not key.isdigit():
        return await ask_owner(update, context)
    data = draft(context, ActionDraft)
    data["owner"], data["owner_name"] = int(key), data.get("names", {}).get(key, "—")
    return await ask_town(update, context)


async def ask_town(update: Update, context: TongxinContext) -> object:
    """For which town."""
    towns = await run(context, meeting_towns)
    options = [Option(str(t.id), t.name(context.lang)) for t in towns]
    draft(context, ActionDraft)["names"] = {o.key: o.label for o in options}
    return await ask(update, context, context.t("governance.action.ask.town"), options, TOWN)


async def on_town(update: Update, context: TongxinContext) -> object:
    """The town; then the due day."""
    key = chosen(update, context)
    if key is None or not key.isdigit():
        return await ask_town(update, context)
    data = draft(context, ActionDraft)
    data["town"], data["town_name"] = int(key), data.get("names", {}).get(key, "—")
    return await ask_due(update, context)


async def ask_due(update: Update, context: TongxinContext, first: str = "") -> object:
    """By when, typed."""
    return await ask(
        update,
        context,
        context.t("governance.action.ask.due"),
        [],
        DUE,
        first=first,
        free_text=True,
    )


async def on_due(update: Update, context: TongxinContext) -> object:
    """The due day; then confirm."""
    day = find_day(message_text(update) or "", today(context))
    if day is None or day < today(context):
        return await ask_due(update, context, context.t("governance.action.ask.due_again"))
    draft(context, ActionDraft)["due"] = day.isoformat()
    return await ask_confirm(update, context)


async def ask_confirm(update: Update, context: TongxinContext) -> object:
    """Restate the decision and ask to save it."""
    t, data = context.t, draft(context, ActionDraft)
    text = t(
        "governance.action.ask.confirm",
        text=data.get("text", ""),
        owner=data.get("owner_name", "—"),
        town=data.get("town_name", "—"),
        due=format_day(date.fromisoformat(data.get("due", "")), t.language),
    )
    return await ask(update, context, text, save_or_discard(t), CONFIRM)


async def on_confirm(update: Update, context: TongxinContext) -> object:
    """Save the action item, or keep nothing."""
    answer = chosen(update, context)
    if answer == "no":
        return await leave(update, context, "governance.meeting.not_saved")
    if answer != "yes":
        return await ask_confirm(update, context)
    data = draft(context, ActionDraft)
    try:
        view = await run(
            context,
            record_action,
            person=me(context),
            scopes=await current_scopes(context),
            text=data.get("text", ""),
            owner_id=data.get("owner", 0),
            town_id=data.get("town", 0),
            due_on=date.fromisoformat(data.get("due", "")),
        )
    except DomainError as error:
        return await leave(
            update, context, "governance.meeting.refused", why=error_text(context, error)
        )
    return await show_actions(
        update, context, context.t("governance.action.saved", owner=view.owner_name)
    )


def actions_conversation() -> BaseHandler:  # type: ignore[type-arg]
    """The /actions flow."""
    return conversation(
        FLOW,
        entry_points=[CommandHandler("actions", show_actions)],
        screens={
            LIST: Screen(on_list, back=leave),
            ITEM: Screen(on_item, back=show_actions),
            TEXT: Screen(on_text, back=show_actions),
            OWNER: Screen(on_owner, back=ask_text),
            TOWN: Screen(on_town, back=ask_owner),
            DUE: Screen(on_due, back=ask_town),
            CONFIRM: Screen(on_confirm, back=ask_due),
        },
    )
