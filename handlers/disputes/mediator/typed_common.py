"""What the typed work on a case shares (``typed``, ``outcome``, ``handover_typed``): the
conversation's name and states, the draft, asking for the words of a step, and going back to
the case's screen (nothing saved) or to it after saving.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import N_
from handlers.disputes.mediator.cases import show_case
from handlers.kit import END, Option, ask, draft, leave, message_text

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


async def ask_step(update: Update, context: TongxinContext, state: str, first: str = "") -> str:
    """Ask for the words of ``state`` (the outcome's confirmation: its summary and 保存)."""
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


async def back_to_case(update: Update, context: TongxinContext) -> object:
    """⬅️ on a first step: the case's screen again, nothing saved."""
    case_id = draft(context, TypedDraft).get("case")
    await leave(update, context, "disputes_mediator.nothing_saved")
    if case_id is not None:
        await show_case(update, context, case_id)
    return END


async def saved(update: Update, context: TongxinContext, msgid: str, **params: object) -> object:
    """Saved: say so (``msgid``) and show the case's screen again."""
    case_id = draft(context, TypedDraft).get("case")
    await leave(update, context, msgid, **params)
    if case_id is not None:
        await show_case(update, context, case_id)
    return END


def typed_words(update: Update) -> str:
    """The words typed, trimmed."""
    return (message_text(update) or "").strip()
