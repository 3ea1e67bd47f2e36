"""An approval request as it arrives: a question, the admin's current screen once delivered.

The outbox sends each admin of the venue's town "1 ✅ 同意 / 2 ❌ 不同意" on its own reply
keyboard (``models.booking.notices.request_approval``), so one set of choices is on screen and
a typed "1" or "同意" answers it (``handlers.kit.current``). Approving decides at once. Declining,
never choice 1, asks why next: the decline conversation's reason screen, here with the quick
reasons as numbered buttons (⬅️ or 🏠 leave the booking waiting, as in /approvals). An admin
who answers after another decided is told so, and nothing changes.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.staff.approvals import decided_note, request_text
from handlers.booking.staff.decline import DECLINE_FLOW, REASON, DeclineDraft, reason_options
from handlers.kit import (
    ask,
    current_scopes,
    draft,
    enter_at,
    error_text,
    main_menu_keyboard,
    me,
    parse_id,
    reply,
    requires,
    run,
)
from models.booking import REASON_MAX, BookingNotActive, approval_to_decline, decide_approval
from models.core.authz import Action
from models.core.errors import DomainError


@requires(Action.VENUE_MANAGE)
async def on_approval_question(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 同意: approve now; 2 不同意: ask why (the booking waits until a reason is given)."""
    booking_id, scopes = parse_id(subject) or 0, await current_scopes(context)
    try:
        if choice == "ok":
            decision = await run(
                context, decide_approval, person=me(context), scopes=scopes,
                booking_id=booking_id, approve=True,
            )  # fmt: skip
            note = decided_note(context, decision)
            await reply(update, context, note, main_menu_keyboard(context))
            return
        item = await run(context, approval_to_decline, scopes=scopes, booking_id=booking_id)
    except BookingNotActive:  # another admin decided first, or the resident cancelled
        text = context.t("approvals.error.decided")
        await reply(update, context, text, main_menu_keyboard(context))
        return
    except DomainError as error:
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    data = draft(context, DeclineDraft)
    data["booking"], data["keyboard"] = booking_id, True
    why = context.t.n("approvals.reason.ask", REASON_MAX, max=REASON_MAX)
    text = f"{request_text(context, item)}\n\n{why}"
    await ask(update, context, text, reason_options(context), REASON)
    enter_at(update, context, DECLINE_FLOW, REASON)  # its next message is the why
