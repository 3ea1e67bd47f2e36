"""An event's places on the shared capacity engine: the event's counter, then its town quotas.

A registration holds places in the event (``event.taken``) and, when the person's town has a
quota, in that quota (``event_quota.taken``): both taken in one transaction by conditional
updates (``models.core.capacity.take_all``; the event first, then the quota, always in that
order), or neither. Walk-ins hold event places only. Held-back places are taken when the event
is created and given back at their release time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.capacity import Claim, Counter, give_back_all, take_all
from models.events.tables import Event, EventQuota, EventStatus, Registration

EVENT_PLACES = Counter(Event, open_when=(col(Event.status) == EventStatus.PUBLISHED.value,))
QUOTA_PLACES = Counter(EventQuota, limit="quota")


async def has_quota(session: AsyncSession, event_id: int, town_id: int | None) -> bool:
    """Whether the town has a quota at the event (a town without one shares the capacity)."""
    if town_id is None:
        return False
    return await session.get(EventQuota, (event_id, town_id)) is not None


async def claims_for(
    session: AsyncSession, event_id: int, town_id: int | None, places: int
) -> list[Claim]:
    """What ``places`` for a resident of ``town_id`` take: event places, and the town's quota."""
    claims = [Claim(EVENT_PLACES, places, {"id": event_id})]
    if await has_quota(session, event_id, town_id):
        claims.append(Claim(QUOTA_PLACES, places, {"event_id": event_id, "town_id": town_id}))
    return claims


async def hold_places(
    session: AsyncSession, event_id: int, town_id: int | None, places: int
) -> bool:
    """Take the places in the event and the town's quota together; False when either is full."""
    return await take_all(session, await claims_for(session, event_id, town_id, places)) is None


async def free_places(
    session: AsyncSession, event_id: int, town_id: int | None, places: int
) -> None:
    """Give back places held in the event and the town's quota."""
    await give_back_all(session, await claims_for(session, event_id, town_id, places))


async def free_registration(session: AsyncSession, registration: Registration) -> None:
    """Give back what a registration held (held-back sign-ups hold no quota beyond their own)."""
    await free_places(session, registration.event_id, registration.town_id, registration.party_size)


async def release_held_back(session: AsyncSession, event_id: int, now: datetime) -> int:
    """Give the still-held-back places to everyone at once (one conditional update);
    returns how many were released."""
    event = await session.get(Event, event_id, populate_existing=True)
    if event is None or event.held_back == 0:
        return 0
    released = event.held_back
    result = await session.execute(
        update(Event)
        .where(col(Event.id) == event_id, col(Event.held_back) == released)
        .values(
            taken=col(Event.taken) - released,
            held_back=0,
            held_back_until=now,
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(event)
    return released if result.rowcount else 0  # type: ignore[attr-defined]


async def use_held_back(session: AsyncSession, event_id: int, places: int) -> bool:
    """Turn held-back places into a staff sign-up's places (they are already in ``taken``)."""
    result = await session.execute(
        update(Event)
        .where(col(Event.id) == event_id, col(Event.held_back) >= places)
        .values(held_back=col(Event.held_back) - places)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_held_back(session: AsyncSession, event_id: int, old: int, new: int) -> bool:
    """Hold back ``new`` places instead of ``old`` (they are in ``taken``): one conditional
    update; False when the count changed meanwhile or the places are not free."""
    result = await session.execute(
        update(Event)
        .where(
            col(Event.id) == event_id,
            col(Event.held_back) == old,
            col(Event.taken) + (new - old) <= col(Event.capacity),
        )
        .values(taken=col(Event.taken) + (new - old), held_back=new)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def places_left(session: AsyncSession, event: Event, town_id: int | None) -> tuple[int, int]:
    """Places left overall and for a resident of ``town_id`` (the smaller of the two when the
    town has a quota)."""
    overall = max(event.capacity - event.taken, 0)
    if town_id is None or event.id is None:
        return overall, overall
    quota = await session.get(EventQuota, (event.id, town_id))
    if quota is None:
        return overall, overall
    return overall, min(overall, max(quota.quota - quota.taken, 0))


async def quotas_of(session: AsyncSession, event_id: int) -> list[EventQuota]:
    """An event's town quotas."""
    query = select(EventQuota).where(col(EventQuota.event_id) == event_id)
    return list((await session.execute(query)).scalars())
