"""Broadcast taps: approval requests to admins, /broadcasts history, cancelling.

Callback data carries the broadcast id (``bc:ok:12``, ``bc:cancel:12``); every tap is checked by
``@requires`` for the action, then by the domain for the object (forged or foreign ids refused).
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.broadcasts.screens import describe_audience
from handlers.kit import (
    Buttons,
    Wiring,
    current_scopes,
    leave_to_main_menu,
    refuse_tap,
    requires,
    show_screen,
)
from models.broadcasts.compose import (
    ACTIVE,
    Broadcast,
    approve,
    approvers,
    cancel_broadcast,
    get_broadcast,
    history,
    may_cancel,
    reject,
)
from models.broadcasts.sending import NOTICE_MSGID, number, progress_many
from models.core.authz import Action
from models.core.base import utcnow
from models.core.errors import DomainError, NotFound
from models.core.outbox import OutboxKind, enqueue, text_payload
from models.core.people import Person

logger = logging.getLogger(__name__)

MAX_ID = 2**31 - 1


def _id(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise NotFound()
    return int(value)


def _when(t: Translator, context: TongxinContext, broadcast: Broadcast) -> str:
    if broadcast.send_at <= utcnow():
        return t("broadcast.when.on_approval")
    local = broadcast.send_at.astimezone(context.services.settings.tz)
    return t("broadcast.when.at", date=local.strftime("%Y-%m-%d %H:%M"))


async def request_approval(
    context: TongxinContext, session: AsyncSession, broadcast: Broadcast, author: Person
) -> int:
    """Ask every admin of the town (not the author), in their language, with ✅/❌ buttons."""
    sent = 0
    for admin in await approvers(session, broadcast, context.services.settings.admin_ids):
        t = context.services.i18n.translator(admin.language)
        text = t(
            "broadcast.approval.request",
            id=broadcast.id,
            author=author.display_name or t("broadcast.unnamed"),
            audience=await describe_audience(
                t, context, broadcast.audience_kind, broadcast.audience_value
            ),
            count=number(broadcast.recipients),
            when=_when(t, context, broadcast),
            notice=t(NOTICE_MSGID, text=broadcast.text),
        )
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t("broadcast.approve"), callback_data=f"bc:ok:{broadcast.id}"
                    ),
                    InlineKeyboardButton(
                        t("broadcast.reject"), callback_data=f"bc:no:{broadcast.id}"
                    ),
                ]
            ]
        )
        payload = text_payload(text, reply_markup=markup.to_dict())
        if broadcast.photo_file_id:
            payload["photo"] = broadcast.photo_file_id
        assert admin.chat_id is not None
        sent += await enqueue(
            session,
            chat_id=admin.chat_id,
            person_id=admin.id,
            kind=OutboxKind.APPROVAL,
            payload=payload,
            dedupe_key=f"bc:{broadcast.id}:approve:{admin.id}",
            urgent=False,
        )
    if not sent:
        logger.warning("broadcast %s waits for approval but no admin can approve it", broadcast.id)
    return sent


@requires(Action.BROADCAST)
async def history_command(update: Update, context: TongxinContext) -> None:
    """/broadcasts: the author's latest broadcasts, with Cancel for those not finished."""
    await _history(update, context)


async def _history(update: Update, context: TongxinContext) -> None:
    t, person = context.t, context.person
    assert person is not None
    async with context.services.sessions() as session:
        mine = await history(session, person)
        counts = await progress_many(session, [b.id for b in mine if b.id is not None])
    lines, buttons = [t("broadcast.history.title")], []
    if not mine:
        lines.append(t("broadcast.history.empty"))
    tz = context.services.settings.tz
    for broadcast in mine:
        assert broadcast.id is not None
        lines.append(
            t(
                "broadcast.history.line",
                id=broadcast.id,
                date=broadcast.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
                status=t(f"broadcast.status.{broadcast.status}"),
                sent=number(counts[broadcast.id].sent),
                total=number(broadcast.recipients),
                text=broadcast.text[:30],
            )
        )
        if broadcast.status in {s.value for s in ACTIVE}:
            label = t("broadcast.button.cancel", id=broadcast.id)
            buttons.append([InlineKeyboardButton(label, callback_data=f"bc:cancel:{broadcast.id}")])
    buttons.append([InlineKeyboardButton(t("nav.home"), callback_data="bc:home")])
    await show_screen(update, context, "\n\n".join(lines), buttons)


