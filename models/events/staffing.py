"""What organisers' screens read: the events they manage, the creation conversation's choices
and an event's card. Managing needs ``Action.EVENT_MANAGE`` in the host town; a forged id is
``NotAllowed`` and reads nothing. The door's reads are in ``models.events.at_door``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Action, Scope, can
from models.core.base import utcnow
from models.core.places import Community, ServiceCentre, Town, Venue
from models.events.managing import managed_event
from models.events.tables import (
    HOLDING,
    Event,
    EventQuota,
    EventStatus,
    Registration,
)

MANAGE_PAGE = 5  # events a screen on the organiser's list (with ➕, ⬅️ and 🏠 under them)
KEPT_AFTER = timedelta(days=1)  # an event stays on the organiser's list a day after it ends


@dataclass(frozen=True)
class ManagedPage:
    """One page of the events an organiser manages, and how many pages there are."""

    events: list[Event]
    page: int
    pages: int


@dataclass(frozen=True)
class Choices:
    """What the creation conversation offers: towns to host, every town, venues, communities."""

    hosts: list[Town]
    towns: list[Town]
    venues: list[tuple[Venue, int]]  # the venue and its town
    communities: list[Community]


def managing_towns(scopes: Iterable[Scope], towns: Iterable[int]) -> list[int]:
    """The towns of ``towns`` whose events the scopes may manage."""
    scopes = list(scopes)
    return [t for t in towns if can(scopes, Action.EVENT_MANAGE, t)]


async def _town_ids(session: AsyncSession) -> list[int]:
    ids = (await session.execute(select(col(Town.id)).order_by(col(Town.id)))).scalars()
    return [t or 0 for t in ids]


async def managed_events(
    session: AsyncSession,
    *,
    scopes: Iterable[Scope],
    page: int = 0,
    now: datetime | None = None,
) -> ManagedPage:
    """Events hosted by the organiser's towns, soonest first (drafts too; cancelled ones and
    those ended more than a day ago are left off)."""
    now = now or utcnow()
    towns = managing_towns(scopes, await _town_ids(session))
    where = (
        col(Event.host_town_id).in_(towns),
        col(Event.status) != EventStatus.CANCELLED.value,
        col(Event.ends_at) >= now - KEPT_AFTER,
    )
    total = (await session.execute(select(func.count()).select_from(Event).where(*where))).scalar()
    pages = max(1, -(-int(total or 0) // MANAGE_PAGE))
    page = page % pages
    query = (
        select(Event)
        .where(*where)
        .order_by(col(Event.starts_at), col(Event.id))
        .offset(page * MANAGE_PAGE)
        .limit(MANAGE_PAGE)
    )
    return ManagedPage(list((await session.execute(query)).scalars()), page, pages)


async def creation_choices(session: AsyncSession, *, scopes: Iterable[Scope]) -> Choices:
    """The towns the organiser may host in, every town, their venues and communities."""
    towns = list((await session.execute(select(Town).order_by(col(Town.id)))).scalars())
    hosts = [t for t in towns if t.id in managing_towns(scopes, [t.id or 0])]
    venues = (
        await session.execute(
            select(Venue, ServiceCentre.town_id)
            .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
            .where(col(Venue.active).is_(True))
            .order_by(col(Venue.id))
        )
    ).all()
    communities = (await session.execute(select(Community).order_by(col(Community.id)))).scalars()
    return Choices(hosts, towns, [(v, t) for v, t in venues], list(communities))


@dataclass(frozen=True)
class EventCard:
    """An event an organiser manages, with its place, host towns and town quotas by name."""

    event: Event
    place: tuple[str, str]  # zh, en
    hosts: list[Town]
    quotas: list[tuple[Town, int, int]]  # town, quota, taken
    registered: int  # people holding places (confirmed, offered, attended)


async def event_card(session: AsyncSession, *, event_id: int, scopes: Iterable[Scope]) -> EventCard:
    """One event the organiser manages, for its card; ``NotAllowed`` otherwise."""
    event = await managed_event(session, event_id, scopes)
    place = (event.place_zh, event.place_en or event.place_zh)
    if event.venue_id is not None:
        venue = await session.get(Venue, event.venue_id)
        if venue is not None:
            place = (venue.name_zh, venue.name_en)
    towns = {t.id: t for t in (await session.execute(select(Town))).scalars()}
    quotas = (
        await session.execute(select(EventQuota).where(col(EventQuota.event_id) == event_id))
    ).scalars()
    registered = (
        await session.execute(
            select(func.coalesce(func.sum(col(Registration.party_size)), 0)).where(
                col(Registration.event_id) == event_id, col(Registration.status).in_(HOLDING)
            )
        )
    ).scalar()
    return EventCard(
        event,
        place,
        [towns[t] for t in event.host_towns if t in towns],
        [(towns[q.town_id], q.quota, q.taken) for q in quotas if q.town_id in towns],
        int(registered or 0),
    )
