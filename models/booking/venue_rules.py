"""A venue's booking rules as admins change them: numbers typed in their unit, and yes/no flags.

Each change is audited. The functions take a venue already fetched through
``models.booking.venues.managed_venue``, which checked the admin's town.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.booking.slots import Slot
from models.core.audit import record_audit
from models.core.base import utcnow
from models.core.csvfile import TextInvalid, parse_int
from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.core.places import Venue

MAX_PLACES = 1000


class NumberInvalid(DomainError):
    """The typed text is not a whole number in the allowed range."""

    message_id = "venues_admin.error.number"


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


def rule_of(key: str) -> Rule:
    """The rule a short key (from callback data) names; NotFound for any other key."""
    rule = RULES.get(key)
    if rule is None:
        raise NotFound()
    return rule


def rule_value(venue: Venue, key: str) -> str:
    """A rule's current value in the unit admins type (lead time in hours: ``2``, ``1.5``)."""
    rule = RULES[key]
    return f"{int(getattr(venue, rule.column)) / rule.scale:g}"


def parse_rule(key: str, text: str | None) -> int:
    """The typed value of a rule, in its typed unit; NumberInvalid when it is not one."""
    rule = rule_of(key)
    try:
        return parse_int(text or "", rule.low, rule.high)
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


async def set_rule(session: AsyncSession, actor: Person, venue: Venue, key: str, value: int) -> int:
    """Change one numeric rule (typed unit); returns how many upcoming slots changed with it."""
    rule = rule_of(key)
    old = getattr(venue, rule.column)
    changed = 0
    if rule.column == "capacity":
        changed = await apply_capacity(session, venue, value)
    else:
        setattr(venue, rule.column, value * rule.scale)
    await record_audit(
        session, actor.id, "venue.rule", "venue", venue.id,
        code=venue.code, field=rule.column, old=old, new=value * rule.scale, slots=changed,
    )  # fmt: skip
    return changed


async def toggle_flag(session: AsyncSession, actor: Person, venue: Venue, key: str) -> bool:
    """Flip a yes/no rule; returns the new value (NotFound for a key that is no flag)."""
    column = FLAGS.get(key)
    if column is None:
        raise NotFound()
    value = not getattr(venue, column)
    setattr(venue, column, value)
    await record_audit(
        session, actor.id, "venue.rule", "venue", venue.id, code=venue.code, field=column, new=value
    )
    return value
