"""The outcome of a case, typed step by step: the main facts → the agreed terms → how and by
when they are carried out → confirm; saving resolves the case (the reporter is told). ⬅️ goes
a step back (from the facts: the case's screen)."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.disputes.mediator.common import attempt
from handlers.disputes.mediator.typed_common import (
    CARRY,
    CONFIRM,
    FACTS,
    TERMS,
    TypedDraft,
    ask_step,
    back_to_case,
    saved,
    typed_words,
)
from handlers.kit import chosen, draft, leave
from models.disputes import record_outcome


async def on_facts(update: Update, context: TongxinContext) -> object:
    """The main facts found; then the agreed terms."""
    words = typed_words(update)
    if not words:
        return await ask_step(update, context, FACTS, context.t("disputes_mediator.ask.again"))
    draft(context, TypedDraft)["facts"] = words
    return await ask_step(update, context, TERMS)


async def on_terms(update: Update, context: TongxinContext) -> object:
    """The agreed terms; then how and by when."""
    words = typed_words(update)
    if not words:
        return await ask_step(update, context, TERMS, context.t("disputes_mediator.ask.again"))
    draft(context, TypedDraft)["terms"] = words
    return await ask_step(update, context, CARRY)


async def on_carry(update: Update, context: TongxinContext) -> object:
    """How and by when the terms are carried out; then confirm."""
    draft(context, TypedDraft)["carry"] = typed_words(update)
    return await ask_step(update, context, CONFIRM)


async def on_confirm(update: Update, context: TongxinContext) -> object:
    """Save the outcome: the case is resolved and the reporter told."""
    if chosen(update, context) != "yes":
        return await ask_step(update, context, CONFIRM, context.t("disputes_mediator.ask.again"))
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
    return await saved(update, context, "disputes_mediator.done.outcome", number=moved.number)


async def step_back(update: Update, context: TongxinContext) -> object:
    """⬅️ inside the outcome: the step before."""
    order = [FACTS, TERMS, CARRY, CONFIRM]
    state = draft(context, TypedDraft).get("step", FACTS)
    at = order.index(state) if state in order else 0
    if at == 0:
        return await back_to_case(update, context)
    return await ask_step(update, context, order[at - 1])
