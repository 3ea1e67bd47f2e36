"""Admins edit a venue's rules, hours, blackouts and slots; each change is checked and audited.

A town admin manages the venues of their own town's centres, a both-towns admin all of them
(``models.core.authz.can`` with the centre's town). Every function takes the venue or slot already
fetched through ``managed_venue`` / ``managed_slot``, which do that check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.calendar import TOWNS_TZ, Blackout, set_hours
from models.booking.catalogue.text import (
    Period,
    TextInvalid,
    format_periods,
    parse_blackout,
    parse_int,
)
from models.booking.catalogue.text import parse_periods as parse_period_text
from models.booking.slots import Slot, day_bounds, generate_slots, set_capacity, set_closed
from models.core.audit import record_audit
from models.core.authz import Action, Scope, can
from models.core.base import utcnow
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.places import ServiceCentre, Venue

MAX_ID = 2**31 - 1
MAX_PLACES = 1000


class NumberInvalid(DomainError):
    """The typed text is not a whole number in the allowed range."""

    message_id = "venues_admin.error.number"


class HoursInvalid(DomainError):
    """The typed opening hours do not follow ``09:00-12:00, 14:00-17:00``."""

    message_id = "venues_admin.error.hours"


class BlackoutInvalid(DomainError):
    """The typed closed days do not follow ``2026-12-25 reason``."""

    message_id = "venues_admin.error.blackout"


@dataclass(frozen=True)
class Rule:
    """A numeric venue rule: its column, the range an admin may type, and the typed unit."""

    column: str
    low: int
    high: int
    scale: int = 1  # stored value = typed value × scale (lead time: typed in hours)


RULES: dict[str, Rule] = {
    "cap": Rule("capacity", 1, MAX_PLACES),
    "lead": Rule("lead_time_minutes", 0, 24 * 30, scale=60),
    "hor": Rule("horizon_days", 1, 366),
    "act": Rule("max_active_bookings", 1, 99),
    "party": Rule("max_party_size", 1, 99),
}
FLAGS: dict[str, str] = {"appr": "needs_approval", "other": "other_town_allowed", "on": "active"}


def checked_id(value: str | int) -> int:
    """An id from callback data or user data; NotFound when it cannot be one."""
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFound()
    return int(text)


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
    session: AsyncSession, scopes: Iterable[Scope], venue_id: int | str
) -> tuple[Venue, ServiceCentre]:
    """One venue these scopes manage; NotFound / NotAllowed otherwise."""
    venue = await session.get(Venue, checked_id(venue_id))
    if venue is None:
        raise NotFound()
    centre = await session.get(ServiceCentre, venue.centre_id)
    assert centre is not None
    if not can(scopes, Action.VENUE_MANAGE, centre.town_id):
        raise NotAllowed()
    return venue, centre


async def managed_slot(
    session: AsyncSession, scopes: Iterable[Scope], slot_id: int | str
) -> tuple[Slot, Venue]:
    """One slot of a venue these scopes manage."""
    slot = await session.get(Slot, checked_id(slot_id))
    if slot is None:
        raise NotFound()
    venue, _centre = await managed_venue(session, scopes, slot.venue_id)
    return slot, venue


def rule_value(venue: Venue, key: str) -> str:
    """A rule's current value in the unit admins type (lead time in hours: ``2``, ``1.5``)."""
    rule = RULES[key]
    return f"{int(getattr(venue, rule.column)) / rule.scale:g}"


def parse_rule(key: str, text: str) -> int:
    """The typed value of a rule, in its typed unit; NumberInvalid when it is not one."""
    rule = RULES[key]
    try:
        return parse_int(text, rule.low, rule.high)
    except TextInvalid as exc:
        raise NumberInvalid(low=rule.low, high=rule.high) from exc


async def apply_capacity(
    session: AsyncSession, venue: Venue, capacity: int, now: datetime | None = None
) -> int:
    """Set the venue's places per slot and carry it to its upcoming slots that still had the
    old number and hold no more than the new one (slots an admin set by hand keep theirs)."""
    old, venue.capacity = venue.capacity, capacity
    if old == capacity:
        return 0
    result = await session.execute(
        update(Slot)
        .where(
            col(Slot.venue_id) == venue.id,
            col(Slot.starts_at) >= (now or utcnow()),
            col(Slot.capacity) == old,
            col(Slot.taken) <= capacity,
        )
        .values(capacity=capacity)
    )
    await session.flush()
    return max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]


