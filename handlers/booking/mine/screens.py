"""我的预约与提醒 screens: the list, one booking's details and cancelling it.

The draft only remembers which item the person looked at and the pages they turned to; every
step loads the item again as the person's own (``models.booking.mine``), so a stale choice
changes nothing and shows the fresh list. The wiring (and the choices that lead to the move and
waitlist screens) is in ``handlers.booking.mine.flow``.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.mine.texts import list_options, place
from handlers.booking.receipts import receipt_text, send_qr, send_receipt
from handlers.kit import Means, Option, ask, chosen, draft, lead, leave, me, page_of, reply, run
from models.booking import (
    BookingDetail,
    BookingStatus,
    ItemGone,
    booking_detail,
    cancel_mine,
    my_list,
)
from models.core.errors import DomainError

LIST, DETAIL, CANCEL, DAY, SLOT, MOVE, ENTRY_SCREEN = range(7)
MORE = "__more__"
# A destructive choice is never choice 1, and never the same number twice in a row: cancelling
# is 3 here and 2 on the confirmation, so "1", "1" (or "2", "2" …) never cancels.
DETAIL_ACTIONS = ("resend", "move", "cancel")
CANCEL_ANSWERS = ("no", "yes")


class MineDraft(TypedDict, total=False):
    """The item looked at and the pages turned; for a move, the day and slot chosen."""

    booking: int
    entry: int
    page: int
    day_page: int
    day: str  # ISO date
    slot_page: int
    slot: int


def mine_draft(context: TongxinContext) -> MineDraft:
    """The open flow's draft."""
    return draft(context, MineDraft)


async def show_list(update: Update, context: TongxinContext, first: str = "") -> int:
    """Everything upcoming, one numbered choice each; nothing → a friendly word and the menu."""
    items = await run(context, my_list, person=me(context))
    if not items:
        return await leave(update, context, "mine.empty")
    options = list_options(context, items)
    shown, _pages = page_of(options, mine_draft(context).get("page", 0), context)
    text = context.t.n("mine.list", len(options), total=len(options))
    return await ask(update, context, text, shown, LIST, first=first)


async def show_first_page(update: Update, context: TongxinContext) -> int:
    """The list from its first page (entering 我的预约与提醒)."""
    mine_draft(context)["page"] = 0
    return await show_list(update, context)


async def gone(update: Update, context: TongxinContext) -> int:
    """The item changed meanwhile (cancelled, over, taken): the fresh list."""
    return await show_list(update, context, context.t("mine.gone"))


async def chosen_booking(context: TongxinContext) -> BookingDetail:
    """The booking being looked at, still the person's and active (``ItemGone`` if not)."""
    booking_id = mine_draft(context).get("booking", 0)
    return await run(context, booking_detail, person=me(context), booking_id=booking_id)


def detail_options(context: TongxinContext, detail: BookingDetail) -> list[Option]:
    """Resend the receipt, reschedule (or, while the resident has yet to agree, back to the
    list: cancelling stays choice 3) and cancel."""
    keys = [key if key != "move" or detail.can_move else "list" for key in DETAIL_ACTIONS]
    return [
        Option(key, context.t(f"mine.action.{key}"), destructive=key == "cancel") for key in keys
    ]


async def show_detail(
    update: Update, context: TongxinContext, first: str = "", *, brief: bool = False
) -> int:
    """The booking's receipt and what can be done with it (``brief``: without the receipt)."""
    try:
        detail = await chosen_booking(context)
    except ItemGone:
        return await gone(update, context)
    t, options = context.t, detail_options(context, detail)
    if brief:
        return await ask(update, context, t("mine.detail.again"), options, DETAIL, first=first)
    text = receipt_text(context, detail.view)
    if detail.resident is not None:
        text = f"{t('mine.detail.proxy', name=detail.resident)}\n\n{text}"
    chat = update.effective_chat
    if chat is not None and detail.view.booking.status == BookingStatus.CONFIRMED.value:
        # "请出示下面的二维码": the receipt, the code it speaks of, then the question, last
        await reply(update, context, lead(first, text))
        await send_qr(context, chat.id, detail.view)
        return await ask(update, context, t("mine.detail.ask"), options, DETAIL)
    text = f"{text}\n\n{t('mine.detail.ask')}"
    return await ask(update, context, text, options, DETAIL, first=first)


async def back_to_detail(update: Update, context: TongxinContext) -> int:
    """⬅️ from a step about the chosen booking."""
    return await show_detail(update, context)


async def resend(update: Update, context: TongxinContext) -> int:
    """The receipt (text, calendar file, QR code) once more, then the same choices."""
    try:
        detail = await chosen_booking(context)
    except ItemGone:
        return await gone(update, context)
    chat = update.effective_chat
    if chat is not None:
        await send_receipt(context, chat.id, detail.view)
    return await show_detail(update, context, brief=True)


def _cancel_options(context: TongxinContext) -> list[Option]:
    return [  # "好的" never cancels: only 2 or the exact words do
        Option(key, context.t(f"mine.cancel.{key}"), Means(yes=key == "yes"), key == "yes")
        for key in CANCEL_ANSWERS
    ]


async def show_cancel(update: Update, context: TongxinContext, first: str = "") -> int:
    """确定取消吗？ 1 否，保留预约 / 2 是，取消预约."""
    try:
        detail = await chosen_booking(context)
    except ItemGone:
        return await gone(update, context)
    text = context.t("mine.cancel.ask", **place(context, detail.view))
    return await ask(update, context, text, _cancel_options(context), CANCEL, first=first)


async def on_cancel(update: Update, context: TongxinContext) -> int:
    """Yes: cancel now (the places go to the waitlist at once); no: back to the booking."""
    key = chosen(update, context)
    if key == "no":
        return await show_detail(update, context)
    if key != "yes":
        return await show_cancel(update, context, context.t("mine.not_understood"))
    booking_id = mine_draft(context).get("booking", 0)
    try:
        view = await run(context, cancel_mine, person=me(context), booking_id=booking_id)
    except DomainError:
        return await gone(update, context)
    return await leave(update, context, "mine.cancelled", **place(context, view))
