"""The booking's last steps: confirm (the receipt), the waitlist, and a repeated confirm tap.

``book`` is idempotent per person and slot, so a double tap of "1. 确认预约" (two messages, or
two at once) makes one booking; the second tap is told it is already booked, with no second
receipt. A slot that filled up since it was listed answers "full: join the waitlist?".
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Message, Update
from telegram.ext import ConversationHandler, filters

from bot.context import TongxinContext
from bot.i18n import Catalogues
from handlers.booking.book.screens import (
    DRAFT,
    ask_kind,
    chosen,
    draft,
)
from handlers.booking.book.search import show_slots
from handlers.booking.book.slot_screens import ask_confirm, ask_waitlist, confirm_options
from handlers.booking.book.steps import end_home, not_understood, route_error
from handlers.booking.receipts import send_receipt
from handlers.home.commands import fallback
from handlers.kit import main_menu_keyboard, numbered, reply
from models.booking.bookings import Booked, BookingView, book, booking_view
from models.booking.proxies import ResidentNotFound, has_consent
from models.booking.proxy_notices import tell_resident_booked
from models.booking.waitlist import join_waitlist
from models.core.base import utcnow
from models.core.errors import DomainError
from models.core.people import Person

logger = logging.getLogger(__name__)
DONE = "booking.done"
REPEAT_WINDOW = timedelta(minutes=10)


async def _book(context: TongxinContext) -> tuple[Booked, BookingView]:
    """Book the drafted slot in one transaction (a proxy's: with or without standing consent)."""
    data, tz = draft(context), context.services.settings.tz
    assert context.person is not None
    async with context.services.sessions() as session, session.begin():
        me = await session.get(Person, context.person.id)
        assert me is not None and me.id is not None
        slot_id, party = int(data["slot_id"]), int(data.get("party", 1))
        resident_id = data.get("resident_id")
        if resident_id:
            resident = await session.get(Person, resident_id)
            if resident is None or resident.id is None:
                raise ResidentNotFound()
            agreed = await has_consent(session, resident.id, me.id)
            booked = await book(
                session,
                resident,
                slot_id,
                party_size=party,
                booked_by=me,
                resident_agreed=agreed,
                tz=tz,
            )
            if booked.created and agreed:
                await tell_resident_booked(session, booked.booking, me)
        else:
            booked = await book(session, me, slot_id, party_size=party, tz=tz)
        assert booked.booking.id is not None
        view = await booking_view(session, booked.booking.id)
    return booked, view


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """1: book it and give the receipt; 2: choose again."""
    key = chosen(update, context)
    if key is None:
        return await ask_confirm(update, context, not_understood(context))
    if key == "again":
        return await ask_kind(update, context)
    try:
        booked, view = await _book(context)
    except DomainError as error:
        return await route_error(update, context, error)
    if not booked.created:
        return await _already_booked(update, context, view.booking.id)
    assert update.effective_chat is not None and context.person is not None
    logger.info(
        "person %s booked %s (booking %s)", context.person.id, view.slot.id, view.booking.id
    )
    context.user_data[DONE] = {"id": view.booking.id, "at": utcnow().isoformat()}  # type: ignore[index]
    await send_receipt(context, update.effective_chat.id, view)
    return await end_home(update, context)


async def _already_booked(update: Update, context: TongxinContext, booking_id: int | None) -> int:
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    text = context.t("booking.already_booked", id=booking_id)
    await reply(update, context, text, main_menu_keyboard(context))
    return ConversationHandler.END


async def on_waitlist(update: Update, context: TongxinContext) -> int:
    """Join the full slot's waitlist, or go back to the slots."""
    key = chosen(update, context)
    if key is None:
        return await ask_waitlist(update, context, not_understood(context))
    data = draft(context)
    if key == "skip":
        data["full_mode"] = False
        return await show_slots(update, context)
    assert context.person is not None
    try:
        async with context.services.sessions() as session, session.begin():
            person = await session.get(Person, data.get("resident_id") or context.person.id)
            if person is None:
                raise ResidentNotFound()
            _entry, position = await join_waitlist(
                session, person, int(data["slot_id"]), int(data.get("party", 1))
            )
    except DomainError as error:
        return await route_error(update, context, error)
    if data.get("resident_id"):
        name = data.get("resident_name") or "—"
        text = context.t("booking.waitlist.joined.proxy", position=position, name=name)
    else:
        text = context.t("booking.waitlist.joined", position=position)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await reply(update, context, text, main_menu_keyboard(context))
    return ConversationHandler.END


async def repeated_confirm(update: Update, context: TongxinContext) -> None:
    """ "1. 确认预约" again after the booking was made: it is booked already, nothing more."""
    done = context.user_data.get(DONE)  # type: ignore[union-attr]
    if isinstance(done, dict) and context.person is not None:
        at = datetime.fromisoformat(str(done.get("at")))
        if utcnow() - at <= REPEAT_WINDOW:
            await _already_booked(update, context, int(done["id"]))
            return
    await fallback(update, context)


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
