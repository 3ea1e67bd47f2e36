"""/venues: the venues an admin manages, and what each of its screens shows.

A town admin manages the venues of their own town's centres, a both-towns admin all of them
(``models.core.authz.can`` with the centre's town). ``managed_venue`` and ``managed_slot`` make
that check (``NotAllowed``; ``NotFound`` for ids that name nothing); every use case of the
/venues screens starts with one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.calendar import TOWNS_TZ, Blackout, OpeningHours, blackouts_of, hours_of
from models.booking.slots import Slot
from models.booking.staff import row_id
from models.booking.venue_slots import slots_on
from models.core.authz import Action, Scope, can
from models.core.base import get_or_raise, utcnow
from models.core.errors import NotAllowed, NotFound
from models.core.places import ServiceCentre, Venue

MAX_OFFSET = 366  # days ahead an admin may page to


@dataclass(frozen=True)
class VenueList:
    """The venues an admin manages (with their centres), and the centre chosen, if any."""

    venues: list[tuple[Venue, ServiceCentre]]
    centre_id: int | None = None


@dataclass(frozen=True)
class VenueCard:
    """One venue with what residents see of it and every rule."""

    venue: Venue
    centre: ServiceCentre
    hours: list[OpeningHours]
    blackouts: list[Blackout]


@dataclass(frozen=True)
class VenueHours:
    """A venue's weekly opening hours."""

    venue: Venue
    hours: list[OpeningHours]


@dataclass(frozen=True)
class VenueBlackouts:
    """A venue's closed days."""

    venue: Venue
    blackouts: list[Blackout]


@dataclass(frozen=True)
class VenueDays:
    """Days to choose from for adjusting slots, from ``offset`` days after ``today``."""

    venue: Venue
    today: date
    offset: int


@dataclass(frozen=True)
class VenueDay:
    """A venue's slots on one day."""

    venue: Venue
    day: date
    today: date
    slots: list[Slot]


@dataclass(frozen=True)
class SlotCard:
    """One slot of a venue."""

    slot: Slot
    venue: Venue


VenueScreen = VenueList | VenueCard | VenueHours | VenueBlackouts | VenueDays | VenueDay | SlotCard


async def managed_venues(
    session: AsyncSession, scopes: Iterable[Scope]
) -> list[tuple[Venue, ServiceCentre]]:
    """The venues these scopes manage, by centre then code."""
    scopes = list(scopes)
    query = (
        select(Venue, ServiceCentre)
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .order_by(col(ServiceCentre.code), col(Venue.code))
    )
    rows = (await session.execute(query)).all()
    return [(v, c) for v, c in rows if can(scopes, Action.VENUE_MANAGE, c.town_id)]


async def managed_venue(
    session: AsyncSession, scopes: Iterable[Scope], venue_id: int
) -> tuple[Venue, ServiceCentre]:
    """One venue these scopes manage; NotFound / NotAllowed otherwise."""
    venue = await get_or_raise(session, Venue, venue_id)
    centre = await get_or_raise(session, ServiceCentre, venue.centre_id)
    if not can(scopes, Action.VENUE_MANAGE, centre.town_id):
        raise NotAllowed()
    return venue, centre


async def managed_slot(
    session: AsyncSession, scopes: Iterable[Scope], slot_id: int
) -> tuple[Slot, Venue]:
    """One slot of a venue these scopes manage."""
    slot = await get_or_raise(session, Slot, slot_id)
    venue, _centre = await managed_venue(session, scopes, slot.venue_id)
    return slot, venue


def local_today(tz: ZoneInfo) -> date:
    """Today in the towns' time zone."""
    return utcnow().astimezone(tz).date()


async def card_of(session: AsyncSession, venue: Venue, centre: ServiceCentre) -> VenueCard:
    """The card of a venue already checked."""
    venue_id = row_id(venue)
    return VenueCard(
        venue, centre, await hours_of(session, venue_id), await blackouts_of(session, venue_id)
    )


async def hours_view(session: AsyncSession, venue: Venue) -> VenueHours:
    """The opening hours of a venue already checked."""
    return VenueHours(venue, await hours_of(session, row_id(venue)))


async def blackouts_view(session: AsyncSession, venue: Venue) -> VenueBlackouts:
    """The closed days of a venue already checked."""
    return VenueBlackouts(venue, await blackouts_of(session, row_id(venue)))


async def venue_list(
    session: AsyncSession, *, scopes: Iterable[Scope], centre_id: int | None = None
) -> VenueList:
    """The venues an admin manages; with ``centre_id``, that centre's (which they must manage)."""
    scopes = list(scopes)
    venues = await managed_venues(session, scopes)
    if centre_id is not None:
        centre = await get_or_raise(session, ServiceCentre, centre_id)
        if all(c.id != centre.id for _v, c in venues):
            raise NotAllowed()
    return VenueList(venues, centre_id)


async def venue_card(session: AsyncSession, *, scopes: Iterable[Scope], venue_id: int) -> VenueCard:
    """A venue's card: what residents see and every rule."""
    return await card_of(session, *await managed_venue(session, scopes, venue_id))


async def venue_hours(
    session: AsyncSession, *, scopes: Iterable[Scope], venue_id: int
) -> VenueHours:
    """A venue's weekly opening hours."""
    venue, _centre = await managed_venue(session, scopes, venue_id)
    return await hours_view(session, venue)


async def venue_blackouts(
    session: AsyncSession, *, scopes: Iterable[Scope], venue_id: int
) -> VenueBlackouts:
    """A venue's closed days."""
    venue, _centre = await managed_venue(session, scopes, venue_id)
    return await blackouts_view(session, venue)


async def venue_days(
    session: AsyncSession,
    *,
    scopes: Iterable[Scope],
    venue_id: int,
    offset: int,
    tz: ZoneInfo = TOWNS_TZ,
) -> VenueDays:
    """Days to adjust slots on, from ``offset`` days ahead (at most a year)."""
    if offset > MAX_OFFSET:
        raise NotFound()
    venue, _centre = await managed_venue(session, scopes, venue_id)
    return VenueDays(venue, local_today(tz), offset)


def _day(text: str) -> date:
    """A day written ``YYYYMMDD`` in callback data; NotFound for anything else."""
    if len(text) != 8 or not text.isdigit():
        raise NotFound()
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError as exc:
        raise NotFound() from exc


async def venue_day(
    session: AsyncSession,
    *,
    scopes: Iterable[Scope],
    venue_id: int,
    day: str,
    tz: ZoneInfo = TOWNS_TZ,
) -> VenueDay:
    """A venue's slots on ``day`` (``YYYYMMDD``)."""
    venue, _centre = await managed_venue(session, scopes, venue_id)
    wanted = _day(day)
    slots = await slots_on(session, row_id(venue), wanted, tz)
    return VenueDay(venue, wanted, local_today(tz), slots)


async def venue_slot(session: AsyncSession, *, scopes: Iterable[Scope], slot_id: int) -> SlotCard:
    """One slot of a venue the admin manages."""
    return SlotCard(*await managed_slot(session, scopes, slot_id))
