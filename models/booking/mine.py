"""我的预约与提醒: what the person has coming up, one booking or waitlist place, cancelling.

Every use case loads the item again as the person's own (a booking they hold or made for
someone, an entry of theirs), so a stale choice changes nothing: it raises ``ItemGone`` and
the screen shows the fresh list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.bookings import (
    ACTIVE,
    Booking,
    BookingStatus,
    BookingView,
    NotYourBooking,
    booking_view,
    cancel_booking,
    my_bookings,
    owned_booking,
)
from models.booking.proxy_consent import name_for_proxy
from models.booking.slots import Slot, slot_with_place
from models.booking.waitlist import (
    OfferGone,
    WaitlistEntry,
    WaitStatus,
    leave_waitlist,
    my_waitlist,
    owned_entry,
    queue_position,
)
from models.core.catalogue import centre_of, town_of
from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.core.places import ServiceCentre, Town, Venue

BOOKING, ENTRY = "b", "w"  # what a list item is


class ItemGone(DomainError):
    """The booking or waitlist place changed meanwhile (cancelled, over, taken, not yours)."""

    message_id = "mine.gone"


def saved_id(row_id: int | None) -> int:
    """The id of a row that was flushed (always set then; this narrows the type)."""
    if row_id is None:
        raise NotFound()
    return row_id


@dataclass(frozen=True)
class MineItem:
    """One line of the list: a booking (``kind`` BOOKING) or a waitlist place (ENTRY).

    ``status`` is the booking's, or the entry's (waiting / offered); ``resident`` names the
    person a booking was made for when that is someone else; ``position`` is the place in the
    queue of a waiting entry.
    """

    kind: str
    id: int
    slot: Slot
    venue: Venue
    centre: ServiceCentre
    town: Town
    status: str
    resident: str | None = None
    position: int = 0

    @property
    def key(self) -> str:
        """What the list's choice stands for: ``b12``, ``w7``."""
        return f"{self.kind}{self.id}"

    @property
    def offered(self) -> bool:
        """A waitlist place whose places are held for the person now."""
        return self.kind == ENTRY and self.status == WaitStatus.OFFERED.value


async def _resident_name(session: AsyncSession, person: Person, booking: Booking) -> str | None:
    """The name of the resident a booking was made for, when that is not ``person`` (masked
    until the resident's standing consent to ``person`` is on record)."""
    if booking.person_id == person.id:
        return None
    resident = await session.get(Person, booking.person_id)
    return await name_for_proxy(session, resident, person.id) if resident else "—"


async def _town(session: AsyncSession, town_id: int) -> Town:
    town = await town_of(session, town_id)  # the catalogue cache, when the session has it
    if town is None:
        raise NotFound()
    return town


async def _centre(session: AsyncSession, centre_id: int) -> ServiceCentre:
    centre = await centre_of(session, centre_id)
    if centre is None:
        raise NotFound()
    return centre


async def my_list(
    session: AsyncSession, *, person: Person, now: datetime | None = None
) -> list[MineItem]:
    """Upcoming bookings (the person's own and made for others), then waitlist places."""
    items = []
    for view in await my_bookings(session, person, now=now):
        items.append(
            MineItem(
                BOOKING,
                saved_id(view.booking.id),
                view.slot,
                view.venue,
                view.centre,
                await _town(session, view.centre.town_id),
                view.booking.status,
                resident=await _resident_name(session, person, view.booking),
            )
        )
    for entry, slot, venue in await my_waitlist(session, person, now):
        centre = await _centre(session, venue.centre_id)
        offered = entry.status == WaitStatus.OFFERED.value
        items.append(
            MineItem(
                ENTRY,
                saved_id(entry.id),
                slot,
                venue,
                centre,
                await _town(session, centre.town_id),
                entry.status,
                position=0 if offered else await queue_position(session, entry),
            )
        )
    return items


async def active_booking_of(session: AsyncSession, *, person: Person, booking_id: int) -> Booking:
    """The person's booking (held or made for someone) while active; ``ItemGone`` otherwise."""
    try:
        booking = await owned_booking(session, booking_id, person)
    except NotYourBooking:
        raise ItemGone() from None
    if booking.status not in ACTIVE:
        raise ItemGone()
    return booking


@dataclass(frozen=True)
class BookingDetail:
    """One booking as its screen shows it; ``resident`` when it was made for someone else."""

    view: BookingView
    resident: str | None

    @property
    def can_move(self) -> bool:
        """Rescheduling waits until the resident has agreed to a proxy's booking."""
        return self.view.booking.status != BookingStatus.AWAITING_RESIDENT.value


async def booking_detail(
    session: AsyncSession, *, person: Person, booking_id: int
) -> BookingDetail:
    """The person's active booking with its slot, venue and centre (``ItemGone`` if not)."""
    try:  # the joined read first: the ownership check then finds the booking in the session
        view = await booking_view(session, booking_id)
    except NotFound:
        raise ItemGone() from None
    booking = await active_booking_of(session, person=person, booking_id=booking_id)
    return BookingDetail(view, await _resident_name(session, person, booking))


async def cancel_mine(session: AsyncSession, *, person: Person, booking_id: int) -> BookingView:
    """Cancel the person's booking; its places go to the waitlist at once."""
    booking = await active_booking_of(session, person=person, booking_id=booking_id)
    view = await booking_view(session, booking_id)
    await cancel_booking(session, booking, person)
    return view


@dataclass(frozen=True)
class EntryView:
    """One waitlist place: where and when, and where the person stands."""

    entry: WaitlistEntry
    slot: Slot
    venue: Venue
    centre: ServiceCentre
    position: int

    @property
    def offered(self) -> bool:
        """Places are held for the person until ``entry.offer_expires_at``."""
        return self.entry.status == WaitStatus.OFFERED.value


async def entry_view(session: AsyncSession, *, person: Person, entry_id: int) -> EntryView:
    """The person's open waitlist place (``ItemGone`` when it closed or is not theirs)."""
    try:
        entry = await owned_entry(session, entry_id, person)
    except (NotYourBooking, OfferGone):
        raise ItemGone() from None
    place = await slot_with_place(session, entry.slot_id)
    if place is None:
        raise ItemGone()
    position = await queue_position(session, entry)
    return EntryView(entry, place.slot, place.venue, place.centre, position)


async def leave_queue(session: AsyncSession, *, person: Person, entry_id: int) -> None:
    """Leave a waitlist (an offer held for the person passes on to the next one)."""
    await leave_waitlist(session, await owned_entry(session, entry_id, person))
