"""Staff work on bookings: approvals (a decline's reason asked in a small conversation),
check-in (roster or the receipt's QR code) and no-shows."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler

from handlers.booking.staff.approvals import approvals_command, on_approval_tap
from handlers.booking.staff.checkin import checkin_handlers
from handlers.booking.staff.decline import decline_conversation
from handlers.booking.staff.noshows import noshows_command
from handlers.kit import Wiring, tap_handler
from models.booking import APPROVAL
from models.core.errors import NotAllowed


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Approvals (and the decline-reason conversation), check-in and /noshows."""
    return [
        decline_conversation(),
        tap_handler(APPROVAL, on_approval_tap, refusal=NotAllowed),
        CommandHandler("approvals", approvals_command),
        CommandHandler("noshows", noshows_command),
        *checkin_handlers(),
    ]
