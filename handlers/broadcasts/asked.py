"""A broadcast's approval request as it arrives: a question, the admin's current screen.

The outbox sends each admin of a waiting town "1 ✅ 同意发送 / 2 ❌ 不同意" on its own reply
keyboard (``models.broadcasts.notices.request_approval``), so one set of choices is on screen
and a typed "1" or "同意" answers it (``handlers.kit.current``). Approving decides at once.
Rejecting, never choice 1 and never guessed from loose words, asks why next: a small
persistent conversation whose screen has the quick reasons as numbered buttons, so a restart
between "2" and the reason loses nothing. ⬅️ there asks the question again; 🏠, /cancel or
/menu leave the notice waiting. An admin who answers after another decided is told so, and
nothing changes; the domain refuses admins of another town and the author.
"""

from __future__ import annotations

import logging
from typing import TypedDict

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.kit import (
    END,
    Option,
    Screen,
    ask,
    chosen,
    clear_draft,
    conversation,
    current_scopes,
    draft,
    enter_at,
    error_text,
    in_their_language,
    leave,
    main_menu_keyboard,
    match_option,
    me,
    message_text,
    parse_id,
    reply,
    requires,
    run,
)
from models.broadcasts import (
    QUICK_REASONS,
    REASON_MAX,
    AlreadyDecided,
    BroadcastStatus,
    ReasonInvalid,
    Wording,
    approve,
    quick_reason,
    reject,
    to_reject,
)
from models.core.authz import Action
from models.core.errors import DomainError

logger = logging.getLogger(__name__)

FLOW = "broadcast_approval"
DECIDE, REASON = "decide", "reason"  # the question asked again (after ⬅️); waiting for why


class RejectDraft(TypedDict, total=False):
    """The broadcast the admin is deciding on."""

    broadcast: int


def _choices(context: TongxinContext) -> list[Option]:
    """The request's own choices, approving first."""
    t = context.t
    return [Option("ok", t("broadcast.approve")), Option("no", t("broadcast.reject"))]


def _reasons(context: TongxinContext) -> list[Option]:
    """The quick reasons as numbered choices (the key: the reason's index)."""
    return [Option(str(n), context.t(msgid)) for n, msgid in enumerate(QUICK_REASONS)]


async def _done(update: Update, context: TongxinContext, text: str) -> object:
    """The decision (or why there is none) said, and the main menu under it."""
    clear_draft(context)
    await reply(update, context, text, main_menu_keyboard(context))
    return END


async def _choose(update: Update, context: TongxinContext, broadcast_id: int, key: str) -> object:
    """1 同意: approve now; 2 不同意: ask why (the notice waits until a reason is given)."""
    person, scopes = me(context), await current_scopes(context)
    try:
        if key == "ok":
            broadcast = await run(
                context, approve, person=person, scopes=scopes, broadcast_id=broadcast_id
            )
        else:
            rejectable = await run(
                context, to_reject, person=person, scopes=scopes, broadcast_id=broadcast_id
            )
    except AlreadyDecided:  # another admin decided first
        return await _done(update, context, context.t("broadcast.error.decided"))
    except DomainError as error:
        return await _done(update, context, error_text(context, error))
    if key == "ok":
        logger.info("person %s approved broadcast %s", person.id, broadcast_id)
        waiting = broadcast.status == BroadcastStatus.PENDING_APPROVAL.value
        msgid = "broadcast.decided.waiting" if waiting else "broadcast.decided.approved"
        return await _done(update, context, context.t(msgid, id=broadcast_id))
    draft(context, RejectDraft)["broadcast"] = broadcast_id
    about = context.t("broadcast.reason.about", id=broadcast_id, text=rejectable.text)
    why = context.t.n("broadcast.reason.ask", REASON_MAX, max=REASON_MAX)
    return await ask(update, context, f"{about}\n\n{why}", _reasons(context), REASON)


@requires(Action.BROADCAST)
async def on_approval_question(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """The request's answer: approve, or ask why (then this flow waits for the reason)."""
    if await _choose(update, context, parse_id(subject) or 0, choice) == REASON:
        enter_at(update, context, FLOW, REASON)


async def on_decide(update: Update, context: TongxinContext) -> object:
    """The question asked again (after ⬅️ on the reason): its number or label."""
    data, key = draft(context, RejectDraft), chosen(update, context)
    if "broadcast" not in data:
        return await leave_undecided(update, context)
    if key is None:
        return await ask_again(update, context)
    return await _choose(update, context, data["broadcast"], key)


async def on_reason(update: Update, context: TongxinContext) -> object:
    """The reason, a quick one by its number or label, or typed: reject, tell the admin."""
    data, text = draft(context, RejectDraft), message_text(update)
    if "broadcast" not in data:
        return await leave_undecided(update, context)
    picked = match_option(text, _reasons(context))
    reason: str | Wording = text or ""
    if picked is not None:
        reason = in_their_language(context, quick_reason(int(picked.key)))
    try:
        broadcast = await run(
            context, reject, person=me(context), scopes=await current_scopes(context),
            broadcast_id=data["broadcast"], reason=reason,
        )  # fmt: skip
    except ReasonInvalid:
        return await reprompt(update, context)
    except AlreadyDecided:
        return await _done(update, context, context.t("broadcast.error.decided"))
    except DomainError as error:
        return await _done(update, context, error_text(context, error))
    logger.info("person %s rejected broadcast %s", me(context).id, broadcast.id)
    said = broadcast.decision_note or ""
    note = context.t("broadcast.decided.rejected.reason", id=broadcast.id, reason=said)
    return await _done(update, context, note)


async def reprompt(update: Update, context: TongxinContext) -> object:
    """Anything but a usable reason: ask again, nothing decided."""
    await reply(update, context, error_text(context, ReasonInvalid(max=REASON_MAX)))
    return REASON


async def ask_again(update: Update, context: TongxinContext) -> object:
    """⬅️ on the reason: the question again, nothing decided."""
    broadcast_id = draft(context, RejectDraft).get("broadcast", 0)
    text = context.t("broadcast.decide.again", id=broadcast_id)
    return await ask(update, context, text, _choices(context), DECIDE)


async def leave_undecided(update: Update, context: TongxinContext) -> object:
    """🏠, ⬅️ on the question, /cancel or /menu: nothing decided, the notice still waits."""
    broadcast_id = draft(context, RejectDraft).get("broadcast")
    if broadcast_id is None:
        return await leave(update, context)
    return await leave(update, context, "broadcast.reason.cancelled", id=broadcast_id)


def approval_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """Entered only from the request's question ("2"): the reason, or the question again."""
    return conversation(
        FLOW,
        entry_points=[],
        screens={
            REASON: Screen(on_reason, back=ask_again),
            DECIDE: Screen(on_decide, back=leave_undecided),
        },
        home=leave_undecided,
        on_cancel=leave_undecided,
        on_menu=leave_undecided,
    )
