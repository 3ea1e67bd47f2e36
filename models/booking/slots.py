"""Capacity: a slot's places taken and given back, slots generated from opening hours, and the
search for slots with places left. The database guards the capacity.

``taken`` counts places held by bookings and by open waitlist offers. It only ever changes through
the shared counter engine (``models.core.capacity``: a conditional ``UPDATE … WHERE taken + n <=
capacity``, never read-then-write), and a CHECK constraint backs it, so 200 concurrent bookers
of a 40-seat slot get exactly 40 places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from models.booking.calendar import TOWNS_TZ, hours_of, slot_windows, venue_calendars
from models.booking.tables import Blackout, Slot
from models.core.base import upsert_insert
from models.core.capacity import Counter, give_back, set_limit, take
from models.core.catalogue import catalogue_of, places
from models.core.errors import DomainError, NotFound
from models.core.places import ServiceCentre, Venue


class CapacityBelowTaken(DomainError):
    """An admin tried to give a slot fewer places than are already booked."""

    message_id = "booking.error.capacity_below_taken"
    plural = "taken"


SLOT_PLACES = Counter(Slot, open_when=(col(Slot.closed).is_(False),))


async def take_places(session: AsyncSession, slot_id: int, places: int) -> bool:
    """Hold ``places`` in an open slot if they are free; False when the slot is full or closed."""
    return await take(session, SLOT_PLACES, places, id=slot_id)


async def release_places(session: AsyncSession, slot_id: int, places: int) -> None:
    """Give back ``places`` held in a slot."""
    await give_back(session, SLOT_PLACES, places, id=slot_id)


async def set_capacity(session: AsyncSession, slot_id: int, capacity: int) -> Slot:
    """Change a slot's places; refused below what is already taken."""
    if capacity < 1:
        raise CapacityBelowTaken(taken=0)
    changed = await set_limit(session, SLOT_PLACES, capacity, id=slot_id)
    slot = await session.get(Slot, slot_id, populate_existing=True)
    if slot is None:
        raise NotFound()
    if not changed:
        raise CapacityBelowTaken(taken=slot.taken)
    return slot


async def set_closed(session: AsyncSession, slot_id: int, closed: bool) -> Slot:
    """Close a slot to new bookings (existing ones stay) or open it again."""
    slot = await session.get(Slot, slot_id)
    if slot is None:
        raise NotFound()
    slot.closed = closed
    await session.flush()
    return slot


async def generate_slots(
    session: AsyncSession, venue: Venue, first_day: date, last_day: date, tz: ZoneInfo = TOWNS_TZ
) -> int:
    """Create the venue's slots from its opening hours for a day range; existing ones stay."""
    if venue.id is None:  # a venue not yet flushed has no hours and no slots
        return 0
    windows = slot_windows(venue, await hours_of(session, venue.id), first_day, last_day, tz)
    if not windows:
        return 0
    rows = [
        {"venue_id": venue.id, "starts_at": s, "ends_at": e, "capacity": venue.capacity}
        for s, e in windows
    ]
    created = 0
    for chunk in range(0, len(rows), 500):
        statement = (
            upsert_insert(session, Slot)
            .values(rows[chunk : chunk + 500])
            .on_conflict_do_nothing(index_elements=["venue_id", "starts_at"])
        )
        # Values go through the column types (UTCDateTime) only via the Core insert.
        result = await session.execute(statement)
        created += max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]
    return created


@dataclass(frozen=True)
class OpenSlot:
    """A slot with places left, with what the chooser screen shows."""

    slot: Slot
    venue: Venue
    centre: ServiceCentre

    @property
    def free(self) -> int:
        """Places left."""
        return self.slot.capacity - self.slot.taken


# Built once (statements are immutable; ``.where`` makes a new one): building the joins on
# every call showed up in bench/mixed.py's profile.
_SLOT_ROWS = (
    select(Slot, Venue, ServiceCentre)
    .join(Venue, col(Venue.id) == col(Slot.venue_id))
    .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
)


def slot_rows() -> Select[Slot, Venue, ServiceCentre]:
    """Slots with their venue and centre (an ``OpenSlot`` a row), for a query to narrow down."""
    return _SLOT_ROWS


async def _blackouts_between(
    session: AsyncSession, first: date, last: date
) -> set[tuple[int, date, date]]:
    """(venue, first day, last day) of the blackouts overlapping [first, last]."""
    if catalogue_of(session) is not None:  # every update: the cached calendars, no statement
        calendars = await venue_calendars(session)
        rows = [b for listed in calendars.blackouts.values() for b in listed]
    else:
        query = select(Blackout).where(
            and_(col(Blackout.last_day) >= first, col(Blackout.first_day) <= last)
        )
        rows = list((await session.execute(query)).scalars())
    return {
        (b.venue_id, b.first_day, b.last_day)
        for b in rows
        if b.last_day >= first and b.first_day <= last
    }


