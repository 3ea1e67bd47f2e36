"""Work on a case that is typed: an internal or a public note, the outcome with the agreed
terms (facts → terms → how and by when → confirm), the reason for handing the lead over, the
reason for declining a handover, and the relay to the reporter (text, voice notes, photos;
the mediator stays until 🏠).

One small persistent conversation waits for the words, so a restart loses nothing. ⬅️ goes a
step back (from the first step: the case's screen), 🏠 and /cancel leave, nothing saved.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from bot.i18n import N_
from handlers.disputes.mediator.cases import show_case
from handlers.disputes.mediator.common import attempt, load_case
from handlers.kit import (
    END,
    Option,
    Screen,
    Tap,
    ask,
    chosen,
    conversation,
    current_scopes,
    draft,
    enter_at,
    error_text,
    leave,
    me,
    message_text,
    reply,
    requires,
    run,
    tap_handler,
)
from models.core.authz import Action
from models.core.errors import DomainError
from models.disputes import (
    CASE,
    MEDIATOR,
    CaseNotFound,
    ReasonRequired,
    add_note,
    answer_handover,
    handover_to_answer,
    record_outcome,
    record_refusal,
    relay_to_reporter,
    request_handover,
)

FLOW = "disputes_mediator_typed"
NOTE, PUBLIC, FACTS, TERMS, CARRY, CONFIRM, HANDOVER, DECLINE, RELAY = (
    "note",
    "public",
    "facts",
    "terms",
    "carry",
    "confirm",
    "handover",
    "decline",
    "relay",
)
ASK = {
    NOTE: N_("disputes_mediator.ask.note"),
    PUBLIC: N_("disputes_mediator.ask.public"),
    FACTS: N_("disputes_mediator.ask.facts"),
    TERMS: N_("disputes_mediator.ask.terms"),
    CARRY: N_("disputes_mediator.ask.carry"),
    HANDOVER: N_("disputes_mediator.ask.handover"),
    DECLINE: N_("disputes_mediator.ask.decline"),
    RELAY: N_("disputes_mediator.ask.relay"),
}
FIRST = {"note": NOTE, "pub": PUBLIC, "out": FACTS, "ho": HANDOVER, "relay": RELAY}


class TypedDraft(TypedDict, total=False):
    """The case worked on (or the handover request declined) and the outcome's parts."""

    case: int
    request: int
    number: str
    facts: str
    terms: str
    carry: str
    step: str  # the outcome's step shown (for ⬅️)


async def _ask(update: Update, context: TongxinContext, state: str, first: str = "") -> str:
    data = draft(context, TypedDraft)
    data["step"] = state
    t = context.t
    if state == CONFIRM:
        text = t(
            "disputes_mediator.outcome.confirm",
            facts=data.get("facts", ""),
            terms=data.get("terms", ""),
            carry=data.get("carry", "") or "—",
        )
        options = [Option("yes", t("disputes_mediator.outcome.save"))]
        return await ask(update, context, text, options, CONFIRM, first=first)
    text = t(ASK[state], number=data.get("number", ""))
    return await ask(
        update, context, text, [], state, first=first, free_text=True, keeps_voice=state == RELAY
    )


@requires(Action.CASE_HANDLE)
async def on_typed_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """📝 / 🔒 / 📢 / 🤝 / 💬 on a case's screen: ask for the words (the case must be theirs)."""
    case = await load_case(update, context, tap.action, tap.id())
    if case is None:
        return None  # a refused tap leaves whatever was open as it was
    data = draft(context, TypedDraft)
    data["case"], data["number"] = tap.id(), case.card.number
    return await _ask(update, context, FIRST[tap.action])


@requires(Action.CASE_HANDLE)
async def on_reply_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """✏️ 回复 under a reporter's message relayed to the mediator: write back."""
    case = await load_case(update, context, "reply", tap.id())
    if case is None:
        return None
    data = draft(context, TypedDraft)
    data["case"], data["number"] = tap.id(), case.card.number
    return await _ask(update, context, RELAY)


async def reply_as_staff(update: Update, context: TongxinContext, tap: Tap) -> None:
    """✏️ 回复 tapped by a mediator: the reporter side's handler owns the button (the same one
    is under messages to reporters) and hands a staff member's tap here; the relay screen."""
    state = await on_reply_tap(update, context, tap)
    if state is not None:
        enter_at(update, context, FLOW, state)


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
    return await _ask(update, context, DECLINE)


async def back_to_case(update: Update, context: TongxinContext) -> object:
    """⬅️ on a first step: the case's screen again, nothing saved."""
    case_id = draft(context, TypedDraft).get("case")
    await leave(update, context, "disputes_mediator.nothing_saved")
    if case_id is not None:
        await show_case(update, context, case_id)
    return END


async def _saved(update: Update, context: TongxinContext, msgid: str, **params: object) -> object:
    case_id = draft(context, TypedDraft).get("case")
    await leave(update, context, msgid, **params)
    if case_id is not None:
        await show_case(update, context, case_id)
    return END


def _words(update: Update) -> str:
    return (message_text(update) or "").strip()


async def on_note(update: Update, context: TongxinContext, public: bool) -> object:
    """An internal or public note typed: keep it."""
    data = draft(context, TypedDraft)
    note = await attempt(
        update,
        context,
        "note",
        data.get("case"),
        add_note,
        case_id=data.get("case", 0),
        text=_words(update),
        public=public,
    )
    if note is None:
        return PUBLIC if public else NOTE
    return await _saved(
        update,
        context,
        "disputes_mediator.done.public" if public else "disputes_mediator.done.note",
    )


