"""Waitlists: when a slot is full, residents queue; freed places are offered in turn.

The line and its offers are the shared engine's (``models.core.offers``, a ``Queue`` over
``waitlist_entry``). An offer holds the places (``slot.taken`` includes them, taken by the same
conditional update as a booking), so nobody else can book them while the offered person
decides. The offer is an outbox message with accept/decline buttons; it lapses after
``OFFER_WINDOW`` (or at the slot's start), and ``expire_offers`` passes the places on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.creation import create_booking, slot_and_venue
from models.booking.notices import send_offer
from models.booking.rules import NotYourBooking, SlotUnavailable
from models.booking.slots import release_places, take_places
from models.booking.tables import OPEN_ENTRY, Slot, WaitlistEntry, WaitStatus, id_of
from models.core.base import utcnow
from models.core.errors import DomainError
from models.core.offers import Queue, lapse_due, offer_deadline, offer_in_turn, position
from models.core.people import Person
from models.core.places import Venue

OFFER_WINDOW = timedelta(hours=2)
WAITLIST = Queue(
    WaitlistEntry,
    "slot_id",
    waiting=WaitStatus.WAITING.value,
    offered=WaitStatus.OFFERED.value,
    lapsed=WaitStatus.EXPIRED.value,
)


class OfferGone(DomainError):
    """The waitlist offer was already taken up, declined, or has lapsed."""

    message_id = "waitlist.error.gone"


async def join_waitlist(
    session: AsyncSession, person: Person, slot_id: int, party_size: int = 1
) -> tuple[WaitlistEntry, int]:
    """Queue for a slot (once per person); returns the entry and its place in the queue."""
    slot = await session.get(Slot, slot_id)
    if slot is None or slot.closed or slot.starts_at <= utcnow():
        raise SlotUnavailable()
    query = select(WaitlistEntry).where(
        col(WaitlistEntry.slot_id) == slot_id,
        col(WaitlistEntry.person_id) == person.id,
        col(WaitlistEntry.status).in_(OPEN_ENTRY),
    )
    entry = (await session.execute(query)).scalars().first()
    if entry is None:
        entry = WaitlistEntry(slot_id=slot_id, person_id=id_of(person), party_size=party_size)
        session.add(entry)
        await session.flush()
    return entry, await queue_position(session, entry)


async def queue_position(session: AsyncSession, entry: WaitlistEntry) -> int:
    """1 for the first person waiting."""
    return await position(session, WAITLIST, entry)


async def leave_waitlist(session: AsyncSession, entry: WaitlistEntry) -> None:
    """Leave the queue (an open offer's places pass on)."""
    was_offered = entry.status == WaitStatus.OFFERED.value
    entry.status = WaitStatus.LEFT.value
    await session.flush()
    if was_offered:
        await release_places(session, entry.slot_id, entry.party_size)
        await offer_freed_places(session, entry.slot_id)


async def offer_freed_places(
    session: AsyncSession, slot_id: int, now: datetime | None = None
) -> int:
    """Offer free places to the people waiting, in order; returns how many offers were made."""
    now = now or utcnow()
    slot = await session.get(Slot, slot_id, populate_existing=True)
    if slot is None or slot.closed or slot.starts_at <= now:
        return 0
    open_slot = slot

    async def hold(entry: WaitlistEntry) -> bool:
        return await take_places(session, slot_id, entry.party_size)

    async def send(entry: WaitlistEntry) -> None:
        await send_offer(session, entry, open_slot)

    return await offer_in_turn(
        session,
        WAITLIST,
        slot_id,
        hold=hold,
        send=send,
        now=now,
        expires_at=offer_deadline(now, slot.starts_at, OFFER_WINDOW),
    )


async def open_offer(session: AsyncSession, entry_id: int, person: Person) -> WaitlistEntry:
    """The person's own offer that is still open; ``OfferGone`` otherwise (forged ids too)."""
    entry = await session.get(WaitlistEntry, entry_id)
    if entry is None or entry.person_id != person.id:
        raise NotYourBooking()
    expires = entry.offer_expires_at
    if entry.status != WaitStatus.OFFERED.value or expires is None or expires <= utcnow():
        raise OfferGone()
    return entry


async def accept_offer(session: AsyncSession, entry_id: int, person: Person) -> int:
    """Take up an offer: the held places become the person's booking; returns its id."""
    entry = await open_offer(session, entry_id, person)
    slot, venue = await slot_and_venue(session, entry.slot_id)
    booked = await create_booking(
        session,
        person=person,
        slot=slot,
        venue=venue,
        party_size=entry.party_size,
        now=utcnow(),
        places_held=True,
    )
    entry.status = WaitStatus.ACCEPTED.value
    await session.flush()
    if not booked.created:  # they booked this slot meanwhile: the offer's places pass on
        await release_places(session, entry.slot_id, entry.party_size)
        await offer_freed_places(session, entry.slot_id)
    return id_of(booked.booking)


async def decline_offer(session: AsyncSession, entry_id: int, person: Person) -> None:
    """Say no to an offer: its places pass to the next person at once."""
    entry = await open_offer(session, entry_id, person)
    entry.status = WaitStatus.DECLINED.value
    await session.flush()
    await release_places(session, entry.slot_id, entry.party_size)
    await offer_freed_places(session, entry.slot_id)


async def expire_offers(session: AsyncSession, now: datetime | None = None) -> int:
    """Lapse offers past their time and pass their places on; returns how many lapsed."""
    now = now or utcnow()
    lapsed = await lapse_due(session, WAITLIST, now)
    for entry in lapsed:
        await release_places(session, entry.slot_id, entry.party_size)
        await offer_freed_places(session, entry.slot_id, now=now)
    return len(lapsed)


async def my_waitlist(
    session: AsyncSession, person: Person, now: datetime | None = None
) -> list[tuple[WaitlistEntry, Slot, Venue]]:
    """The person's open waitlist entries (waiting or offered) for slots still ahead."""
    params = {"me": person.id, "now": now or utcnow()}
    rows = (await session.execute(_MY_WAITLIST, params)).all()
    return [(entry, slot, venue) for entry, slot, venue in rows]


_MY_WAITLIST = (  # built once: "my bookings" shows it after every booking
    select(WaitlistEntry, Slot, Venue)
    .join(Slot, col(Slot.id) == col(WaitlistEntry.slot_id))
    .join(Venue, col(Venue.id) == col(Slot.venue_id))
    .where(
        col(WaitlistEntry.person_id) == bindparam("me"),
        col(WaitlistEntry.status).in_(OPEN_ENTRY),
        col(Slot.starts_at) > bindparam("now"),
    )
    .order_by(col(Slot.starts_at))
)


async def owned_entry(session: AsyncSession, entry_id: int, person: Person) -> WaitlistEntry:
    """The person's own open entry; ``NotYourBooking`` for others', ``OfferGone`` when closed."""
    entry = await session.get(WaitlistEntry, entry_id)
    if entry is None or entry.person_id != person.id:
        raise NotYourBooking()
    if entry.status not in OPEN_ENTRY:
        raise OfferGone()
    return entry
