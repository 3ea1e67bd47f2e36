"""Declining a booking: ❌ asks why, and the reason is a quick one tapped or typed.

A small persistent conversation waits for the typed reason, so a restart between the tap and
the reason loses nothing. Leaving it any way but with a reason (⬅️, 🏠, /cancel, /menu, a
main-menu button) decides nothing and gives the tapped request or list its buttons back; /help
and anything that is not a usable reason ask again. An approval request answered "2 不同意" on
its question (``handlers.booking.staff.asked``) lands here too, its quick reasons numbered.
"""

from __future__ import annotations

import logging
from typing import TypedDict

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.booking.staff.approvals import (
    already_decided,
    decided_note,
    on_approval_tap,
    origin_screen,
    reason_screen,
)
from handlers.booking.staff.words import MessageRef, put
from handlers.kit import (
    END,
    Option,
    Screen,
    Tap,
    clear_draft,
    conversation,
    current_scopes,
    draft,
    error_text,
    in_their_language,
    leave,
    main_menu,
    main_menu_keyboard,
    match_option,
    me,
    message_text,
    refuse_tap,
    registered,
    reply,
    requires,
    run,
    tap_handler,
)
from models.booking import (
    APPROVAL,
    QUICK_REASONS,
    REASON_MAX,
    BookingNotActive,
    ReasonInvalid,
    Wording,
    approval_origin,
    approval_to_decline,
    decide_approval,
    quick_reason,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotAllowed

logger = logging.getLogger(__name__)

REASON = "reason"  # conversation state: waiting for a typed reason
DECLINE_FLOW = "approval_reason"


class DeclineDraft(TypedDict, total=False):
    """The booking being declined, the list page it came from, and the message showing it
    (``keyboard``: asked from the request's question, the quick reasons are numbered buttons)."""

    booking: int
    page: int
    chat: int
    message: int
    keyboard: bool


def reason_options(context: TongxinContext) -> list[Option]:
    """The quick reasons as numbered choices (the key: the reason's index)."""
    return [Option(str(n), context.t(msgid)) for n, msgid in enumerate(QUICK_REASONS)]


def _quick(context: TongxinContext, data: DeclineDraft, text: str | None) -> Wording | None:
    """A quick reason picked by its number or words, on the numbered screen only."""
    picked = match_option(text, reason_options(context)) if data.get("keyboard") else None
    return in_their_language(context, quick_reason(int(picked.key))) if picked else None


def _page(data: DeclineDraft) -> int | None:
    return data.get("page")


def _shown_in(data: DeclineDraft) -> MessageRef | None:
    if "chat" not in data or "message" not in data:
        return None
    return data["chat"], data["message"]


@requires(Action.VENUE_MANAGE)
async def on_decline_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """❌ on a request or the list: ask why (the booking must still wait for a decision)."""
    query = update.callback_query
    page = tap.id(1) if tap.has(1) else None
    scopes = await current_scopes(context)
    try:
        item = await run(context, approval_to_decline, scopes=scopes, booking_id=tap.id())
    except BookingNotActive:
        await already_decided(update, context, tap.id(), page)
        return END
    except DomainError as error:
        await refuse_tap(update, context, error)
        return None  # a refused tap leaves a waiting reason waiting
    data = draft(context, DeclineDraft)
    data["booking"] = tap.id()
    if page is not None:
        data["page"] = page
    if query is not None and query.message is not None:
        data["chat"], data["message"] = query.message.chat.id, query.message.message_id
    await put(update, context, reason_screen(context, item, page))
    return REASON


async def on_reason(update: Update, context: TongxinContext) -> object:
    """The typed reason for a decline: decide, update the request, confirm."""
    data, text = draft(context, DeclineDraft), message_text(update)
    quick = _quick(context, data, text)  # "1" there is a reason, not the main menu's 1
    if "booking" not in data or (
        quick is None and match_option(text, main_menu(context).options(context.t))
    ):
        return await cancel_decline(update, context)
    try:
        decision = await run(
            context, decide_approval, person=me(context), scopes=await current_scopes(context),
            booking_id=data["booking"], approve=False, reason=quick or text,
            page=_page(data),
        )  # fmt: skip
    except ReasonInvalid:
        return await reprompt(update, context)
    except BookingNotActive:
        clear_draft(context)
        await reply(
            update, context, context.t("approvals.error.decided"), main_menu_keyboard(context)
        )
        return END
    except DomainError as error:
        clear_draft(context)
        await reply(update, context, error_text(context, error))
        return END
    note, shown_in = decided_note(context, decision), _shown_in(data)
    if shown_in is not None:  # the request or list it was tapped on shows the decision too
        await put(update, context, origin_screen(context, decision.shown, note), shown_in)
    clear_draft(context)
    await reply(update, context, note, main_menu_keyboard(context))
    return END


async def reprompt(update: Update, context: TongxinContext) -> object:
    """Anything but a usable reason (and /help): ask again, nothing decided."""
    await reply(update, context, error_text(context, ReasonInvalid(max=REASON_MAX)))
    return REASON


async def cancel_decline(update: Update, context: TongxinContext) -> object:
    """⬅️, 🏠, /cancel or /menu typed: nothing decided, the request gets its buttons back."""
    data = draft(context, DeclineDraft)
    if "booking" in data and registered(context.person) and _shown_in(data) is not None:
        try:
            shown = await run(
                context, approval_origin, scopes=await current_scopes(context),
                booking_id=data["booking"], page=_page(data),
            )  # fmt: skip
            await put(update, context, origin_screen(context, shown), _shown_in(data))
        except DomainError as error:  # e.g. no longer an admin of that town
            logger.info("decline left without restoring the request: %s", error.message_id)
    return await leave(update, context, "approvals.reason.cancelled")


def decline_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """❌ → the reason (tapped or typed); other ``ap:`` taps still work while it waits."""
    return conversation(
        DECLINE_FLOW,
        entry_points=[tap_handler(APPROVAL, on_decline_tap, refusal=NotAllowed, actions=("no",))],
        screens={REASON: Screen(on_reason, back=cancel_decline)},
        extra={REASON: [tap_handler(APPROVAL, on_approval_tap, refusal=NotAllowed)]},
        home=cancel_decline,
        on_cancel=cancel_decline,
        on_help=reprompt,
        on_menu=cancel_decline,
    )