@requires(Action.BROADCAST)
async def broadcast_callback(update: Update, context: TongxinContext) -> None:
    """Every ``bc:`` tap: approve, reject, history, cancel (asked, then done), home."""
    assert update.callback_query is not None
    parts = (update.callback_query.data or "").split(":")
    try:
        match parts:
            case ["bc", "ok" | "no" as verdict, broadcast_id]:
                await _decide(update, context, _id(broadcast_id), verdict == "ok")
            case ["bc", "list"]:
                await _history(update, context)
            case ["bc", "home"]:
                await leave_to_main_menu(update, context)
            case ["bc", "cancel", broadcast_id]:
                await _confirm_cancel(update, context, _id(broadcast_id))
            case ["bc", "stop", broadcast_id]:
                await _cancel(update, context, _id(broadcast_id))
            case _:
                raise NotFound()
    except DomainError as error:
        await refuse_tap(update, context, error)


async def _decide(update: Update, context: TongxinContext, broadcast_id: int, ok: bool) -> None:
    assert context.person is not None
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        actor = await session.get(Person, context.person.id)
        assert actor is not None
        decide = approve if ok else reject
        await decide(session, broadcast_id, actor, scopes)
    logger.info(
        "person %s %s broadcast %s", actor.id, "approved" if ok else "rejected", broadcast_id
    )
    msgid = "broadcast.decided.approved" if ok else "broadcast.decided.rejected"
    await _mark_decided(update, context.t(msgid, id=broadcast_id))


async def _mark_decided(update: Update, decision: str) -> None:
    """Keep the request's text, drop its buttons, add the decision (photo requests: caption)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    message = query.message
    has_photo = isinstance(message, Message) and bool(message.photo)
    original = (
        (message.caption if has_photo else message.text) if isinstance(message, Message) else ""
    )
    text = f"{original}\n\n{decision}" if original else decision
    try:
        if has_photo:
            await query.edit_message_caption(text[:1024], reply_markup=None)
        else:
            await query.edit_message_text(text[:4096], reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def _confirm_cancel(update: Update, context: TongxinContext, broadcast_id: int) -> None:
    assert context.person is not None
    t = context.t
    async with context.services.sessions() as session:
        broadcast = await get_broadcast(session, broadcast_id)
    if not may_cancel(broadcast, context.person, await current_scopes(context)):
        raise NotFound()
    buttons: Buttons = [
        [InlineKeyboardButton(t("broadcast.cancel.yes"), callback_data=f"bc:stop:{broadcast_id}")],
        [
            InlineKeyboardButton(t("nav.back"), callback_data="bc:list"),
            InlineKeyboardButton(t("nav.home"), callback_data="bc:home"),
        ],
    ]
    text = t("broadcast.cancel.confirm", id=broadcast_id, text=broadcast.text[:60])
    await show_screen(update, context, text, buttons)


async def _cancel(update: Update, context: TongxinContext, broadcast_id: int) -> None:
    assert context.person is not None
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        actor = await session.get(Person, context.person.id)
        assert actor is not None
        stopped = await cancel_broadcast(session, broadcast_id, actor, scopes)
    logger.info("person %s cancelled broadcast %s", actor.id, broadcast_id)
    text = context.t("broadcast.cancelled", id=broadcast_id, stopped=number(stopped))
    buttons: Buttons = [[InlineKeyboardButton(context.t("nav.back"), callback_data="bc:list")]]
    await show_screen(update, context, text, buttons)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """/broadcasts and the ``bc:`` taps."""
    return [
        CommandHandler("broadcasts", history_command),
        CallbackQueryHandler(broadcast_callback, pattern=r"^bc:"),
    ]
