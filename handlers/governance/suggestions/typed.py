"""The admin's typed work on a suggestion: ✏️ a reply to the resident (as many as needed; the
admin stays on the screen until ⬅️ or 🏠), ✅ adopted with what was done, ❌ not adopted with
why. One small persistent conversation waits for the words, so a restart loses nothing; ⬅️
goes back to the suggestion's screen with nothing saved.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from bot.i18n import N_
from handlers.governance.suggestions.queue import attempt, refuse, show_card, show_queue
from handlers.kit import (
    END,
    Screen,
    Tap,
    ask,
    conversation,
    draft,
    leave,
    message_text,
    requires,
    tap_handler,
)
from models.core.authz import Action
from models.governance import (
    SUGGESTION,
    SuggestionDecided,
    SuggestionStatus,
    decide_suggestion,
    reply_to_suggestion,
    staff_suggestion,
)

FLOW = "governance_suggest_typed"
REPLY, ADOPT, REJECT = "reply", "adopt", "reject"
STATE_OF = {"rep": REPLY, "yes": ADOPT, "no": REJECT}
ASK = {
    REPLY: N_("suggest_admin.ask.reply"),
    ADOPT: N_("suggest_admin.ask.adopt"),
    REJECT: N_("suggest_admin.ask.reject"),
}


class TypedDraft(TypedDict, total=False):
    """The suggestion worked on."""

    suggestion: int
    number: str
    sent: int  # replies sent on this visit (⬅️ then says they went, not "nothing saved")


async def ask_words(update: Update, context: TongxinContext, state: str, first: str = "") -> str:
    """Ask for the words of ``state``."""
    text = context.t(ASK[state], number=draft(context, TypedDraft).get("number", ""))
    return await ask(update, context, text, [], state, first=first, free_text=True)


@requires(Action.SUGGESTION_HANDLE)
async def on_typed_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """✏️ / ✅ / ❌ on a suggestion's screen: ask for the words (its town must be theirs)."""
    found = await attempt(update, context, staff_suggestion, suggestion_id=tap.id())
    if found is None:
        return None  # a refused tap leaves whatever was open as it was
    if found.status is not SuggestionStatus.OPEN:
        await refuse(update, context, SuggestionDecided())
        return None
    data = draft(context, TypedDraft)
    data["suggestion"], data["number"] = found.id, found.number
    return await ask_words(update, context, STATE_OF[tap.action])


async def back_to_card(update: Update, context: TongxinContext) -> object:
    """⬅️: the suggestion's screen again (what was typed but not sent is not kept)."""
    data = draft(context, TypedDraft)
    suggestion_id, number = data.get("suggestion"), data.get("number", "")
    if data.get("sent"):
        await leave(update, context, "suggest_admin.done.reply", number=number)
    else:
        await leave(update, context, "suggest_admin.nothing_saved")
    if suggestion_id is not None:
        await show_card(update, context, suggestion_id)
    return END


async def on_reply(update: Update, context: TongxinContext) -> object:
    """The reply typed: passed on to the resident; the admin may write again."""
    data = draft(context, TypedDraft)
    number = await attempt(
        update,
        context,
        reply_to_suggestion,
        suggestion_id=data.get("suggestion", 0),
        text=message_text(update) or "",
    )
    if number is None:
        return REPLY
    data["sent"] = data.get("sent", 0) + 1
    first = context.t("suggest_admin.done.reply", number=number)
    return await ask_words(update, context, REPLY, first)


async def _decide(update: Update, context: TongxinContext, adopted: bool) -> object:
    data = draft(context, TypedDraft)
    number = await attempt(
        update,
        context,
        decide_suggestion,
        suggestion_id=data.get("suggestion", 0),
        adopted=adopted,
        text=message_text(update) or "",
    )
    if number is None:
        return ADOPT if adopted else REJECT
    msgid = "suggest_admin.done.adopt" if adopted else "suggest_admin.done.reject"
    await leave(update, context, msgid, number=number)
    await show_queue(update, context)
    return END


async def on_adopt(update: Update, context: TongxinContext) -> object:
    """What was done: the suggestion is adopted and the resident told."""
    return await _decide(update, context, True)


async def on_reject(update: Update, context: TongxinContext) -> object:
    """Why not: the suggestion is not adopted and the resident told."""
    return await _decide(update, context, False)


def typed_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The typed work on a suggestion, entered from its buttons."""
    return conversation(
        FLOW,
        entry_points=[tap_handler(SUGGESTION, on_typed_tap, actions=tuple(STATE_OF))],
        screens={
            REPLY: Screen(on_reply, back=back_to_card),
            ADOPT: Screen(on_adopt, back=back_to_card),
            REJECT: Screen(on_reject, back=back_to_card),
        },
    )