async def set_rule(
    session: AsyncSession, actor_id: int | None, venue: Venue, key: str, value: int
) -> int:
    """Change one numeric rule (typed unit); returns how many upcoming slots changed with it."""
    rule = RULES[key]
    old = getattr(venue, rule.column)
    changed = 0
    if rule.column == "capacity":
        changed = await apply_capacity(session, venue, value)
    else:
        setattr(venue, rule.column, value * rule.scale)
    await record_audit(
        session, actor_id, "venue.rule", "venue", venue.id,
        code=venue.code, field=rule.column, old=old, new=value * rule.scale, slots=changed,
    )  # fmt: skip
    return changed


async def toggle_flag(session: AsyncSession, actor_id: int | None, venue: Venue, key: str) -> bool:
    """Flip a yes/no rule; returns the new value."""
    column = FLAGS[key]
    value = not getattr(venue, column)
    setattr(venue, column, value)
    await record_audit(
        session, actor_id, "venue.rule", "venue", venue.id, code=venue.code, field=column, new=value
    )
    return value


async def set_weekday_hours(
    session: AsyncSession, actor_id: int | None, venue: Venue, weekday: int, text: str
) -> list[Period]:
    """Replace one weekday's opening periods from typed text (``休息`` / ``closed``: none)."""
    assert venue.id is not None and 0 <= weekday <= 6
    try:
        periods = parse_period_text(text)
    except TextInvalid as exc:
        raise HoursInvalid() from exc
    await set_hours(session, venue.id, weekday, periods)
    await record_audit(
        session, actor_id, "venue.hours", "venue", venue.id,
        code=venue.code, weekday=weekday, hours=format_periods(periods),
    )  # fmt: skip
    return periods


async def add_blackout(
    session: AsyncSession, actor_id: int | None, venue: Venue, text: str
) -> Blackout:
    """Close the venue on a day or an inclusive day range, for the typed reason."""
    try:
        parsed = parse_blackout(text)
    except TextInvalid as exc:
        raise BlackoutInvalid() from exc
    assert venue.id is not None
    row = Blackout(
        venue_id=venue.id,
        first_day=parsed.first_day,
        last_day=parsed.last_day,
        reason_zh=parsed.reason_zh,
        reason_en=parsed.reason_en,
    )
    session.add(row)
    await session.flush()
    await record_audit(
        session, actor_id, "venue.blackout.add", "venue", venue.id,
        code=venue.code, blackout=row.id, first=str(row.first_day), last=str(row.last_day),
    )  # fmt: skip
    return row


async def remove_blackout(
    session: AsyncSession, actor_id: int | None, venue: Venue, blackout_id: int | str
) -> Blackout:
    """Open the venue again on a blackout's days (the blackout must be this venue's)."""
    row = await session.get(Blackout, checked_id(blackout_id))
    if row is None or row.venue_id != venue.id:
        raise NotFound()
    await session.delete(row)
    await record_audit(
        session, actor_id, "venue.blackout.remove", "venue", venue.id,
        code=venue.code, blackout=row.id, first=str(row.first_day), last=str(row.last_day),
    )  # fmt: skip
    return row


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
    session: AsyncSession, actor_id: int | None, slot: Slot, text: str
) -> Slot:
    """Give one slot the typed number of places; CapacityBelowTaken below what is booked."""
    try:
        capacity = parse_int(text, 1, MAX_PLACES)
    except TextInvalid as exc:
        raise NumberInvalid(low=1, high=MAX_PLACES) from exc
    assert slot.id is not None
    old = slot.capacity
    updated = await set_capacity(session, slot.id, capacity)
    await record_audit(session, actor_id, "slot.capacity", "slot", slot.id, old=old, new=capacity)
    return updated


async def change_slot_closed(
    session: AsyncSession, actor_id: int | None, slot: Slot, closed: bool
) -> Slot:
    """Close a slot to new bookings (booked places stay) or open it again."""
    assert slot.id is not None
    updated = await set_closed(session, slot.id, closed)
    await record_audit(session, actor_id, "slot.closed", "slot", slot.id, closed=closed)
    return updated


async def regenerate_slots(
    session: AsyncSession, actor_id: int | None, venue: Venue, today: date, tz: ZoneInfo = TOWNS_TZ
) -> int:
    """Create the missing slots from today to the venue's horizon (existing ones stay)."""
    created = await generate_slots(
        session, venue, today, today + timedelta(days=venue.horizon_days), tz
    )
    await record_audit(
        session,
        actor_id,
        "venue.slots.generate",
        "venue",
        venue.id,
        code=venue.code,
        created=created,
    )
    return created