async def on_internal(update: Update, context: TongxinContext) -> object:
    """The internal note."""
    return await on_note(update, context, False)


async def on_public(update: Update, context: TongxinContext) -> object:
    """The public note."""
    return await on_note(update, context, True)


async def on_facts(update: Update, context: TongxinContext) -> object:
    """The main facts found; then the agreed terms."""
    words = _words(update)
    if not words:
        return await _ask(update, context, FACTS, context.t("disputes_mediator.ask.again"))
    draft(context, TypedDraft)["facts"] = words
    return await _ask(update, context, TERMS)


async def on_terms(update: Update, context: TongxinContext) -> object:
    """The agreed terms; then how and by when."""
    words = _words(update)
    if not words:
        return await _ask(update, context, TERMS, context.t("disputes_mediator.ask.again"))
    draft(context, TypedDraft)["terms"] = words
    return await _ask(update, context, CARRY)


async def on_carry(update: Update, context: TongxinContext) -> object:
    """How and by when the terms are carried out; then confirm."""
    draft(context, TypedDraft)["carry"] = _words(update)
    return await _ask(update, context, CONFIRM)


async def on_confirm(update: Update, context: TongxinContext) -> object:
    """Save the outcome: the case is resolved and the reporter told."""
    if chosen(update, context) != "yes":
        return await _ask(update, context, CONFIRM, context.t("disputes_mediator.ask.again"))
    data = draft(context, TypedDraft)
    moved = await attempt(
        update,
        context,
        "outcome",
        data.get("case"),
        record_outcome,
        case_id=data.get("case", 0),
        outcome=data.get("facts", ""),
        agreed_terms=data.get("terms", ""),
        carry_out=data.get("carry", ""),
    )
    if moved is None:
        return await leave(update, context, "disputes_mediator.nothing_saved")
    return await _saved(update, context, "disputes_mediator.done.outcome", number=moved.number)


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
        reason=_words(update),
    )
    if asked is None:
        return HANDOVER
    return await _saved(update, context, "disputes_mediator.done.handover")


async def on_decline(update: Update, context: TongxinContext) -> object:
    """The reason for declining a handover: sent, asked again (no reason), or, when the request
    was answered or the case closed meanwhile, explained and left."""
    data = draft(context, TypedDraft)
    try:
        await run(
            context, answer_handover, person=me(context), scopes=await current_scopes(context),
            request_id=data.get("request", 0), accept=False, reason=_words(update),
        )  # fmt: skip
    except ReasonRequired as error:
        return await _ask(update, context, DECLINE, error_text(context, error))
    except CaseNotFound as error:
        await run(context, record_refusal, person=me(context), case_id=None, action="decline")
        await reply(update, context, error_text(context, error))
        return await leave(update, context, "disputes_mediator.nothing_saved")
    except DomainError as error:  # answered by someone else, or the case closed, meanwhile
        await reply(update, context, error_text(context, error))
        return await leave(update, context, "disputes_mediator.nothing_saved")
    return await leave(update, context, "disputes_mediator.done.declined")


async def on_relay(update: Update, context: TongxinContext) -> object:
    """A message for the reporter: text, a voice note or a photo (with its caption)."""
    data, message = draft(context, TypedDraft), update.message
    kind, file_id, text = "text", None, _words(update)
    if message is not None and message.voice is not None:
        kind, file_id = "voice", message.voice.file_id
    elif message is not None and message.photo:
        kind, file_id, text = "photo", message.photo[-1].file_id, (message.caption or "").strip()
    sent = await attempt(
        update,
        context,
        "relay",
        data.get("case"),
        relay_to_reporter,
        case_id=data.get("case", 0),
        kind=kind,
        text=text,
        file_id=file_id,
    )
    first = context.t("disputes_mediator.relay.sent", number=sent.number) if sent else ""
    if sent is None:
        return RELAY
    return await _ask(update, context, RELAY, first)


async def step_back(update: Update, context: TongxinContext) -> object:
    """⬅️ inside the outcome: the step before."""
    order = [FACTS, TERMS, CARRY, CONFIRM]
    state = draft(context, TypedDraft).get("step", FACTS)
    at = order.index(state) if state in order else 0
    if at == 0:
        return await back_to_case(update, context)
    return await _ask(update, context, order[at - 1])


async def leave_decline(update: Update, context: TongxinContext) -> object:
    """⬅️ while asked why a handover is declined: nothing answered."""
    return await leave(update, context, "disputes_mediator.nothing_saved")


def typed_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The typed work on a case, entered from its buttons (and 不同意; ✏️ 回复 through
    ``reply_as_staff``)."""
    entries = [
        tap_handler(MEDIATOR, on_typed_tap, actions=tuple(FIRST)),
        tap_handler(CASE, on_decline_tap, actions=("hno",)),
    ]
    return conversation(
        FLOW,
        entry_points=entries,
        screens={
            NOTE: Screen(on_internal, back=back_to_case),
            PUBLIC: Screen(on_public, back=back_to_case),
            FACTS: Screen(on_facts, back=step_back),
            TERMS: Screen(on_terms, back=step_back),
            CARRY: Screen(on_carry, back=step_back),
            CONFIRM: Screen(on_confirm, back=step_back),
            HANDOVER: Screen(on_handover, back=back_to_case),
            DECLINE: Screen(on_decline, back=leave_decline),
            RELAY: Screen(on_relay, back=back_to_case),
        },
    )
