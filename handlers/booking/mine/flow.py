"""我的预约与提醒 (main-menu item "mine", /mybookings): upcoming bookings, including those
made for someone else, and waitlist places; cancel, reschedule or resend a receipt.

This module wires the conversation and routes the list's and the booking's choices; the
screens live in ``handlers.booking.mine.screens`` (list, details, cancel),
``handlers.booking.mine.move`` (reschedule) and ``handlers.booking.mine.wait`` (a waitlist
place). Taps on reminders and waitlist offers are in ``handlers.booking.mine.taps``, ratings
after a visit in ``handlers.booking.mine.feedback``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from handlers.booking.mine import feedback, taps
from handlers.booking.mine.move import ask_day, ask_slot, on_day, on_move, on_slot, start_move
from handlers.booking.mine.screens import (
    CANCEL,
    DAY,
    DETAIL,
    ENTRY_SCREEN,
    LIST,
    MORE,
    MOVE,
    SLOT,
    back_to_detail,
    mine_draft,
    on_cancel,
    resend,
    show_cancel,
    show_detail,
    show_first_page,
    show_list,
)
from handlers.booking.mine.wait import on_entry, show_entry
from handlers.kit import Screen, Wiring, chosen, conversation, entry_points, leave, parse_id
from models.booking import ENTRY


async def on_list(update: Update, context: TongxinContext) -> int:
    """A booking or a waitlist place was chosen (or the next page)."""
    key, data = chosen(update, context), mine_draft(context)
    if key == MORE:
        data["page"] = data.get("page", 0) + 1
        return await show_list(update, context)
    item_id = parse_id(key[1:]) if key else None
    if key is None or item_id is None:
        return await show_list(update, context, context.t("mine.not_understood"))
    if key.startswith(ENTRY):
        data["entry"] = item_id
        return await show_entry(update, context)
    data["booking"] = item_id
    return await show_detail(update, context)


async def on_detail(update: Update, context: TongxinContext) -> int:
    """重发回执 / 改期 (or 我的其他预约) / 取消预约."""
    key = chosen(update, context)
    if key == "list":
        return await show_list(update, context)
    if key == "cancel":
        return await show_cancel(update, context)
    if key == "move":
        return await start_move(update, context)
    if key == "resend":
        return await resend(update, context)
    return await show_detail(update, context, context.t("mine.not_understood"), brief=True)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The my-bookings conversation (persistent), reminder and offer taps, and ratings."""
    return [
        conversation(
            "my_bookings",
            entry_points=entry_points(wiring, show_first_page, command="mybookings", menu="mine"),
            screens={
                LIST: Screen(on_list, back=leave),
                DETAIL: Screen(on_detail, back=show_list),
                CANCEL: Screen(on_cancel, back=back_to_detail),
                DAY: Screen(on_day, back=back_to_detail),
                SLOT: Screen(on_slot, back=ask_day),
                MOVE: Screen(on_move, back=ask_slot),
                ENTRY_SCREEN: Screen(on_entry, back=show_list),
            },
        ),
        *taps.handlers(),
        *feedback.handlers(),
    ]
