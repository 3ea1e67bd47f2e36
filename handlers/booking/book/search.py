"""Finding slots for the booking screens, and checking a picked slot before going on.

A day's slots with places left are listed (nearest first; "any centre" searches both towns).
When none is free but some are full, the full ones are listed instead, each to join its
waitlist; when the day has no slot at all, the person is told why (a blackout's reason, or the
nearest day with places) and picks another day.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_day
from handlers.booking.book.screens import (
    NEAREST,
    ask_day,
    draft,
    lead,
    target_person,
    venues_of,
)
from handlers.booking.book.slot_screens import ask_slots
from handlers.booking.receipts import error_text
from models.booking.bookings import active_booking
from models.booking.calendar import blackout_on
from models.booking.rules import BlackoutDay, SlotFull, SlotUnavailable, check_rules, count_active
from models.booking.slots import OpenSlot, Slot, day_bounds, open_slots
from models.core.base import utcnow
from models.core.errors import DomainError
from models.core.outbox import bilingual_param
from models.core.places import Venue

NEAREST_SHOWN = 21
DAY_LIMIT = 50
SEARCH_DAYS = 366


class AlreadyYours(DomainError):
    """The person already holds a booking in this slot."""

    message_id = "booking.slot.already_yours"


async def nearest_slots(context: TongxinContext, limit: int = NEAREST_SHOWN) -> list[OpenSlot]:
    """The nearest slots with a place left that the venues' lead time and horizon allow."""
    data, now = draft(context), utcnow()
    async with context.services.sessions() as session:
        found = await open_slots(
            session,
            kind=str(data["kind"]),
            since=now,
            until=now + timedelta(days=SEARCH_DAYS),
            town_id=data.get("town_id"),
            limit=limit + DAY_LIMIT,
            tz=context.services.settings.tz,
        )
    bookable = [
        item
        for item in found
        if timedelta(minutes=item.venue.lead_time_minutes)
        <= item.slot.starts_at - now
        <= timedelta(days=item.venue.horizon_days)
    ]
    return bookable[:limit]


async def show_slots(update: Update, context: TongxinContext, first: str = "") -> int:
    """The slot screen for the chosen day (or the nearest slots); another day when none."""
    data, tz = draft(context), context.services.settings.tz
    if data.get("day") == NEAREST:
        found = await nearest_slots(context)
        if not found:
            return await ask_day(update, context, lead(first, context.t("booking.nearest.none")))
        return await ask_slots(update, context, found, full=False, first=first)
    day = date.fromisoformat(str(data["day"]))
    start, end = day_bounds(day, tz)
    since = max(start, utcnow())
    async with context.services.sessions() as session:

        async def search(places: int) -> list[OpenSlot]:
            return await open_slots(
                session,
                kind=str(data["kind"]),
                since=since,
                until=end,
                town_id=data.get("town_id"),
                places=places,
                limit=DAY_LIMIT,
                tz=tz,
            )

        found = await search(1)
        full = [] if found else await search(0)  # every slot, full ones included
    full = [item for item in full if item.free < 1]
    if found or full:
        return await ask_slots(update, context, found or full, full=not found, first=first)
    return await ask_day(update, context, lead(first, await why_no_slot(context, day)))


async def why_no_slot(context: TongxinContext, day: date) -> str:
    """A kind word for a day without slots: the venue's closure reason, or the nearest free day."""
    data = draft(context)
    venues = await venues_of(context, str(data["kind"]), data.get("town_id"))
    async with context.services.sessions() as session:
        for venue, _centre in venues:
            assert venue.id is not None
            closed = await blackout_on(session, venue.id, day)
            if closed is not None:
                reason = bilingual_param(closed.reason_zh, closed.reason_en)
                return error_text(context, BlackoutDay(reason=reason))
    words = format_day(day, context.lang)
    nearest = await nearest_slots(context, limit=1)
    if not nearest:
        return context.t("booking.day.none", day=words)
    when = nearest[0].slot.starts_at.astimezone(context.services.settings.tz).date()
    return context.t("booking.day.none.suggest", day=words, nearest=format_day(when, context.lang))


async def precheck(context: TongxinContext, slot_id: int, party_size: int = 1) -> Slot:
    """Raise the rule a booking of this slot would break now (so the person hears it early)."""
    person, now = await target_person(context), utcnow()
    assert person.id is not None
    async with context.services.sessions() as session:
        slot = await session.get(Slot, slot_id)
        if slot is None:
            raise SlotUnavailable()
        existing = await active_booking(session, slot_id, person.id)
        if existing is not None:
            raise AlreadyYours(id=existing.id)
        venue = await session.get(Venue, slot.venue_id)
        assert venue is not None and venue.id is not None
        active = await count_active(session, person.id, venue.id, now, excluding=None)
        await check_rules(
            session,
            person,
            slot,
            venue,
            party_size=party_size,
            active_bookings=active,
            now=now,
            tz=context.services.settings.tz,
        )
    if slot.capacity - slot.taken < party_size:
        raise SlotFull(slot=slot_id)
    return slot
