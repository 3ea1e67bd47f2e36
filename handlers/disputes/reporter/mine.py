"""/mycases: a person's own cases with their status in plain words; one case: its status and
public notes, a message to the mediator (text, voice or photo, as many as wanted; 🏠 leaves),
催办 (once a period), and withdrawing (destructive: confirmed first).

A case someone may not see (a forged or stale choice) reads as not found, is audited
(``record_refusal``) and changes nothing.
"""

from __future__ import annotations

import logging
from typing import TypedDict

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_day
from handlers.kit import (
    Means,
    Option,
    ask,
    chosen,
    clear_draft,
    current_scopes,
    draft,
    error_text,
    leave,
    me,
    message_text,
    prompt,
    run,
)
from models.core.errors import DomainError
from models.disputes import (
    STATUS,
    CaseAction,
    CaseCard,
    CaseNotFound,
    CaseStatus,
    case_card,
    chase,
    my_cases,
    record_refusal,
    relay_to_mediator,
    withdraw_case,
)

logger = logging.getLogger(__name__)

LIST, CASE, RELAY, WITHDRAW = range(20, 24)
MINE = "disputes_mine"  # the conversation's name (for enter_at)
ONGOING = {CaseStatus.NEW, CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION}
HANDLED = {CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION}


class MineDraft(TypedDict, total=False):
    """The case open on screen."""

    case_id: int


def _case_id(context: TongxinContext) -> int:
    return draft(context, MineDraft).get("case_id", 0)


async def start_mine(update: Update, context: TongxinContext) -> int:
    """/mycases: the list."""
    clear_draft(context)
    return await ask_list(update, context)


async def ask_list(update: Update, context: TongxinContext, first: str = "") -> int:
    """The person's cases, newest first: number, kind and status (the kit pages a long list)."""
    t = context.t
    lines = await run(context, my_cases, person=me(context))
    if not lines:
        return await leave(update, context, "mycases.empty")
    options = [
        Option(str(line.case_id), t("mycases.line", number=line.number,
               kind=t(line.category), status=t(line.status)))
        for line in lines
    ]  # fmt: skip
    return await ask(update, context, prompt(context, "mycases.ask"), options, LIST, first=first)


async def on_list(update: Update, context: TongxinContext) -> int:
    """A case picked: its card."""
    key = chosen(update, context)
    if key is None or not key.isdigit():
        return await ask_list(update, context, context.t("report.not_understood"))
    draft(context, MineDraft)["case_id"] = int(key)
    return await show_case(update, context)


async def refused(context: TongxinContext, case_id: int, action: CaseAction) -> None:
    """Audit a refused attempt on a case (in a transaction of its own)."""
    await run(context, record_refusal, person=me(context), case_id=case_id, action=action.value)


async def _card(context: TongxinContext, case_id: int) -> CaseCard | None:
    try:
        scopes = await current_scopes(context)
        return await run(context, case_card, person=me(context), scopes=scopes, case_id=case_id)
    except CaseNotFound:
        await refused(context, case_id, CaseAction.VIEW)
        return None


def card_text(context: TongxinContext, card: CaseCard) -> str:
    """A case as its reporter sees it: status in plain words, what was written, public notes."""
    t = context.t
    lines = [
        t("mycases.card", number=card.number, kind=t(card.category), status=t(STATUS[card.status])),
        t("mycases.card.words", words=card.description or "—"),
    ]
    if card.expected_on is not None:
        lines.append(t("mycases.card.expected", day=format_day(card.expected_on, context.lang)))
    notes = [t("mycases.card.note", text=note.text) for note in card.notes if note.public]
    lines.append("\n".join(notes) if notes else t("mycases.card.no_notes"))
    return "\n".join(lines)


async def show_case(update: Update, context: TongxinContext, first: str = "") -> int:
    """One case, and what can be done with it while it is open."""
    t, case_id = context.t, _case_id(context)
    card = await _card(context, case_id)
    if card is None:
        return await ask_list(update, context, error_text(context, CaseNotFound()))
    options = []
    if card.status in HANDLED:
        options.append(Option("relay", t("mycases.relay"), Means(words=("留言", "message"))))
    if card.status in ONGOING:
        options.append(Option("chase", t("mycases.chase"), Means(words=("催", "催办", "chase"))))
    if card.status in ONGOING or card.status is CaseStatus.AWAITING_RESIDENT:
        options.append(Option("withdraw", t("mycases.withdraw"), destructive=True))
    return await ask(update, context, card_text(context, card), options, CASE, first=first)


