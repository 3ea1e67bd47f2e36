"""我的预约与提醒: reschedule one booking at the same venue — day, then slot, then confirm.

The move itself is ``models.booking.move_booking``: one transaction that takes the new slot's
places first and then gives the old ones to the waitlist; the booking keeps its number, its
check-in code and its calendar UID, so "改期成功" comes with a calendar file that moves the
phone's entry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_day, format_span
from handlers.booking.mine.screens import (
    DAY,
    MORE,
    MOVE,
    SLOT,
    chosen_booking,
    gone,
    mine_draft,
    show_detail,
)
from handlers.booking.receipts import (
    day_options,
    days_per_page,
    on_day_answer,
    send_receipt,
    slot_option,
)
from handlers.kit import Means, Option, ask, chosen, error_text, leave, me, page_of, run
from models.booking import (
    ItemGone,
    SlotFull,
    SlotUnavailable,
    move_booking,
    move_choice,
    move_slots,
)
from models.core.errors import DomainError
from models.core.people import Person

MOVE_ANSWERS = ("yes", "no")


class MoveRequest(TypedDict):
    """The chosen booking and the slot it would move to, as the move use cases take them."""

    person: Person
    booking_id: int
    slot_id: int


def _move_request(context: TongxinContext) -> MoveRequest:
    data = mine_draft(context)
    return MoveRequest(
        person=me(context), booking_id=data.get("booking", 0), slot_id=data.get("slot", 0)
    )


def _today(context: TongxinContext) -> date:
    return datetime.now(context.services.settings.tz).date()


async def start_move(update: Update, context: TongxinContext) -> int:
    """改期 was chosen: the first page of days."""
    mine_draft(context)["day_page"] = 0
    return await ask_day(update, context)


async def ask_day(update: Update, context: TongxinContext, first: str = "") -> int:
    """改到哪一天？ 今天 / 明天 / 后天 / weekdays, and more days up to the venue's horizon."""
    try:
        detail = await chosen_booking(context)
    except ItemGone:
        return await gone(update, context)
    data, venue, lang = mine_draft(context), detail.view.venue, context.lang
    if data.get("day_page", 0) * days_per_page(context) > venue.horizon_days:
        data["day_page"] = 0
    options = day_options(context, _today(context), data.get("day_page", 0))
    text = context.t(
        "mine.move.ask_day", venue=venue.name(lang), centre=detail.view.centre.name(lang)
    )
    return await ask(update, context, text, options, DAY, first=first)


async def on_day(update: Update, context: TongxinContext) -> int:
    """A day was chosen (or more days)."""
    return await on_day_answer(
        update,
        context,
        mine_draft(context),
        ask_day=ask_day,
        then=ask_slot,
        not_understood=context.t("mine.not_understood"),
    )


async def ask_slot(update: Update, context: TongxinContext, first: str = "") -> int:
    """The chosen day's slots at the same venue with room for the party (not the current one)."""
    data = mine_draft(context)
    day = date.fromisoformat(data.get("day", _today(context).isoformat()))
    try:
        found = await run(
            context,
            move_slots,
            person=me(context),
            booking_id=data.get("booking", 0),
            day=day,
            tz=context.services.settings.tz,
        )
    except ItemGone:
        return await gone(update, context)
    words = format_day(day, context.lang)
    options = [slot_option(context, open_slot) for open_slot in found.slots]
    if not options:
        return await ask_day(update, context, context.t("mine.move.no_slots", day=words))
    shown, _pages = page_of(options, data.get("slot_page", 0), context)
    text = context.t("mine.move.ask_slot", day=words)
    return await ask(update, context, text, shown, SLOT, first=first)


async def on_slot(update: Update, context: TongxinContext) -> int:
    """A slot was chosen (or the next page of them)."""
    key, data = chosen(update, context), mine_draft(context)
    if key == MORE:
        data["slot_page"] = data.get("slot_page", 0) + 1
        return await ask_slot(update, context)
    if key is None or not key.isdigit():
        return await ask_slot(update, context, context.t("mine.not_understood"))
    data["slot"] = int(key)
    return await ask_move(update, context)


def _move_options(context: TongxinContext) -> list[Option]:
    return [
        Option(key, context.t(f"mine.move.{key}"), Means(yes=key == "yes")) for key in MOVE_ANSWERS
    ]


async def ask_move(update: Update, context: TongxinContext, first: str = "") -> int:
    """Restate the old and the new time and ask to confirm."""
    try:
        choice = await run(context, move_choice, **_move_request(context))
    except ItemGone:
        return await gone(update, context)
    except SlotUnavailable:
        return await ask_slot(update, context)
    lang, tz, view, slot = context.lang, context.services.settings.tz, choice.view, choice.slot
    text = context.t(
        "mine.move.confirm",
        old=format_span(view.slot.starts_at, view.slot.ends_at, lang, tz),
        new=format_span(slot.starts_at, slot.ends_at, lang, tz),
        venue=view.venue.name(lang),
        centre=view.centre.name(lang),
    )
    return await ask(update, context, text, _move_options(context), MOVE, first=first)


async def on_move(update: Update, context: TongxinContext) -> int:
    """Yes: move it in one transaction and send the new receipt; no: back to the booking."""
    key = chosen(update, context)
    if key == "no":
        return await show_detail(update, context)
    if key != "yes":
        return await ask_move(update, context, context.t("mine.not_understood"))
    try:
        moved = await run(
            context, move_booking, **_move_request(context), tz=context.services.settings.tz
        )
    except ItemGone:
        return await gone(update, context)
    except SlotFull:
        return await ask_slot(update, context, context.t("mine.move.full"))
    except DomainError as error:
        return await ask_slot(update, context, error_text(context, error))
    chat = update.effective_chat
    if chat is not None:
        await send_receipt(context, chat.id, moved, moved=True)
    return await leave(update, context, "mine.move.done")
