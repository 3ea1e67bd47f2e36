"""Joint events co-hosted by the two towns (shell; the events flow extends it)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime
from models.core.places import Bilingual


class Event(Bilingual, SQLModel, table=True):
    """A joint event on the 红梅同心 / 红梅学苑 platforms, e.g. a border friendship gathering."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=48, unique=True)
    name_zh: str = Field(max_length=128)
    name_en: str = Field(max_length=128)
    description_zh: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)
    topic: str = Field(default="events", max_length=32)
    host_town_id: int = Field(foreign_key="town.id")
    venue_id: int | None = Field(default=None, foreign_key="venue.id")
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    capacity: int = Field(default=50, ge=1)
