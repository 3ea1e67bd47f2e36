"""The venue texts residents read (address, how to get there, accessibility), edited by admins."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.audit import record_audit
from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.core.places import Venue

# Short keys (they travel in callback data) → (column, longest text).
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "az": ("address_zh", 256),
    "ae": ("address_en", 256),
    "dz": ("directions_zh", 512),
    "de": ("directions_en", 512),
    "xz": ("accessibility_zh", 256),
    "xe": ("accessibility_en", 256),
}
CLEAR = "-"  # typed alone, empties the field (an empty address falls back to the centre's)


class TextInvalid(DomainError):
    """The typed text is empty or longer than the field holds."""

    message_id = "venues_admin.error.text"
    plural = "max"


def text_field(key: str) -> tuple[str, int]:
    """The column and longest text a short key names; NotFound for any other key."""
    field = TEXT_FIELDS.get(key)
    if field is None:
        raise NotFound()
    return field


async def set_venue_text(
    session: AsyncSession, actor: Person, venue: Venue, key: str, typed: str | None
) -> str:
    """Replace one of the venue's texts (``-`` clears it); returns the stored value."""
    column, longest = text_field(key)
    value = (typed or "").strip()
    if not value or len(value) > longest:
        raise TextInvalid(max=longest)
    value = "" if value == CLEAR else value
    setattr(venue, column, value)
    await record_audit(
        session, actor.id, "venue.text", "venue", venue.id, code=venue.code, field=column
    )
    return value
