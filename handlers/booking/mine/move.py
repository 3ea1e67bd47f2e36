"""我的预约与提醒: reschedule one booking at the same venue — day, then slot, then confirm.

The move itself is ``models.booking.bookings.reschedule``: one transaction that books the new slot
first and then cancels the old one (whose places go to the waitlist at once).
"""

from __future__ import annotations

from datetime import date, datetime

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_day, format_span
from handlers.booking.mine.screens import (
    DAY,
    MORE,
    MOVE,
    SLOT,
    chosen_booking,
    end_home,
    gone,
    me,
    recall,
    remember,
    show_detail,
    with_lead,
)
from handlers.booking.receipts import (
    DAYS_PER_PAGE,
    MORE_DAYS,
    day_options,
    error_text,
    send_receipt,
    slot_option,
)
from handlers.kit import Option, choice_keyboard, match_option, message_text, page_of, reply
from models.booking.bookings import BookingNotActive, NotYourBooking, booking_view, owned_booking
from models.booking.bookings import reschedule as move_booking
from models.booking.rules import SlotFull
from models.booking.slots import Slot, day_bounds, open_slots
from models.core.base import utcnow
from models.core.errors import DomainError

DAY_PAGE, DAY_KEY, SLOT_PAGE, SLOT_KEY = "mine.day_page", "mine.day", "mine.slot_page", "mine.slot"
SLOTS_SHOWN = "mine.slots_shown"
MOVE_ANSWERS = ("yes", "no")


def _today(context: TongxinContext) -> date:
    return datetime.now(context.services.settings.tz).date()


def _data(context: TongxinContext) -> dict[str, object]:
    assert context.user_data is not None
    return context.user_data


async def ask_day(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """改到哪一天？ 今天 / 明天 / 后天 / weekdays, and more days up to the venue's horizon."""
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    page = int(str(_data(context).get(DAY_PAGE, 0)))
    if page * DAYS_PER_PAGE > view.venue.horizon_days:
        page = 0
    _data(context)[DAY_PAGE] = page
    options = day_options(context, _today(context), page)
    lang = context.lang
    text = context.t(
        "mine.move.ask_day", venue=view.venue.name(lang), centre=view.centre.name(lang)
    )
    await reply(update, context, with_lead(lead, text), choice_keyboard(options, context.t))
    return DAY


async def on_day(update: Update, context: TongxinContext) -> int:
    """A day was chosen (or more days)."""
    page = int(str(_data(context).get(DAY_PAGE, 0)))
    choice = match_option(message_text(update), day_options(context, _today(context), page))
    if choice is None:
        return await ask_day(update, context, context.t("mine.not_understood"))
    if choice.key == MORE_DAYS:
        _data(context)[DAY_PAGE] = page + 1
        return await ask_day(update, context)
    _data(context)[DAY_KEY], _data(context)[SLOT_PAGE] = choice.key, 0
    return await ask_slot(update, context)


async def ask_slot(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """The chosen day's slots at the same venue with room for the party (not the current one)."""
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    tz = context.services.settings.tz
    day = date.fromisoformat(str(_data(context).get(DAY_KEY)))
    since, until = day_bounds(day, tz)
    async with context.services.sessions() as session:
        found = await open_slots(
            session,
            kind=view.venue.kind,
            since=max(since, utcnow()),
            until=until,
            venue_id=view.venue.id,
            places=view.booking.party_size,
            tz=tz,
        )
    options = [slot_option(context, s) for s in found if s.slot.id != view.slot.id]
    if not options:
        words = format_day(day, context.lang)
        return await ask_day(update, context, context.t("mine.move.no_slots", day=words))
    shown, _pages = page_of(options, int(str(_data(context).get(SLOT_PAGE, 0))), context.t)
    remember(context, SLOTS_SHOWN, shown)
    text = context.t("mine.move.ask_slot", day=format_day(day, context.lang))
    await reply(update, context, with_lead(lead, text), choice_keyboard(shown, context.t))
    return SLOT


async def on_slot(update: Update, context: TongxinContext) -> int:
    """A slot was chosen (or the next page of them)."""
    choice = match_option(message_text(update), recall(context, SLOTS_SHOWN))
    if choice is None:
        return await ask_slot(update, context, context.t("mine.not_understood"))
    if choice.key == MORE:
        _data(context)[SLOT_PAGE] = int(str(_data(context).get(SLOT_PAGE, 0))) + 1
        return await ask_slot(update, context)
    _data(context)[SLOT_KEY] = int(choice.key)
    return await ask_move(update, context)


def _move_options(context: TongxinContext) -> list[Option]:
    return [Option(k, context.t(f"mine.move.{k}")) for k in MOVE_ANSWERS]


async def ask_move(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """Restate the old and the new time and ask to confirm."""
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    async with context.services.sessions() as session:
        slot = await session.get(Slot, int(str(_data(context).get(SLOT_KEY, 0))))
    if slot is None or slot.venue_id != view.venue.id:
        return await ask_slot(update, context)
    lang, tz = context.lang, context.services.settings.tz
    text = context.t(
        "mine.move.confirm",
        old=format_span(view.slot.starts_at, view.slot.ends_at, lang, tz),
        new=format_span(slot.starts_at, slot.ends_at, lang, tz),
        venue=view.venue.name(lang),
        centre=view.centre.name(lang),
    )
    await reply(
        update, context, with_lead(lead, text), choice_keyboard(_move_options(context), context.t)
    )
    return MOVE


async def on_move(update: Update, context: TongxinContext) -> int:
    """Yes: move it in one transaction and send the new receipt; no: back to the booking."""
    choice = match_option(message_text(update), _move_options(context))
    if choice is None:
        return await ask_move(update, context, context.t("mine.not_understood"))
    if choice.key == "no":
        return await show_detail(update, context)
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    slot_id = int(str(_data(context).get(SLOT_KEY, 0)))
    try:
        async with context.services.sessions() as session, session.begin():
            booking = await owned_booking(session, view.booking.id or 0, me(context))
            moved = await move_booking(
                session, booking, me(context), slot_id, tz=context.services.settings.tz
            )
            new_view = await booking_view(session, moved.booking.id or 0)
    except (NotYourBooking, BookingNotActive):
        return await gone(update, context)
    except SlotFull:
        return await ask_slot(update, context, context.t("mine.move.full"))
    except DomainError as error:
        return await ask_slot(update, context, error_text(context, error))
    assert update.effective_chat is not None
    await send_receipt(context, update.effective_chat.id, new_view)
    return await end_home(update, context, context.t("mine.move.done"))
