"""Broadcast audiences: a registry from an audience kind to a condition on ``Person``.

Adding a kind is one function and one ``AUDIENCES`` entry (the events issue adds the people
registered for an event). A condition selects *who is addressed*; ``recipient_filter`` adds what
every broadcast requires (onboarded, reachable, with a chat) and the topic opt-out. An audience
is named to people by its ``AudienceLabel`` (the town or community it means, or its topic).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Executable, and_, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.authz import Action, Scope, can
from models.core.catalogue import list_communities, list_towns
from models.core.errors import NotFound
from models.core.people import NOTICE_TOPICS, NotificationOptOut, Person
from models.core.places import Community, Town

Condition = Callable[[str | None], ColumnElement[bool]]
Locate = Callable[[AsyncSession, str | None], Awaitable[int | None]]


async def _anywhere(_session: AsyncSession, _value: str | None) -> int | None:
    return None


@dataclass(frozen=True)
class Audience:
    """Who an audience kind addresses, and the town it lies in (None: both towns).

    ``locate`` also validates the value: it raises NotFound for an unknown town, community …
    """

    condition: Condition
    locate: Locate = _anywhere


def _everyone(_value: str | None) -> ColumnElement[bool]:
    return true()


def _town(value: str | None) -> ColumnElement[bool]:
    town_id = select(col(Town.id)).where(col(Town.code) == value).scalar_subquery()
    return col(Person.town_id) == town_id


def _community(value: str | None) -> ColumnElement[bool]:
    community_id = select(col(Community.id)).where(col(Community.code) == value).scalar_subquery()
    return col(Person.community_id) == community_id


def muted(topic: str | None) -> ColumnElement[bool]:
    """Persons who muted ``topic`` in /settings."""
    return exists().where(
        col(NotificationOptOut.person_id) == col(Person.id),
        col(NotificationOptOut.topic) == topic,
    )


def _topic(value: str | None) -> ColumnElement[bool]:
    return ~muted(value)


def reachable() -> ColumnElement[bool]:
    """Who can receive anything: onboarded, reachable, with a private chat."""
    return and_(
        col(Person.onboarded_at).is_not(None),
        col(Person.reachable).is_(True),
        col(Person.chat_id).is_not(None),
    )


def addressed(kind: str, value: str | None) -> ColumnElement[bool]:
    """Reachable persons in the audience, before the topic opt-out."""
    audience = AUDIENCES.get(kind)
    if audience is None:
        raise NotFound()
    return and_(reachable(), audience.condition(value))


def recipient_filter(kind: str, value: str | None, topic: str) -> ColumnElement[bool]:
    """Reachable persons in the audience who did not mute the broadcast's topic."""
    return and_(addressed(kind, value), ~muted(topic))


@dataclass(frozen=True)
class AudienceCount:
    """How many will receive the notice, and how many muted its topic."""

    recipients: int
    skipped_opt_out: int


async def count_audience(
    session: AsyncSession, kind: str, value: str | None, topic: str
) -> AudienceCount:
    """Count recipients and opt-out skips for an audience and topic."""
    if topic not in NOTICE_TOPICS:
        raise NotFound()
    await audience_town(session, kind, value)  # validates the value
    query = select(func.count().filter(~muted(topic)), func.count().filter(muted(topic))).where(
        addressed(kind, value)
    )
    recipients, skipped = (await session.execute(query)).one()
    return AudienceCount(int(recipients or 0), int(skipped or 0))


async def _town_found(session: AsyncSession, query: Executable) -> int:
    """The town id ``query`` selects; NotFound when it selects none."""
    town_id = (await session.execute(query)).scalar_one_or_none()
    if town_id is None:
        raise NotFound()
    return int(town_id)


async def _locate_town(session: AsyncSession, value: str | None) -> int | None:
    return await _town_found(session, select(col(Town.id)).where(col(Town.code) == value))


async def _locate_community(session: AsyncSession, value: str | None) -> int | None:
    query = select(col(Community.town_id)).where(col(Community.code) == value)
    return await _town_found(session, query)


async def _locate_topic(_session: AsyncSession, value: str | None) -> int | None:
    if value not in NOTICE_TOPICS:
        raise NotFound()
    return None


AUDIENCES: dict[str, Audience] = {
    "all": Audience(_everyone),
    "town": Audience(_town, _locate_town),
    "community": Audience(_community, _locate_community),
    "topic": Audience(_topic, _locate_topic),
}


async def audience_town(session: AsyncSession, kind: str, value: str | None) -> int | None:
    """The town an audience lies in (None when it spans both); NotFound for unknown values."""
    audience = AUDIENCES.get(kind)
    if audience is None:
        raise NotFound()
    return await audience.locate(session, value)


# The kinds in the order the author is offered them.
AUDIENCE_KINDS = tuple(AUDIENCES)


@dataclass(frozen=True)
class AudienceLabel:
    """What an audience is called: its kind, and the town or community it means (if any)."""

    kind: str
    value: str | None
    place: Town | Community | None = None


async def audience_label(session: AsyncSession, kind: str, value: str | None) -> AudienceLabel:
    """The audience with the town or community its value names (None when there is none)."""
    place: Town | Community | None = None
    if kind == "town":
        towns = select(Town).where(col(Town.code) == value)
        place = (await session.execute(towns)).scalar_one_or_none()
    elif kind == "community":
        communities = select(Community).where(col(Community.code) == value)
        place = (await session.execute(communities)).scalar_one_or_none()
    return AudienceLabel(kind, value, place)


async def town_choices(session: AsyncSession, *, scopes: Iterable[Scope]) -> list[Town]:
    """The towns the author may address."""
    scopes = list(scopes)
    return [t for t in await list_towns(session) if can(scopes, Action.BROADCAST, t.id)]


async def community_choices(session: AsyncSession, *, scopes: Iterable[Scope]) -> list[Community]:
    """The communities of the towns the author may address, town by town."""
    communities: list[Community] = []
    for town in await town_choices(session, scopes=scopes):
        if town.id is not None:
            communities.extend(await list_communities(session, town.id))
    return communities