_OPEN_SLOTS: dict[tuple[bool, bool], Select[Slot, Venue, ServiceCentre]] = {}


def _open_slots_query(in_town: bool, at_venue: bool) -> Select[Slot, Venue, ServiceCentre]:
    """The open-slots search, built once per shape with bind parameters (every "when?" screen
    runs it; building it cost more than running it)."""
    query = _OPEN_SLOTS.get((in_town, at_venue))
    if query is None:
        own_town_first = case((col(ServiceCentre.town_id) == bindparam("home_town"), 0), else_=1)
        query = (
            slot_rows()
            .where(
                col(Slot.starts_at) >= bindparam("since"),
                col(Slot.starts_at) < bindparam("until"),
                col(Slot.closed).is_(False),
                col(Slot.capacity) - col(Slot.taken) >= bindparam("places"),
                col(Venue.kind) == bindparam("kind"),
                col(Venue.active).is_(True),
            )
            .order_by(col(Slot.starts_at), own_town_first, col(Venue.id))
        )
        if in_town:
            query = query.where(col(ServiceCentre.town_id) == bindparam("town"))
        if at_venue:
            query = query.where(col(Slot.venue_id) == bindparam("venue"))
        query = query.offset(bindparam("offset")).limit(bindparam("size"))
        _OPEN_SLOTS[(in_town, at_venue)] = query
    return query


async def open_slots(
    session: AsyncSession,
    *,
    kind: str,
    since: datetime,
    until: datetime,
    town_id: int | None = None,
    venue_id: int | None = None,
    places: int = 1,
    limit: int = 50,
    tz: ZoneInfo = TOWNS_TZ,
    home_town_id: int | None = None,
) -> list[OpenSlot]:
    """Slots of ``kind`` with ``places`` free in [since, until), nearest first.

    ``town_id`` None searches every centre of both towns ("either town"); at the same time, the
    resident's own town (``home_town_id``) comes first. Slots on a blackout day or of an
    inactive venue are left out. One indexed query (``ix_slot_open_starts``).
    """
    query = _open_slots_query(town_id is not None, venue_id is not None)
    params = {
        "since": since,
        "until": until,
        "places": places,
        "kind": kind,
        "home_town": home_town_id or 0,
        "town": town_id,
        "venue": venue_id,
        "size": limit * 2,
    }
    blackouts = await _blackouts_between(
        session, since.astimezone(tz).date(), until.astimezone(tz).date()
    )
    found: list[OpenSlot] = []
    offset = 0
    while len(found) < limit:
        rows = (await session.execute(query, {**params, "offset": offset})).all()
        if not rows:
            break
        offset += len(rows)
        for slot, venue, centre in rows:
            day = slot.starts_at.astimezone(tz).date()
            if any(v == venue.id and a <= day <= b for v, a, b in blackouts):
                continue
            found.append(OpenSlot(slot, venue, centre))
            if len(found) == limit:
                break
        if len(rows) < limit * 2:
            break  # that was the last page
    return found


async def venues_of_kind(
    session: AsyncSession, kind: str, town_id: int | None = None
) -> list[tuple[Venue, ServiceCentre]]:
    """Active venues of a kind (in one town, or both), with their centres.

    From the catalogue cache when the session carries it (every update does): no statement.
    """
    if catalogue_of(session) is not None:
        found = await places(session)
        pairs = [
            (venue, found.centres[venue.centre_id])
            for venue in found.venues.values()
            if venue.kind == kind and venue.active and venue.centre_id in found.centres
        ]
        return sorted(
            (pair for pair in pairs if town_id is None or pair[1].town_id == town_id),
            key=lambda pair: (pair[1].town_id, pair[0].id or 0),
        )
    query = (
        select(Venue, ServiceCentre)
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(col(Venue.kind) == kind, col(Venue.active).is_(True))
        .order_by(col(ServiceCentre.town_id), col(Venue.id))
    )
    if town_id is not None:
        query = query.where(col(ServiceCentre.town_id) == town_id)
    return [(v, c) for v, c in (await session.execute(query)).all()]


# Built once: constructing the statement cost more than running it (bench/README.md).
_SLOT_WITH_PLACE = _SLOT_ROWS.where(col(Slot.id) == bindparam("slot_id"))


async def slot_with_place(session: AsyncSession, slot_id: int) -> OpenSlot | None:
    """A slot with its venue and centre, whether or not it has places left."""
    row = (await session.execute(_SLOT_WITH_PLACE, {"slot_id": slot_id})).first()
    return OpenSlot(*row) if row else None


def day_bounds(day: date, tz: ZoneInfo = TOWNS_TZ) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and ends."""
    start = datetime.combine(day, datetime.min.time(), tz)
    return start, start + timedelta(days=1)
