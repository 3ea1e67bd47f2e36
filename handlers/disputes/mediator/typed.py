"""Work on a case that is typed: an internal or a public note, the outcome with the agreed
terms (facts → terms → how and by when → confirm), the reason for handing the lead over, the
reason for declining a handover, and the relay to the reporter (text, voice notes, photos;
the mediator stays until 🏠).

One small persistent conversation waits for the words, so a restart loses nothing. ⬅️ goes a
step back (from the first step: the case's screen), 🏠 and /cancel leave, nothing saved. This
module has the entries, the notes and the relay, and wires the conversation; the outcome's steps
are ``outcome``'s, the handover's reasons ``handover_typed``'s, what they share
``typed_common``'s.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.disputes.mediator.common import attempt, load_case
from handlers.disputes.mediator.handover_typed import (
    leave_decline,
    on_decline,
    on_decline_tap,
    on_handover,
)
from handlers.disputes.mediator.outcome import on_carry, on_confirm, on_facts, on_terms, step_back
from handlers.disputes.mediator.typed_common import (
    CARRY,
    CONFIRM,
    DECLINE,
    FACTS,
    FIRST,
    FLOW,
    HANDOVER,
    NOTE,
    PUBLIC,
    RELAY,
    TERMS,
    TypedDraft,
    ask_step,
    back_to_case,
    saved,
    typed_words,
)
from handlers.kit import (
    Screen,
    Tap,
    conversation,
    draft,
    enter_at,
    requires,
    tap_handler,
)
from models.core.authz import Action
from models.disputes import CASE, MEDIATOR, add_note, relay_to_reporter


@requires(Action.CASE_HANDLE)
async def on_typed_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """📝 / 🔒 / 📢 / 🤝 / 💬 on a case's screen: ask for the words (the case must be theirs)."""
    case = await load_case(update, context, tap.action, tap.id())
    if case is None:
        return None  # a refused tap leaves whatever was open as it was
    data = draft(context, TypedDraft)
    data["case"], data["number"] = tap.id(), case.card.number
    return await ask_step(update, context, FIRST[tap.action])


@requires(Action.CASE_HANDLE)
async def on_reply_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """✏️ 回复 under a reporter's message relayed to the mediator: write back."""
    case = await load_case(update, context, "reply", tap.id())
    if case is None:
        return None
    data = draft(context, TypedDraft)
    data["case"], data["number"] = tap.id(), case.card.number
    return await ask_step(update, context, RELAY)


async def reply_as_staff(update: Update, context: TongxinContext, tap: Tap) -> None:
    """✏️ 回复 tapped by a mediator: the reporter side's handler owns the button (the same one
    is under messages to reporters) and hands a staff member's tap here; the relay screen."""
    state = await on_reply_tap(update, context, tap)
    if state is not None:
        enter_at(update, context, FLOW, state)


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
        text=typed_words(update),
        public=public,
    )
    if note is None:
        return PUBLIC if public else NOTE
    return await saved(
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


async def on_relay(update: Update, context: TongxinContext) -> object:
    """A message for the reporter: text, a voice note or a photo (with its caption)."""
    data, message = draft(context, TypedDraft), update.message
    kind, file_id, text = "text", None, typed_words(update)
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
    return await ask_step(update, context, RELAY, first)


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
