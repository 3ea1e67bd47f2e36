"""Announcing a published event through the broadcasts: a notice to the event's audience, by
its organiser, with the approval rules broadcasts already apply (``models.broadcasts``)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import Broadcast, create_broadcast
from models.core.authz import Scope
from models.core.base import utcnow
from models.core.people import NOTICE_TOPICS, Person
from models.core.places import Community, Town
from models.events.managing import managed_event
from models.events.rules import RegistrationClosed
from models.events.tables import EventStatus


async def announce_event(
    session: AsyncSession,
    *,
    event_id: int,
    person: Person,
    scopes: Iterable[Scope],
    text: str,
    approval_towns: Collection[str],
    admin_ids: Iterable[int],
    tz: tzinfo,
) -> Broadcast:
    """A broadcast of ``text`` to the event's audience (everyone, a town or a community), sent
    now or once approved; ``RegistrationClosed`` unless the event is published."""
    scopes = frozenset(scopes)
    event = await managed_event(session, event_id, scopes)
    if event.status != EventStatus.PUBLISHED.value:
        raise RegistrationClosed()
    kind, value = "all", None
    if event.audience_community_id is not None:
        community = await session.get(Community, event.audience_community_id)
        kind, value = "community", community.code if community else None
    elif event.audience_town_id is not None:
        town = await session.get(Town, event.audience_town_id)
        kind, value = "town", town.code if town else None
    return await create_broadcast(
        session,
        person=person,
        scopes=scopes,
        text=text,
        topic=event.topic if event.topic in NOTICE_TOPICS else "events",
        audience_kind=kind,
        audience_value=value,
        send_at=utcnow(),
        approval_towns=approval_towns,
        admin_ids=admin_ids,
        tz=tz,
        photo_file_id=event.poster_file_id,
    )
