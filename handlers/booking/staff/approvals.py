"""The approval queue: admins of a venue's town approve or decline bookings, with a reason.

Callback data (``models.booking.APPROVAL``) carries the state, so every screen survives a
restart, and every tap is checked again: ``@requires`` for the role, then the use case for the
venue's town. A decline asks for its reason (``handlers.booking.staff.decline``).
"""

from __future__ import annotations

import functools
import logging

from telegram import InlineKeyboardButton, Update

from bot.context import TongxinContext
from bot.timefmt import format_when
from handlers.booking.staff.words import Inline, put, staff_name
from handlers.kit import (
    END,
    Buttons,
    Tap,
    current_scopes,
    in_their_language,
    leave_to_main_menu,
    me,
    nav_buttons,
    page_rows,
    refuse_tap,
    requires,
    run,
    show_main_menu,
)
from models.booking import (
    APPROVAL,
    QUICK_REASONS,
    REASON_MAX,
    ApprovalItem,
    ApprovalOrigin,
    ApprovalQueue,
    BookingNotActive,
    Decision,
    approval_origin,
    approval_queue,
    decide_approval,
    quick_reason,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotAllowed

logger = logging.getLogger(__name__)

HOME = APPROVAL.data("home")


def _button(label: str, action: str, *fields: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=APPROVAL.data(action, *fields))


def _on(page: int | None) -> tuple[int, ...]:
    """The page field of a button: none on the request message, the page on the list."""
    return () if page is None else (page,)


def _words(context: TongxinContext, item: ApprovalItem) -> dict[str, object]:
    view, lang = item.view, context.lang
    return {
        "id": item.booking_id,
        "name": item.resident or "—",
        "venue": view.venue.name(lang),
        "centre": view.centre.name(lang),
        "when": format_when(view.slot.starts_at, lang, context.services.settings.tz),
    }


def request_text(context: TongxinContext, item: ApprovalItem) -> str:
    """The request as the admins got it from the outbox (``models.booking.notices``)."""
    party = item.view.booking.party_size
    return context.t.n("booking.approval.request", party, party=party, **_words(context, item))


def request_screen(context: TongxinContext, item: ApprovalItem, note: str | None) -> Inline:
    """The request: buttons while it waits, the ``note`` once decided."""
    text = request_text(context, item)
    if note is not None:
        return f"{text}\n\n{note}", []
    t, booking_id = context.t, item.booking_id
    buttons = [
        _button(t("booking.button.approve"), "ok", booking_id),
        _button(t("booking.button.decline"), "no", booking_id),
    ]
    return text, [buttons]


def list_screen(context: TongxinContext, queue: ApprovalQueue, note: str | None = None) -> Inline:
    """/approvals: the bookings waiting at the admin's towns, a page at a time."""
    t = context.t
    head = [note] if note else []
    if not queue.total:
        return "\n\n".join([*head, t("approvals.empty")]), [nav_buttons(t, HOME, HOME)]
    lines, buttons = [], []
    for n, item in enumerate(queue.items, 1):
        party = item.view.booking.party_size
        lines.append(t.n("approvals.item", party, n=n, party=party, **_words(context, item)))
        fields = (item.booking_id, queue.page)
        buttons.append(
            [
                _button(t("approvals.button.approve", n=n), "ok", *fields),
                _button(t("approvals.button.decline", n=n), "no", *fields),
            ]
        )
    more = functools.partial(APPROVAL.data, "page")
    buttons.extend(page_rows(t, queue.page, queue.pages, more, back=HOME, home=HOME))
    title = t.n(
        "approvals.title", queue.total, count=queue.total, page=queue.page + 1, pages=queue.pages
    )
    return "\n\n".join([*head, title, *lines]), buttons


def reason_screen(context: TongxinContext, item: ApprovalItem, page: int | None) -> Inline:
    """Why not: quick reasons as buttons, or a typed one; ⬅️ leaves it undecided."""
    t, booking_id = context.t, item.booking_id
    buttons: Buttons = [
        [_button(t(msgid), "why", booking_id, n, *_on(page))]
        for n, msgid in enumerate(QUICK_REASONS)
    ]
    back = APPROVAL.data("back", booking_id, *_on(page))
    buttons.append(nav_buttons(t, back, APPROVAL.data("quit", booking_id, *_on(page))))
    ask = t.n("approvals.reason.ask", REASON_MAX, max=REASON_MAX)
    return f"{request_text(context, item)}\n\n{ask}", buttons


def origin_screen(
    context: TongxinContext, shown: ApprovalOrigin, note: str | None = None
) -> Inline:
    """Where a decision returns to: the request message, or the list page it came from."""
    if isinstance(shown, ApprovalItem):
        return request_screen(context, shown, note)
    return list_screen(context, shown, note)


def decided_note(context: TongxinContext, decision: Decision) -> str:
    """What the admin is told under the request: who decided what (and why not)."""
    words = {"id": decision.item.booking_id, "admin": staff_name(context, decision.admin)}
    logger.info("person %s decided booking %s", decision.admin.id, words["id"])
    if decision.approved:
        return context.t("approvals.decided.approved", **words)
    return context.t("approvals.decided.declined", reason=decision.reason, **words)


async def already_decided(
    update: Update, context: TongxinContext, booking_id: int, page: int | None
) -> None:
    """Someone else decided first (or the resident cancelled): say so, refresh the screen."""
    note = context.t("approvals.error.decided")
    if update.callback_query is not None:
        await update.callback_query.answer(note, show_alert=True)
    shown = await run(
        context, approval_origin, scopes=await current_scopes(context), booking_id=booking_id,
        page=page,
    )  # fmt: skip
    await put(update, context, origin_screen(context, shown, note), answer=False)


@requires(Action.VENUE_MANAGE)
async def approvals_command(update: Update, context: TongxinContext) -> None:
    """/approvals: the queue of the admin's towns, with approve/decline buttons."""
    queue = await run(context, approval_queue, scopes=await current_scopes(context))
    await put(update, context, list_screen(context, queue))


async def _decide(
    update: Update, context: TongxinContext, tap: Tap, page: int | None, approve: bool
) -> None:
    reason = None if approve else in_their_language(context, quick_reason(tap.id(1)))
    decision = await run(
        context, decide_approval, person=me(context), scopes=await current_scopes(context),
        booking_id=tap.id(), approve=approve, reason=reason, page=page,
    )  # fmt: skip
    await put(
        update, context, origin_screen(context, decision.shown, decided_note(context, decision))
    )


@requires(Action.VENUE_MANAGE)
async def on_approval_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """Every ``ap:`` tap but a decline (``handlers.booking.staff.decline``): ends a waiting
    reason, except a refused tap, which leaves it waiting."""
    page_at = 2 if tap.action == "why" else 1
    page = tap.id(page_at) if tap.action not in ("page", "home") and tap.has(page_at) else None
    scopes = await current_scopes(context)
    try:
        match tap.action:
            case "ok" | "why":
                await _decide(update, context, tap, page, approve=tap.action == "ok")
            case "back" | "quit":
                shown = await run(
                    context, approval_origin, scopes=scopes, booking_id=tap.id(), page=page
                )
                await put(
                    update, context, origin_screen(context, shown), answer=tap.action == "back"
                )
                if tap.action == "quit":
                    await show_main_menu(update, context)
            case "page":
                queue = await run(context, approval_queue, scopes=scopes, page=tap.id())
                await put(update, context, list_screen(context, queue))
            case "home":
                await leave_to_main_menu(update, context)
            case _:  # "no" is the decline conversation's (it asks why)
                raise NotAllowed()
    except BookingNotActive:
        await already_decided(update, context, tap.id(), page)
    except DomainError as error:
        await refuse_tap(update, context, error)
        return None
    return END
