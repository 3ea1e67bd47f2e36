"""The staff exchange roster (挂职): who from which town is seconded to which centre, and when.

A secondee is named as the roster names them (a display name and a title), not linked to a
person in the bot: many staff on exchange never use it, and residents only need to know whom
to ask for. Their duty is a weekly pattern (weekdays and hours) between a first and a last day,
inclusive, as the two towns' exchange rosters are written ("每周二、四 09:00-17:00").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow

ALL_WEEKDAYS = 0b1111111  # bit 0 is Monday, bit 6 Sunday


class StaffSecondment(SQLModel, table=True):
    """One secondment: a staff member of ``home_town_id`` on duty at ``centre_id``."""

    __tablename__ = "staff_secondment"
    __table_args__ = (
        CheckConstraint("first_day <= last_day", name="ordered_days"),
        CheckConstraint("weekdays > 0 AND weekdays <= 127", name="some_weekday"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    title: str = Field(default="", max_length=64)
    home_town_id: int = Field(foreign_key="town.id", index=True)
    centre_id: int = Field(
        sa_column_args=[ForeignKey("service_centre.id", ondelete="CASCADE")], index=True
    )
    first_day: date = Field(index=True)
    last_day: date = Field(index=True)
    weekdays: int = Field(default=0b0011111)  # Monday to Friday
    hours: str = Field(max_length=64)  # "09:00-12:00 14:00-17:00" (models.booking periods)
    created_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # ended early

    def on_duty(self, day: date) -> bool:
        """Whether the roster has them at the centre on ``day``."""
        return self.first_day <= day <= self.last_day and bool(self.weekdays >> day.weekday() & 1)
