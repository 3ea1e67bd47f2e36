"""What /mydata shows first: the stored information in a few readable lines.

The export (``models.settings.privacy.export_person``) is complete but is a file of database
rows; an elderly reader gets the summary as a message first, and the file after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking import MineItem, my_list
from models.core.authz import RoleGrant
from models.core.people import Person
from models.settings.preferences import SettingsView, settings_view
from models.settings.privacy import export_person

BOOKING, ENTRY = "b", "w"  # MineItem kinds: a booking, a place in a waiting line


@dataclass(frozen=True)
class DataSummary:
    """The person's settings, roles, upcoming bookings (own and for others) and queue places."""

    settings: SettingsView
    roles: list[str]
    bookings: list[MineItem]
    waiting: int

    @property
    def next_booking(self) -> MineItem | None:
        """The soonest upcoming booking."""
        return min(self.bookings, key=lambda item: item.slot.starts_at, default=None)


async def data_summary(
    session: AsyncSession, *, person: Person, now: datetime | None = None
) -> DataSummary:
    """The summary of what is stored about ``person``."""
    view = await settings_view(session, person=person)
    grants = await session.execute(
        select(col(RoleGrant.role)).where(
            col(RoleGrant.person_id) == person.id, col(RoleGrant.revoked_at).is_(None)
        )
    )
    roles = sorted({str(role) for role in grants.scalars()})
    items = await my_list(session, person=person, now=now)
    bookings = [item for item in items if item.kind == BOOKING]
    return DataSummary(view, roles, bookings, len(items) - len(bookings))


@dataclass(frozen=True)
class MyData:
    """The summary to read, and the complete export for the file."""

    summary: DataSummary
    export: dict[str, Any]


async def my_data(session: AsyncSession, *, person: Person, now: datetime | None = None) -> MyData:
    """The summary of what is stored about ``person``, and the complete export."""
    summary = await data_summary(session, person=person, now=now)
    return MyData(summary, await export_person(session, person))
