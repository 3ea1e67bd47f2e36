"""Finding a slot, one question at a time: where a kind is offered, how many days to offer, and
the slots of a day (or the nearest free ones).

A day lists its slots with places left, nearest first ("any centre" searches both towns). When
none is free but some are full, the full ones are listed instead, each to join its waitlist;
when the day has no slot at all, the view says why: the venue's closure, or the nearest day
with places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.calendar import TOWNS_TZ, blackout_on
from models.booking.rules import BlackoutDay
from models.booking.slots import OpenSlot, day_bounds, open_slots, venues_of_kind
from models.booking.tables import id_of
from models.core.base import utcnow
from models.core.catalogue import list_towns, town_of
from models.core.outbox import bilingual_param
from models.core.places import ServiceCentre, Town

DAYS_PER_PAGE = 7
NEAREST_SHOWN = 21
DAY_LIMIT = 50
SEARCH_DAYS = 366


@dataclass(frozen=True)
class PlaceChoice:
    """A town whose centres offer the kind, with those centres (for the place question)."""

    town: Town
    centres: list[ServiceCentre]


async def place_choices(
    session: AsyncSession, *, kind: str, home_town_id: int | None = None
) -> list[PlaceChoice]:
    """The towns offering ``kind``, each with its centres that do, the resident's town first."""
    venues = await venues_of_kind(session, kind)
    choices = []
    towns = sorted(await list_towns(session), key=lambda town: town.id != home_town_id)
    for town in towns:
        centres = {c.id: c for _venue, c in venues if c.town_id == town.id}
        if centres:
            choices.append(PlaceChoice(town, list(centres.values())))
    return choices


async def default_town(
    session: AsyncSession, *, kind: str, home_town_id: int | None
) -> Town | None:
    """The town to search without asking "where?": the only town offering ``kind``, else the
    resident's own when it does; None when the person must choose (the place question stays
    one ⬅️ away, and a rule refusing the town leads back to it)."""
    choices = await place_choices(session, kind=kind, home_town_id=home_town_id)
    if len(choices) == 1:
        return choices[0].town
    own = [choice.town for choice in choices if choice.town.id == home_town_id]
    return own[0] if own else None


@dataclass(frozen=True)
class DayChoices:
    """What the day question needs: the chosen town (None: any centre) and how many days ahead
    the venues take bookings (``pages`` of days follow from it)."""

    town: Town | None
    horizon: int

    def pages(self, per_page: int = DAYS_PER_PAGE) -> int:
        """How many pages of ``per_page`` days reach the horizon."""
        return max(1, math.ceil((self.horizon + 1) / per_page))


async def day_choices(session: AsyncSession, *, kind: str, town_id: int | None) -> DayChoices:
    """The chosen town and how far ahead ``kind`` may be booked there."""
    venues = await venues_of_kind(session, kind, town_id)
    horizon = max((venue.horizon_days for venue, _centre in venues), default=DAYS_PER_PAGE)
    town = await town_of(session, town_id) if town_id is not None else None
    return DayChoices(town, horizon)


async def nearest_slots(
    session: AsyncSession,
    *,
    kind: str,
    town_id: int | None,
    limit: int = NEAREST_SHOWN,
    now: datetime | None = None,
    tz: ZoneInfo = TOWNS_TZ,
    home_town_id: int | None = None,
) -> list[OpenSlot]:
    """The nearest slots with a place left that the venues' lead time and horizon allow."""
    now = now or utcnow()
    found = await open_slots(
        session,
        kind=kind,
        since=now,
        until=now + timedelta(days=SEARCH_DAYS),
        town_id=town_id,
        limit=limit + DAY_LIMIT,
        tz=tz,
        home_town_id=home_town_id,
    )
    bookable = [
        item
        for item in found
        if timedelta(minutes=item.venue.lead_time_minutes)
        <= item.slot.starts_at - now
        <= timedelta(days=item.venue.horizon_days)
    ]
    return bookable[:limit]


@dataclass(frozen=True)
class DaySlots:
    """The slot screen's choices: a day's slots with places, or else its full ones (``full``);
    or nothing, with why (``closed``: the venue's closure; ``nearest_day`` with places) and what
    the day question needs to be asked again (``days``)."""

    slots: list[OpenSlot] = field(default_factory=list)
    full: bool = False
    closed: BlackoutDay | None = None
    nearest_day: date | None = None
    days: DayChoices | None = None


async def day_slots(
    session: AsyncSession,
    *,
    kind: str,
    town_id: int | None,
    day: date | None,
    now: datetime | None = None,
    tz: ZoneInfo = TOWNS_TZ,
    home_town_id: int | None = None,
) -> DaySlots:
    """The slots of ``kind`` on ``day`` (None: the nearest free ones), in a town or any centre."""
    now = now or utcnow()
    if day is None:
        nearest = await nearest_slots(
            session, kind=kind, town_id=town_id, now=now, tz=tz, home_town_id=home_town_id
        )
        if nearest:
            return DaySlots(nearest)
        return DaySlots(days=await day_choices(session, kind=kind, town_id=town_id))
    start, end = day_bounds(day, tz)

    async def search(places: int) -> list[OpenSlot]:
        return await open_slots(
            session,
            kind=kind,
            since=max(start, now),
            until=end,
            town_id=town_id,
            places=places,
            limit=DAY_LIMIT,
            tz=tz,
            home_town_id=home_town_id,
        )

    free = await search(1)
    if free:
        return DaySlots(free)
    full = [item for item in await search(0) if item.free < 1]  # every slot, full ones too
    if full:
        return DaySlots(full, full=True)
    days = await day_choices(session, kind=kind, town_id=town_id)
    for venue, _centre in await venues_of_kind(session, kind, town_id):
        closed = await blackout_on(session, id_of(venue), day)
        if closed is not None:
            reason = bilingual_param(closed.reason_zh, closed.reason_en)
            return DaySlots(closed=BlackoutDay(reason=reason), days=days)
    nearest = await nearest_slots(session, kind=kind, town_id=town_id, limit=1, now=now, tz=tz)
    nearest_day = nearest[0].slot.starts_at.astimezone(tz).date() if nearest else None
    return DaySlots(nearest_day=nearest_day, days=days)
