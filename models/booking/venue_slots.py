"""A venue's slots as admins adjust them: a day's slots, one slot's places, closing it, and
creating the missing slots from the opening hours (also the hourly job, for every venue)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.calendar import TOWNS_TZ
from models.booking.slots import Slot, day_bounds, generate_slots, set_capacity, set_closed
from models.booking.staff import row_id
from models.booking.venue_rules import MAX_PLACES, NumberInvalid
from models.core.audit import record_audit
from models.core.csvfile import TextInvalid, parse_int
from models.core.people import Person
from models.core.places import Venue


async def slots_on(
    session: AsyncSession, venue_id: int, day: date, tz: ZoneInfo = TOWNS_TZ
) -> list[Slot]:
    """A venue's slots on one local day, earliest first (closed ones included)."""
    start, end = day_bounds(day, tz)
    query = (
        select(Slot)
        .where(col(Slot.venue_id) == venue_id, col(Slot.starts_at) >= start)
        .where(col(Slot.starts_at) < end)
        .order_by(col(Slot.starts_at))
    )
    return list((await session.execute(query)).scalars())


async def change_slot_capacity(
    session: AsyncSession, actor: Person, slot: Slot, text: str | None
) -> Slot:
    """Give one slot the typed number of places; CapacityBelowTaken below what is booked."""
    try:
        capacity = parse_int(text or "", 1, MAX_PLACES)
    except TextInvalid as exc:
        raise NumberInvalid(low=1, high=MAX_PLACES) from exc
    old = slot.capacity
    updated = await set_capacity(session, row_id(slot), capacity)
    await record_audit(session, actor.id, "slot.capacity", "slot", slot.id, old=old, new=capacity)
    return updated


async def change_slot_closed(
    session: AsyncSession, actor: Person, slot: Slot, closed: bool
) -> Slot:
    """Close a slot to new bookings (booked places stay) or open it again."""
    updated = await set_closed(session, row_id(slot), closed)
    await record_audit(session, actor.id, "slot.closed", "slot", slot.id, closed=closed)
    return updated


async def regenerate_slots(
    session: AsyncSession, actor: Person, venue: Venue, today: date, tz: ZoneInfo = TOWNS_TZ
) -> int:
    """Create the missing slots from today to the venue's horizon (existing ones stay)."""
    created = await generate_slots(
        session, venue, today, today + timedelta(days=venue.horizon_days), tz
    )
    await record_audit(
        session, actor.id, "venue.slots.generate", "venue", venue.id,
        code=venue.code, created=created,
    )  # fmt: skip
    return created


async def extend_slots(session: AsyncSession, *, today: date, tz: ZoneInfo = TOWNS_TZ) -> int:
    """Generate the missing slots of every active venue from today to its horizon."""
    venues = (await session.execute(select(Venue).where(col(Venue.active)))).scalars().all()
    created = 0
    for venue in venues:
        last = today + timedelta(days=venue.horizon_days)
        created += await generate_slots(session, venue, today, last, tz)
    return created
