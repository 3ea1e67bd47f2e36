"""The "你们提的建议，我们这样做了" notice, from /meeting (secretaries and admins): which town →
the notice as residents will read it → send. It is a broadcast (``send_done_notice``), so the
broadcasts domain's approval rules and delivery apply; the screens' ⬅️ are set in
``schedule``."""

from __future__ import annotations

from typing import TypedDict

from telegram import Update

from bot.context import TongxinContext
from handlers.kit import (
    Means,
    Option,
    ask,
    chosen,
    current_scopes,
    draft,
    error_text,
    leave,
    me,
    run,
)
from models.broadcasts import BroadcastStatus
from models.core.errors import DomainError
from models.governance import done_notice, meeting_towns, send_done_notice

NOTICE_TOWN, NOTICE_CONFIRM = "notice_town", "notice_confirm"


class NoticeDraft(TypedDict, total=False):
    """The town whose residents are told."""

    notice_town: int


async def ask_notice_town(update: Update, context: TongxinContext, first: str = "") -> object:
    """Which town's residents are told."""
    towns = await run(context, meeting_towns)
    options = [Option(str(t.id), t.name(context.lang)) for t in towns]
    text = context.t("governance.notice.ask.town")
    return await ask(update, context, text, options, NOTICE_TOWN, first=first)


async def on_notice_town(update: Update, context: TongxinContext) -> object:
    """The town; then the notice to confirm."""
    key = chosen(update, context)
    if key is None or not key.isdigit():
        return await ask_notice_town(update, context)
    draft(context, NoticeDraft)["notice_town"] = int(key)
    return await ask_notice_confirm(update, context)


async def ask_notice_confirm(update: Update, context: TongxinContext) -> object:
    """The notice as it will read, and whether to send it."""
    t = context.t
    town_id = draft(context, NoticeDraft).get("notice_town", 0)
    try:
        notice = await run(
            context, done_notice, town_id=town_id, heading=t("governance.notice.heading")
        )
    except DomainError as error:
        return await ask_notice_town(update, context, error_text(context, error))
    text = t("governance.notice.ask.confirm", town=notice.town.name(t.language), notice=notice.text)
    options = [
        Option("yes", t("governance.notice.button.send"), Means(yes=True)),
        Option("no", t("governance.meeting.button.discard"), Means(yes=False)),
    ]
    return await ask(update, context, text, options, NOTICE_CONFIRM)


async def on_notice_confirm(update: Update, context: TongxinContext) -> object:
    """Send it as a broadcast (or hold it for approval), or keep nothing."""
    answer = chosen(update, context)
    if answer == "no":
        return await leave(update, context, "governance.meeting.not_saved")
    if answer != "yes":
        return await ask_notice_confirm(update, context)
    settings = context.services.settings
    try:
        broadcast = await run(
            context,
            send_done_notice,
            person=me(context),
            scopes=await current_scopes(context),
            town_id=draft(context, NoticeDraft).get("notice_town", 0),
            heading=context.t("governance.notice.heading"),
            approval_towns=settings.broadcast_approval_towns,
            admin_ids=settings.admin_ids,
            tz=settings.tz,
        )
    except DomainError as error:
        return await leave(
            update, context, "governance.meeting.refused", why=error_text(context, error)
        )
    waiting = broadcast.status == BroadcastStatus.PENDING_APPROVAL.value
    msgid = "governance.notice.pending" if waiting else "governance.notice.sent"
    return await leave(update, context, msgid)
