"""The reporter's answers to what the disputes model sends by message: the resident's consent
to a proxy's report (typed on its question, or tapped ``dp:…``), the follow-up "问题解决了吗？"
(解决了, 1–5 stars, or 没有解决, which reopens the case), 催办 and ✏️ reply under a mediator's
message (``dc:chase|reply:<case>``: reply opens the relay screen of /mycases).

Only the case's reporter (or their proxy) may answer; a forged case id reads as not found, is
audited (``record_refusal``) and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.context import TongxinContext
from handlers.disputes.reporter.mine import RELAY, MineDraft, ask_relay, chase_said, refused
from handlers.kit import (
    END,
    Tap,
    clear_draft,
    current_scopes,
    draft,
    drop_buttons,
    error_text,
    main_menu_keyboard,
    me,
    parse_id,
    refuse_tap,
    registered,
    reply,
    run,
)
from models.core.errors import DomainError
from models.disputes import (
    STATUS,
    CaseAction,
    CaseNotFound,
    CaseStatus,
    answer_followup,
    answer_proxy_report,
    case_card,
)

logger = logging.getLogger(__name__)


def _proxy_said(context: TongxinContext, answer: str, status: CaseStatus) -> str:
    if answer == "no":
        return context.t("report.proxy.answered.no")
    return context.t("report.proxy.answered.yes", status=context.t(STATUS[status]))


async def on_proxy_question(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 可以这一次 / 2 以后也可以 / 3 不要, typed or tapped on the question's keyboard."""
    case_id = parse_id(subject) or 0
    try:
        status = await run(
            context, answer_proxy_report, person=me(context), case_id=case_id, answer=choice
        )
    except DomainError as error:  # answered already, or not theirs
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    logger.info("person %s answered %s to proxy report %s", me(context).id, choice, case_id)
    await reply(update, context, _proxy_said(context, choice, status), main_menu_keyboard(context))


async def on_proxy_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """The same answer tapped on an inline button (``dp:ok|always|no:<case>``)."""
    query = update.callback_query
    if query is None or not registered(context.person):
        await refuse_tap(update, context, CaseNotFound())
        return
    try:
        status = await run(
            context, answer_proxy_report, person=me(context), case_id=tap.id(), answer=tap.action
        )
    except CaseNotFound as error:
        await refused(context, tap.id(), CaseAction.VIEW)
        await refuse_tap(update, context, error)
        return
    except DomainError as error:
        await refuse_tap(update, context, error)
        return
    await drop_buttons(query)
    await reply(update, context, _proxy_said(context, tap.action, status))


async def on_followup(update: Update, context: TongxinContext, tap: Tap) -> None:
    """解决了 / n stars / 没有解决 (reopens the case; its mediator is told)."""
    query = update.callback_query
    if query is None or not registered(context.person):
        await refuse_tap(update, context, CaseNotFound())
        return
    case_id = tap.id()
    solved = tap.action != "unsolved"
    stars = tap.id(1) if tap.action == "star" else None
    try:
        scopes = await current_scopes(context)
        await run(
            context, answer_followup, person=me(context), scopes=scopes, case_id=case_id,
            solved=solved, stars=stars,
        )  # fmt: skip
    except CaseNotFound as error:
        await refused(context, case_id, CaseAction.ANSWER_FOLLOWUP)
        await refuse_tap(update, context, error)
        return
    except DomainError as error:
        await refuse_tap(update, context, error)
        return
    await drop_buttons(query)
    said = "report.followup.thanks" if solved else "report.followup.reopened"
    await reply(update, context, context.t(said), main_menu_keyboard(context))


async def on_chase_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """催办 tapped under a message about the case."""
    if update.callback_query is None or not registered(context.person):
        await refuse_tap(update, context, CaseNotFound())
        return
    said = await chase_said(context, tap.id())
    await update.callback_query.answer(said, show_alert=True)


StaffReply = Callable[[Update, TongxinContext, Tap], Awaitable[Any]]


async def on_reply(
    update: Update, context: TongxinContext, tap: Tap, staff_reply: StaffReply | None = None
) -> int:
    """✏️ 回复 under a relayed message: the reporter's relay screen for that case; the same
    button under a reporter's message, tapped by its mediator, goes to ``staff_reply`` (the
    mediator side's answer: one callback code, one handler)."""
    case_id = tap.id()
    if update.callback_query is None or not registered(context.person):
        await refuse_tap(update, context, CaseNotFound())
        return END
    try:
        scopes = await current_scopes(context)
        card = await run(context, case_card, person=me(context), scopes=scopes, case_id=case_id)
    except CaseNotFound as error:
        await refused(context, case_id, CaseAction.RELAY_TO_MEDIATOR)
        await refuse_tap(update, context, error)
        return END
    if card.staff:
        if staff_reply is not None:
            await staff_reply(update, context, tap)
        else:
            await refuse_tap(update, context, CaseNotFound())
        return END
    clear_draft(context)
    draft(context, MineDraft)["case_id"] = case_id
    await ask_relay(update, context)
    return RELAY