async def on_case(update: Update, context: TongxinContext) -> int:
    """Write to the mediator, chase, or withdraw."""
    key = chosen(update, context)
    if key == "relay":
        return await ask_relay(update, context)
    if key == "withdraw":
        return await ask_withdraw(update, context)
    if key != "chase":
        return await show_case(update, context, context.t("report.not_understood"))
    return await show_case(update, context, await chase_said(context, _case_id(context)))


async def chase_said(context: TongxinContext, case_id: int) -> str:
    """催办 the case; what to tell the person (escalated, or when it can be used again)."""
    t = context.t
    try:
        scopes = await current_scopes(context)
        chased = await run(context, chase, person=me(context), scopes=scopes, case_id=case_id)
    except CaseNotFound as error:
        await refused(context, case_id, CaseAction.CHASE)
        return error_text(context, error)
    except DomainError as error:  # too soon (says when), or closed meanwhile
        return error_text(context, error)
    logger.info("person %s chased case %s", me(context).id, case_id)
    return t("mycases.chased.waiting" if chased.level is not None else "mycases.chased.handling")


async def ask_relay(update: Update, context: TongxinContext, first: str = "") -> int:
    """Write, speak or send a photo to the mediator; 🏠 (or "好了") when done."""
    t = context.t
    done = [Option("done", t("report.describe.done"), Means(words=("好了", "done")))]
    text = prompt(context, "mycases.ask_relay")
    return await ask(
        update, context, text, done, RELAY, first=first, free_text=True, keeps_voice=True
    )


async def on_relay(update: Update, context: TongxinContext) -> int:
    """Pass the message on (naming the case); "好了" goes back to the case."""
    if chosen(update, context) == "done":
        return await show_case(update, context)
    message, case_id = update.message, _case_id(context)
    kind, text, file_id = "text", message_text(update) or "", None
    if message is not None and message.voice is not None:
        kind, text, file_id = "voice", "", message.voice.file_id
    elif message is not None and message.photo:
        kind, text, file_id = "photo", message.caption or "", message.photo[-1].file_id
    elif not text.strip():
        return await ask_relay(update, context, context.t("report.describe.unsupported"))
    try:
        scopes = await current_scopes(context)
        relayed = await run(
            context, relay_to_mediator, person=me(context), scopes=scopes, case_id=case_id,
            kind=kind, text=text, file_id=file_id,
        )  # fmt: skip
    except CaseNotFound as error:
        await refused(context, case_id, CaseAction.RELAY_TO_MEDIATOR)
        return await leave(update, context, error.message_id)
    except DomainError as error:
        return await ask_relay(update, context, error_text(context, error))
    return await ask_relay(update, context, context.t("mycases.relay.sent", number=relayed.number))


async def ask_withdraw(update: Update, context: TongxinContext, first: str = "") -> int:
    """Withdraw the case? Keeping it comes first; withdrawing only by its own words."""
    t = context.t
    options = [
        Option("keep", t("mycases.withdraw.keep"), Means(yes=False)),
        Option("withdraw", t("mycases.withdraw.sure"), destructive=True),
    ]
    return await ask(update, context, t("mycases.ask_withdraw"), options, WITHDRAW, first=first)


async def on_withdraw(update: Update, context: TongxinContext) -> int:
    """Withdrawn (the mediators are told), or kept."""
    key, case_id = chosen(update, context), _case_id(context)
    if key == "keep":
        return await show_case(update, context)
    if key != "withdraw":
        return await ask_withdraw(update, context, context.t("report.not_understood"))
    try:
        scopes = await current_scopes(context)
        moved = await run(
            context, withdraw_case, person=me(context), scopes=scopes, case_id=case_id
        )
    except CaseNotFound as error:
        await refused(context, case_id, CaseAction.WITHDRAW)
        return await leave(update, context, error.message_id)
    except DomainError as error:
        return await show_case(update, context, error_text(context, error))
    return await leave(update, context, "mycases.withdrawn", number=moved.number)
