"""Towns, communities, service centres and venues (shells the booking flow extends)."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel


class VenueKind(StrEnum):
    """What a venue or service is; each kind has a translated label ``venue.kind.<value>``."""

    ACTIVITY_ROOM = "activity_room"
    HALL = "hall"
    CANTEEN = "canteen"
    HEALTH_CHECK = "health_check"
    MEDIATION_ROOM = "mediation_room"
    ENTERPRISE_GUIDANCE = "enterprise_guidance"


class Bilingual:
    """Mixin for rows with ``name_zh`` / ``name_en``."""

    name_zh: str
    name_en: str

    def name(self, language: str) -> str:
        """The row's name in ``language`` (zh_CN or en)."""
        return self.name_en if language == "en" else self.name_zh


class Town(Bilingual, SQLModel, table=True):
    """One of the two towns of the life circle (D: Shanghai, Q: Jiangsu)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8, unique=True)
    name_zh: str = Field(max_length=64)
    name_en: str = Field(max_length=64)


class Community(Bilingual, SQLModel, table=True):
    """A residents' community (社区) inside a town."""

    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id", index=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=64)
    name_en: str = Field(max_length=64)
    sort_order: int = 0


class ServiceCentre(Bilingual, SQLModel, table=True):
    """A party-mass service centre (党群服务中心) whose venues residents of both towns share."""

    __tablename__ = "service_centre"

    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id", index=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=128)
    name_en: str = Field(max_length=128)
    address_zh: str = Field(default="", max_length=256)
    address_en: str = Field(default="", max_length=256)
    phone: str = Field(default="", max_length=32)  # shown in /help, as residents dial it


class Venue(Bilingual, SQLModel, table=True):
    """A room or a service offered at a centre, with its booking rules.

    ``capacity`` is places per slot (a room: 1 booking; the canteen: 40 seats). The rules are
    checked by ``models.booking.rules``; opening hours and blackouts live in
    ``models.booking.calendar``.
    """

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="service_centre.id", index=True)
    code: str = Field(max_length=48, unique=True)
    kind: str = Field(max_length=32, index=True)
    name_zh: str = Field(max_length=128)
    name_en: str = Field(max_length=128)
    capacity: int = Field(default=1, ge=1)
    accessibility_zh: str = Field(default="", max_length=256)
    accessibility_en: str = Field(default="", max_length=256)
    # Empty address: the centre's. Directions: how to get there (bus, entrance, floor).
    address_zh: str = Field(default="", max_length=256)
    address_en: str = Field(default="", max_length=256)
    directions_zh: str = Field(default="", max_length=512)
    directions_en: str = Field(default="", max_length=512)
    slot_minutes: int = Field(default=60, ge=15, le=480)
    lead_time_minutes: int = Field(default=60, ge=0)
    horizon_days: int = Field(default=30, ge=1, le=366)
    max_active_bookings: int = Field(default=3, ge=1)
    max_party_size: int = Field(default=1, ge=1)
    needs_approval: bool = False
    other_town_allowed: bool = True
    # A confirmed booking not checked in this long after the start becomes a no-show.
    no_show_after_minutes: int = Field(default=30, ge=0)
    active: bool = True
