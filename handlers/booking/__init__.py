"""Booking shared venues and services: the resident's booking, "my bookings", staff and venues.

- ``book``: the booking conversation (for oneself or, with consent, for a resident);
- ``mine``: my bookings, reminder and waitlist-offer answers, the rating after a visit;
- ``staff``: approvals, check-in (roster or receipt QR code ``/start ci_…``), no-shows;
- ``venues``: admins edit venues, hours, blackouts and slots (/venues).
"""

from telegram.ext import BaseHandler

from bot.i18n import N_
from handlers.booking.book import consent
from handlers.booking.book import flow as book
from handlers.booking.book.words import BOOK_WORDS, MINE_WORDS
from handlers.booking.mine import flow as mine
from handlers.booking.mine import taps as mine_taps
from handlers.booking.staff import asked, checkin
from handlers.booking.staff import flow as staff
from handlers.booking.venues import flow as venues
from handlers.kit import DeepLink, Feature, MenuEntry, Question, Wiring
from jobs.booking import JOBS
from models.booking import APPROVAL_QUESTION, CODES, PROXY_QUESTION


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        *book.handlers(wiring),
        *mine.handlers(wiring),
        *staff.handlers(wiring),
        *venues.handlers(wiring),
    ]


FEATURE = Feature(
    name="booking",
    handlers=_handlers,
    questions=[
        *mine_taps.QUESTIONS,
        Question(PROXY_QUESTION, consent.on_proxy_question),
        Question(APPROVAL_QUESTION, asked.on_approval_question),
    ],
    jobs=JOBS,
    menu=[
        MenuEntry("book", N_("menu.book"), 10, BOOK_WORDS),
        MenuEntry("mine", N_("menu.mine"), 40, MINE_WORDS),
    ],
    deep_links=[DeepLink("ci_", checkin.check_in_by_code)],
    callbacks=CODES,
)

__all__ = ["FEATURE"]
