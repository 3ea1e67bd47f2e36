"""A venue's opening hours and closed days as admins type them; each change is audited.

The functions take a venue already fetched through ``models.booking.venues.managed_venue``,
which checked the admin's town.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.calendar import Blackout, set_hours
from models.booking.catalogue.text import (
    Period,
    TextInvalid,
    format_periods,
    parse_blackout,
    parse_periods,
)
from models.booking.staff import row_id
from models.core.audit import record_audit
from models.core.base import get_or_raise
from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.core.places import Venue

WEEKDAYS = range(7)  # Monday is 0


class HoursInvalid(DomainError):
    """The typed opening hours do not follow ``09:00-12:00, 14:00-17:00``."""

    message_id = "venues_admin.error.hours"


class BlackoutInvalid(DomainError):
    """The typed closed days do not follow ``2026-12-25 reason``."""

    message_id = "venues_admin.error.blackout"


def weekday_of(key: str) -> int:
    """The weekday (Monday 0) a callback field names; NotFound for anything else."""
    if not key.isdigit() or int(key) not in WEEKDAYS:
        raise NotFound()
    return int(key)


async def set_weekday_hours(
    session: AsyncSession, actor: Person, venue: Venue, weekday: int, text: str | None
) -> list[Period]:
    """Replace one weekday's opening periods from typed text (``休息`` / ``closed``: none)."""
    try:
        periods = parse_periods(text or "")
    except TextInvalid as exc:
        raise HoursInvalid() from exc
    await set_hours(session, row_id(venue), weekday, periods)
    await record_audit(
        session, actor.id, "venue.hours", "venue", venue.id,
        code=venue.code, weekday=weekday, hours=format_periods(periods),
    )  # fmt: skip
    return periods


async def add_blackout(
    session: AsyncSession, actor: Person, venue: Venue, text: str | None
) -> Blackout:
    """Close the venue on a day or an inclusive day range, for the typed reason."""
    try:
        parsed = parse_blackout(text or "")
    except TextInvalid as exc:
        raise BlackoutInvalid() from exc
    row = Blackout(
        venue_id=row_id(venue),
        first_day=parsed.first_day,
        last_day=parsed.last_day,
        reason_zh=parsed.reason_zh,
        reason_en=parsed.reason_en,
    )
    session.add(row)
    await session.flush()
    await record_audit(
        session, actor.id, "venue.blackout.add", "venue", venue.id,
        code=venue.code, blackout=row.id, first=str(row.first_day), last=str(row.last_day),
    )  # fmt: skip
    return row


async def remove_blackout(
    session: AsyncSession, actor: Person, venue: Venue, blackout_id: int
) -> Blackout:
    """Open the venue again on a blackout's days (the blackout must be this venue's)."""
    row = await get_or_raise(session, Blackout, blackout_id)
    if row.venue_id != venue.id:
        raise NotFound()
    await session.delete(row)
    await record_audit(
        session, actor.id, "venue.blackout.remove", "venue", venue.id,
        code=venue.code, blackout=row.id, first=str(row.first_day), last=str(row.last_day),
    )  # fmt: skip
    return row
