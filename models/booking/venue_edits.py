"""/venues edits made by a tap: switch a flag, create slots, reopen closed days, close a slot.

Each use case checks the admin's town (``managed_venue`` / ``managed_slot``), makes the change
(audited) and returns what changed with the screen to show next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.calendar import TOWNS_TZ
from models.booking.venue_calendar import remove_blackout
from models.booking.venue_rules import FLAGS, toggle_flag
from models.booking.venue_slots import change_slot_closed, regenerate_slots
from models.booking.venues import (
    SlotCard,
    VenueBlackouts,
    VenueCard,
    VenueHours,
    blackouts_view,
    card_of,
    hours_view,
    local_today,
    managed_slot,
    managed_venue,
)
from models.core.authz import Scope
from models.core.errors import NotFound
from models.core.people import Person


@dataclass(frozen=True)
class FlagSwitched:
    """A yes/no rule switched, and the venue's card."""

    card: VenueCard
    flag: str
    on: bool


@dataclass(frozen=True)
class SlotsRegenerated:
    """Slots created from the opening hours, and the hours screen."""

    hours: VenueHours
    created: int


@dataclass(frozen=True)
class BlackoutRemoved:
    """Closed days reopened, and the closed-days screen."""

    blackouts: VenueBlackouts


@dataclass(frozen=True)
class SlotChanged:
    """A slot's places (``capacity``) or its being closed (``closed``) changed."""

    card: SlotCard
    what: str


async def switch_venue_flag(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], venue_id: int, flag: str
) -> FlagSwitched:
    """Flip one yes/no rule of a venue."""
    if flag not in FLAGS:
        raise NotFound()
    venue, centre = await managed_venue(session, scopes, venue_id)
    on = await toggle_flag(session, person, venue, flag)
    return FlagSwitched(await card_of(session, venue, centre), flag, on)


async def regenerate_venue_slots(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    venue_id: int,
    tz: ZoneInfo = TOWNS_TZ,
) -> SlotsRegenerated:
    """Create a venue's missing slots from today to its horizon."""
    venue, _centre = await managed_venue(session, scopes, venue_id)
    created = await regenerate_slots(session, person, venue, local_today(tz), tz)
    return SlotsRegenerated(await hours_view(session, venue), created)


async def reopen_closed_days(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    venue_id: int,
    blackout_id: int,
) -> BlackoutRemoved:
    """Remove one of a venue's closed-day ranges."""
    venue, _centre = await managed_venue(session, scopes, venue_id)
    await remove_blackout(session, person, venue, blackout_id)
    return BlackoutRemoved(await blackouts_view(session, venue))


async def close_slot(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], slot_id: int, closed: int
) -> SlotChanged:
    """Close a slot to new bookings (``closed`` 1) or open it again (0)."""
    if closed not in (0, 1):
        raise NotFound()
    slot, venue = await managed_slot(session, scopes, slot_id)
    slot = await change_slot_closed(session, person, slot, bool(closed))
    return SlotChanged(SlotCard(slot, venue), "closed")
