"""The typed side of a lead handover: the reason for asking the other town to lead, and the
reason for declining a request (checked at the tap, so nobody writes a reason for a request
already answered or a case closed; checked again when the reason comes)."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.disputes.mediator.common import attempt
from handlers.disputes.mediator.typed_common import (
    DECLINE,
    HANDOVER,
    TypedDraft,
    ask_step,
    saved,
    typed_words,
)
from handlers.kit import (
    Tap,
    current_scopes,
    draft,
    error_text,
    leave,
    me,
    reply,
    requires,
    run,
)
from models.core.authz import Action
from models.core.errors import DomainError
from models.disputes import (
    CaseNotFound,
    ReasonRequired,
    answer_handover,
    handover_to_answer,
    record_refusal,
    request_handover,
)


async def on_handover(update: Update, context: TongxinContext) -> object:
    """The reason for handing the lead over: ask the other town."""
    data = draft(context, TypedDraft)
    asked = await attempt(
        update,
        context,
        "handover",
        data.get("case"),
        request_handover,
        case_id=data.get("case", 0),
        reason=typed_words(update),
    )
    if asked is None:
        return HANDOVER
    return await saved(update, context, "disputes_mediator.done.handover")


@requires(Action.CASE_HANDLE)
async def on_decline_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """不同意 under a handover request: ask why, if it still waits for an answer (else say so
    now, before anyone writes a reason for nothing); checked again when the reason comes."""
    request = await attempt(
        update, context, "handover_decline", None, handover_to_answer, request_id=tap.id()
    )
    if request is None:
        return None  # answered, withdrawn or out of reach: explained, nothing asked
    data = draft(context, TypedDraft)
    data["request"] = tap.id()
    return await ask_step(update, context, DECLINE)


async def on_decline(update: Update, context: TongxinContext) -> object:
    """The reason for declining a handover: sent, asked again (no reason), or, when the request
    was answered or the case closed meanwhile, explained and left."""
    data = draft(context, TypedDraft)
    try:
        await run(
            context, answer_handover, person=me(context), scopes=await current_scopes(context),
            request_id=data.get("request", 0), accept=False, reason=typed_words(update),
        )  # fmt: skip
    except ReasonRequired as error:
        return await ask_step(update, context, DECLINE, error_text(context, error))
    except CaseNotFound as error:
        await run(context, record_refusal, person=me(context), case_id=None, action="decline")
        await reply(update, context, error_text(context, error))
        return await leave(update, context, "disputes_mediator.nothing_saved")
    except DomainError as error:  # answered by someone else, or the case closed, meanwhile
        await reply(update, context, error_text(context, error))
        return await leave(update, context, "disputes_mediator.nothing_saved")
    return await leave(update, context, "disputes_mediator.done.declined")


async def leave_decline(update: Update, context: TongxinContext) -> object:
    """⬅️ while asked why a handover is declined: nothing answered."""
    return await leave(update, context, "disputes_mediator.nothing_saved")
