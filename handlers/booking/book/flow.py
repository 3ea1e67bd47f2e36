"""预约场地/服务: book a venue or service, for oneself or (as a proxy) for a resident.

Screens, one question each, with numbered buttons and ⬅️/🏠: for whom (only for someone who
has booked for others before) → (proxy: the resident's phone, then "is this them?") → what (six
kinds, then "for someone else" when "for whom?" was skipped) → where (only when no town goes
without saying: a town's centres, or any centre of both towns) → which day (今天/明天/后天/
weekdays/more; or "⚡ nearest free slots") → which slot → how many (venues taking parties) →
confirm → receipt (text, ``.ics``, check-in QR code). A canteen meal for two tomorrow is six
taps from the main menu: 预约, 助餐, 明天, the time, 2 人, 确认.
The steps are ``who``, ``what``, ``when``, ``slots``, ``summary`` and ``confirm``; each calls
one use case of ``models.booking``.

Waitlist design: a day lists only its slots with places left; when none is free but some are
full, the full ones are listed ("已满，可候补") and picking one asks "join the waitlist?". A slot
that fills up between listing and confirming (two hundred people at once for forty seats) is
refused by the database at confirm, and the person gets the same "full, join the waitlist?".
Rules are checked when a slot is picked and again, authoritatively, when it is booked.
"""

from __future__ import annotations

from telegram.ext import BaseHandler, MessageHandler

from handlers.booking.book.confirm import ConfirmWords, on_confirm, on_waitlist, repeated_confirm
from handlers.booking.book.consent import on_proxy_answer
from handlers.booking.book.draft import (
    CONFIRM,
    DAY,
    KIND,
    PARTY,
    PHONE,
    PLACE,
    RESIDENT,
    SLOT,
    WAITLIST,
    WHO,
)
from handlers.booking.book.phone import ask_phone
from handlers.booking.book.slots import back_from_confirm, on_party, on_slot
from handlers.booking.book.what import ask_kind, ask_place, on_kind, on_place
from handlers.booking.book.when import ask_day, on_day, show_slots
from handlers.booking.book.who import (
    ask_who,
    back_from_kind,
    on_phone,
    on_resident,
    on_who,
    start_booking,
)
from handlers.kit import Screen, Wiring, conversation, entry_points, leave, tap_handler
from models.booking import PROXY_ANSWER, NotYourBooking


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The booking conversation, the repeated-confirm answer, and the resident's proxy taps."""
    return [
        conversation(
            "booking",
            entry_points=entry_points(wiring, start_booking, command="book", menu="book"),
            screens={
                WHO: Screen(on_who, back=leave),
                PHONE: Screen(on_phone, back=ask_who),
                RESIDENT: Screen(on_resident, back=ask_phone),
                KIND: Screen(on_kind, back=back_from_kind),
                PLACE: Screen(on_place, back=ask_kind),
                DAY: Screen(on_day, back=ask_place),
                SLOT: Screen(on_slot, back=ask_day),
                PARTY: Screen(on_party, back=show_slots),
                CONFIRM: Screen(on_confirm, back=back_from_confirm),
                WAITLIST: Screen(on_waitlist, back=show_slots),
            },
        ),
        MessageHandler(ConfirmWords(wiring.i18n), repeated_confirm),
        tap_handler(PROXY_ANSWER, on_proxy_answer, refusal=NotYourBooking),
    ]
