"""Case alerts' buttons (``models.disputes.CASE``, written by the model's notices): 接案, 查看
and 转交 in a private chat, 接案 in a linked mediators' group, and 同意主办 on a handover
request. The first 接案 wins; everyone else is told who took the case.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from handlers.disputes.mediator.cases import show_case, show_list
from handlers.disputes.mediator.common import attempt, load_case, refuse
from handlers.disputes.mediator.screens import Inline, button, case_screen, put
from handlers.kit import (
    Buttons,
    Tap,
    current_scopes,
    error_text,
    me,
    nav_buttons,
    registered,
    requires,
    run,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotAllowed
from models.disputes import (
    CASE,
    MEDIATOR,
    CaseNotFound,
    CaseTaken,
    accept_case,
    answer_handover,
    record_refusal,
    transfer_candidates,
    transfer_case,
)

logger = logging.getLogger(__name__)


def _taken_line(context: TongxinContext, seat: str, name: str, number: str) -> str:
    msgid = "disputes_mediator.taken.lead" if seat == "lead" else "disputes_mediator.taken.co"
    return context.t(msgid, name=name, number=number)


async def _accept(update: Update, context: TongxinContext, case_id: int) -> None:
    query = update.callback_query
    try:
        accepted = await run(
            context,
            accept_case,
            person=me(context),
            scopes=await current_scopes(context),
            case_id=case_id,
        )
    except CaseTaken as error:  # someone else was first: say who, and keep 查看 on the alert
        text = error_text(context, error)
        if query is not None:
            await query.answer(text, show_alert=True)
            old = getattr(query.message, "text", None)
            view = [[button(context.t("disputes.button.view"), CASE.data("view", case_id))]]
            await _edit(update, f"{old}\n\n{text}" if old else text, view)
        return
    except CaseNotFound as error:
        await run(context, record_refusal, person=me(context), case_id=case_id, action="accept")
        await refuse(update, context, error)
        return
    except DomainError as error:
        await refuse(update, context, error)
        return
    await show_case(
        update,
        context,
        case_id,
        _taken_line(context, accepted.seat, accepted.name, accepted.number),
    )


async def _edit(update: Update, text: str, rows: Buttons) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(
            text, reply_markup=InlineKeyboardMarkup(rows) if rows else None
        )
    except BadRequest as exc:
        logger.info("alert not updated: %s", exc.message)


def transfer_screen(context: TongxinContext, case_id: int, people: list[tuple[int, str]]) -> Inline:
    """Whom to pass the case to: the lead town's other mediators."""
    t = context.t
    back = MEDIATOR.data("case", case_id)
    nav = nav_buttons(t, back, MEDIATOR.data("home"))
    if not people:
        return t("disputes_mediator.transfer.nobody"), [nav]
    rows = [[button(name, MEDIATOR.data("to", case_id, pid))] for pid, name in people[:8]]
    return t("disputes_mediator.transfer.ask"), [*rows, nav]


async def _transfer_choices(update: Update, context: TongxinContext, case_id: int) -> None:
    people = await attempt(
        update, context, "transfer", case_id, transfer_candidates, case_id=case_id
    )
    if people is not None:
        await put(update, context, transfer_screen(context, case_id, people))


@requires(Action.CASE_HANDLE)
async def on_alert_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """接案 / 查看 / 转交 under a private alert, and 同意主办 under a handover request."""
    match tap.action:
        case "acc":
            await _accept(update, context, tap.id())
        case "view":
            await show_case(update, context, tap.id())
        case "tr":
            await _transfer_choices(update, context, tap.id())
        case "hok":
            answered = await attempt(
                update,
                context,
                "handover_accept",
                None,
                answer_handover,
                request_id=tap.id(),
                accept=True,
            )
            if answered is not None:
                await show_case(
                    update, context, answered.case_id, context.t("disputes_mediator.handover.took")
                )
        case _:
            await refuse(update, context, NotAllowed())


@requires(Action.CASE_HANDLE)
async def on_transfer_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """转交 on a case's screen (``dm:tr``) and the mediator picked (``dm:to``)."""
    if tap.action == "tr":
        await _transfer_choices(update, context, tap.id())
        return
    done = await attempt(
        update,
        context,
        "transfer",
        tap.id(),
        transfer_case,
        case_id=tap.id(),
        to_person_id=tap.id(1),
    )
    if done is not None:
        note = context.t("disputes_mediator.transfer.done", number=done.number, name=done.name)
        case = await load_case(update, context, "view", tap.id())
        if case is None:  # no longer theirs to see: back to the list
            await show_list(update, context)
            return
        await put(update, context, case_screen(context, case, note))


async def on_group_accept(update: Update, context: TongxinContext, tap: Tap) -> None:
    """接案 in a mediators' group: the first tap wins and the group message says who took it
    (its button gone); everyone else is told who, in an alert."""
    query = update.callback_query
    if query is None:
        return
    if not registered(context.person):
        await query.answer(context.t("disputes_mediator.group.not_registered"), show_alert=True)
        return
    try:
        accepted = await run(
            context,
            accept_case,
            person=me(context),
            scopes=await current_scopes(context),
            case_id=tap.id(),
        )
    except CaseNotFound as error:
        await run(context, record_refusal, person=me(context), case_id=tap.id(), action="accept")
        await query.answer(error_text(context, error), show_alert=True)
        return
    except DomainError as error:  # CaseTaken names who was first
        await query.answer(error_text(context, error), show_alert=True)
        return
    line = _taken_line(context, accepted.seat, accepted.name, accepted.number)
    await query.answer(
        context.t("disputes_mediator.group.yours", number=accepted.number), show_alert=True
    )
    old = getattr(query.message, "text", None)
    await _edit(update, f"{old}\n\n{line}" if old else line, [])
