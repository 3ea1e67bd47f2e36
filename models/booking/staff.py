"""What the staff's booking screens share: a booking as staff of its town see it, and pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.bookings import BookingView, booking_view
from models.booking.calendar import Blackout
from models.booking.slots import Slot
from models.core.authz import Action, Scope, can
from models.core.base import get_or_raise
from models.core.errors import NotAllowed, NotFound
from models.core.places import ServiceCentre, Venue

T = TypeVar("T")


def row_id(row: Venue | Slot | Blackout) -> int:
    """The id of a row read from the database (only a row never flushed has none)."""
    if row.id is None:
        raise NotFound()
    return row.id


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, which page it is (from 0), how many pages, how many items."""

    items: list[T]
    page: int
    pages: int
    total: int


def page_of(items: Sequence[T], page: int, size: int) -> Page[T]:
    """Page ``page`` of ``items`` (wrapping around: "more" on the last page shows the first)."""
    pages = max(1, (len(items) + size - 1) // size)
    page %= pages
    return Page(list(items[page * size : (page + 1) * size]), page, pages, len(items))


async def staff_booking(
    session: AsyncSession, booking_id: int, scopes: Iterable[Scope], action: Action
) -> BookingView:
    """The booking, for staff whose ``action`` reaches its venue's town; NotAllowed otherwise."""
    try:
        view = await booking_view(session, booking_id)
    except NotFound:
        raise NotAllowed() from None  # forged ids learn nothing
    if not can(scopes, action, view.centre.town_id):
        raise NotAllowed()
    return view


async def venue_town(session: AsyncSession, slot: Slot) -> int:
    """The town whose centre hosts the slot's venue."""
    venue = await get_or_raise(session, Venue, slot.venue_id)
    centre = await get_or_raise(session, ServiceCentre, venue.centre_id)
    return centre.town_id
