"""The booking's last answers: confirm (then the receipt), join the waitlist, and a confirm
tapped again after the flow ended.

``book_slot`` is idempotent per person and slot, so a double tap of "1. 确认预约" (two messages,
or two at once) makes one booking; the second tap is told it is already booked, with no second
receipt. A slot that filled up since it was listed answers "full: join the waitlist?".
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import filters

from bot.context import TongxinContext
from bot.i18n import Catalogues
from handlers.booking.book.draft import booking_draft, not_understood, slot_request
from handlers.booking.book.slots import route_error
from handlers.booking.book.summary import ask_confirm, ask_waitlist, confirm_options
from handlers.booking.book.what import ask_kind
from handlers.booking.book.when import show_slots
from handlers.booking.receipts import send_receipt
from handlers.kit import (
    END,
    chosen,
    clear_draft,
    leave,
    main_menu_keyboard,
    me,
    numbered,
    registered,
    reply,
    reply_not_registered,
    run,
    show_main_menu,
)
from models.booking import book_slot, just_booked, wait_for_slot
from models.core.errors import DomainError

logger = logging.getLogger(__name__)


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """1: book it and give the receipt; 2: choose again."""
    key = chosen(update, context)
    if key is None:
        return await ask_confirm(update, context, not_understood(context))
    if key == "again":
        return await ask_kind(update, context)
    try:
        made = await run(
            context, book_slot, **slot_request(context), tz=context.services.settings.tz
        )
    except DomainError as error:
        return await route_error(update, context, error)
    if not made.created:
        return await already_booked(update, context, made.view.booking.id)
    view, chat = made.view, update.effective_chat
    logger.info("person %s booked %s (booking %s)", me(context).id, view.slot.id, view.booking.id)
    if chat is not None:
        await send_receipt(context, chat.id, view)
    return await leave(update, context)


async def already_booked(update: Update, context: TongxinContext, booking_id: int | None) -> int:
    """The booking exists already: say so (no second receipt), with the main menu."""
    clear_draft(context)
    text = context.t("booking.already_booked", id=booking_id)
    await reply(update, context, text, main_menu_keyboard(context))
    return END


async def on_waitlist(update: Update, context: TongxinContext) -> int:
    """Join the full slot's waitlist, or go back to the slots."""
    key = chosen(update, context)
    if key is None:
        return await ask_waitlist(update, context, not_understood(context))
    data = booking_draft(context)
    if key == "skip":
        data["full_mode"] = False
        return await show_slots(update, context)
    try:
        queued = await run(context, wait_for_slot, **slot_request(context))
    except DomainError as error:
        return await route_error(update, context, error)
    if data.get("resident_id"):
        name = data.get("resident_name") or "—"
        text = context.t("booking.waitlist.joined.proxy", position=queued.position, name=name)
    else:
        text = context.t("booking.waitlist.joined", position=queued.position)
    clear_draft(context)
    await reply(update, context, text, main_menu_keyboard(context))
    return END


async def repeated_confirm(update: Update, context: TongxinContext) -> None:
    """ "1. 确认预约" again after the booking was made: it is booked already (or, cancelled
    since, it is not), nothing more."""
    if not registered(context.person):
        await reply_not_registered(update, context)
        return
    recent = await run(context, just_booked, person=me(context))
    if recent is not None and recent.active:
        await already_booked(update, context, recent.id)
    elif recent is not None:  # cancelled since: say so, never "booked"
        text = context.t("booking.confirm.ended", id=recent.id)
        await reply(update, context, text, main_menu_keyboard(context))
    else:
        await show_main_menu(update, context, "home.not_understood")


class ConfirmWords(filters.MessageFilter):
    """The confirm button's label, in any language (for a tap that arrives after the flow)."""

    def __init__(self, i18n: Catalogues) -> None:
        super().__init__(name="ConfirmWords", data_filter=False)
        self._labels: set[str] = set()
        for language in i18n.languages:
            t = i18n.translator(language)
            self._labels.add(numbered(confirm_options(t))[0])

    def filter(self, message: Message) -> bool:
        """True for the exact confirm label."""
        return (message.text or "").strip() in self._labels
