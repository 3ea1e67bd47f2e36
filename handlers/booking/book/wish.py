"""What a plain request at the main menu names: "我想订明天的午饭" starts at the canteen, for
oneself, with tomorrow's slots (``start``); the town is asked only when it does not go without
saying (``what.after_kind``)."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.book.draft import booking_draft
from handlers.booking.book.what import after_kind
from handlers.booking.book.who import start_booking
from handlers.booking.book.words import KIND_WORDS, kind_means
from handlers.kit import Option, clear_draft, today
from models.core.phrases import find_day
from models.core.words import understand


def wished_kind(context: TongxinContext, said: str) -> str | None:
    """The one kind the words name surely, if any."""
    t = context.t
    options = [Option(kind, t(f"booking.kind.{kind}"), kind_means(kind)) for kind in KIND_WORDS]
    found = understand(said, options)
    return found.choice.key if found.sure and found.choice is not None else None


async def start(update: Update, context: TongxinContext) -> int:
    """Book: from the start, or (a plain request naming a kind) at that kind, for oneself,
    with the day it names kept for the day question."""
    said = context.said
    kind = wished_kind(context, said) if said else None
    if said is None or kind is None:
        return await start_booking(update, context)
    clear_draft(context)
    data = booking_draft(context)
    day = find_day(said, today(context))
    if day is not None:
        data["wish_day"] = day.isoformat()
    return await after_kind(update, context, kind)
