"""/venues: its command, its taps, and the conversation for answers typed to its questions."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler

from handlers.booking.venues.ask import question_conversation
from handlers.booking.venues.taps import on_venue_tap, venues_command
from handlers.kit import Wiring, tap_handler
from models.booking import VENUES


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """/venues, its taps, and the persistent conversation for typed answers."""
    return [
        question_conversation(),
        CommandHandler("venues", venues_command),
        tap_handler(VENUES, on_venue_tap),
    ]
