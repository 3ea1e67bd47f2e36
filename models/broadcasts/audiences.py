"""Broadcast audiences: a registry from an audience kind to a condition on ``Person``.

Adding a kind is one function and one ``AUDIENCES`` entry (the events issue adds the people
registered for an event). A condition selects *who is addressed*; ``recipient_filter`` adds what
every broadcast requires (onboarded, reachable, with a chat), the towns it reaches (its audience
within the author's scope: ``models.broadcasts.reach``) and the topic opt-out. An audience is
named to people by its ``AudienceLabel`` (the town or community it means, or its topic, and the
one town it was narrowed to).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable
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
Locate = Callable[[AsyncSession, str | None], Awaitable[frozenset[int]]]


async def _both_towns(session: AsyncSession, _value: str | None) -> frozenset[int]:
    return frozenset(t.id for t in await list_towns(session) if t.id is not None)


@dataclass(frozen=True)
class Audience:
    """Who an audience kind addresses, and the towns it lies in (every town, for some kinds).

    ``locate`` also validates the value: it raises NotFound for an unknown town, community …
    A kind that ``spans_towns`` is narrowed to the author's town when that is all they cover,
    and then named with that town (``broadcast.audience.<kind>.in``).
    """

    condition: Condition
    locate: Locate = _both_towns
    spans_towns: bool = False


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


def addressed(kind: str, value: str | None, towns: Collection[int]) -> ColumnElement[bool]:
    """Reachable persons of ``towns`` in the audience, before the topic opt-out."""
    audience = AUDIENCES.get(kind)
    if audience is None:
        raise NotFound()
    return and_(reachable(), col(Person.town_id).in_(list(towns)), audience.condition(value))


def recipient_filter(
    kind: str, value: str | None, topic: str, towns: Collection[int]
) -> ColumnElement[bool]:
    """Reachable persons of ``towns`` in the audience who did not mute the broadcast's topic."""
    return and_(addressed(kind, value, towns), ~muted(topic))


@dataclass(frozen=True)
class AudienceCount:
    """How many will receive the notice, and how many muted its topic."""

    recipients: int
    skipped_opt_out: int


async def count_audience(
    session: AsyncSession, kind: str, value: str | None, topic: str, *, towns: Collection[int]
) -> AudienceCount:
    """Count recipients and opt-out skips for an audience and topic, in ``towns`` only."""
    if topic not in NOTICE_TOPICS:
        raise NotFound()
    await audience_towns(session, kind, value)  # validates the value
    query = select(func.count().filter(~muted(topic)), func.count().filter(muted(topic))).where(
        addressed(kind, value, towns)
    )
    recipients, skipped = (await session.execute(query)).one()
    return AudienceCount(int(recipients or 0), int(skipped or 0))


async def _town_found(session: AsyncSession, query: Executable) -> int:
    """The town id ``query`` selects; NotFound when it selects none."""
    town_id = (await session.execute(query)).scalar_one_or_none()
    if town_id is None:
        raise NotFound()
    return int(town_id)


async def _locate_town(session: AsyncSession, value: str | None) -> frozenset[int]:
    query = select(col(Town.id)).where(col(Town.code) == value)
    return frozenset({await _town_found(session, query)})


async def _locate_community(session: AsyncSession, value: str | None) -> frozenset[int]:
    query = select(col(Community.town_id)).where(col(Community.code) == value)
    return frozenset({await _town_found(session, query)})


async def _locate_topic(session: AsyncSession, value: str | None) -> frozenset[int]:
    if value not in NOTICE_TOPICS:
        raise NotFound()
    return await _both_towns(session, value)


AUDIENCES: dict[str, Audience] = {
    "all": Audience(_everyone, spans_towns=True),
    "town": Audience(_town, _locate_town),
    "community": Audience(_community, _locate_community),
    "topic": Audience(_topic, _locate_topic, spans_towns=True),
}


async def audience_towns(session: AsyncSession, kind: str, value: str | None) -> frozenset[int]:
    """The towns an audience lies in, before any author's scope; NotFound for unknown values."""
    audience = AUDIENCES.get(kind)
    if audience is None:
        raise NotFound()
    return await audience.locate(session, value)


# The kinds in the order the author is offered them.
AUDIENCE_KINDS = tuple(AUDIENCES)
# The kinds a town-limited author's scope may narrow to one town.
SPANNING_KINDS = tuple(kind for kind, audience in AUDIENCES.items() if audience.spans_towns)


@dataclass(frozen=True)
class AudienceLabel:
    """What an audience is called: its kind, the town or community it means (if any), and the
    one town it was narrowed to when the author's scope covers only part of it (``within``)."""

    kind: str
    value: str | None
    place: Town | Community | None = None
    within: Town | None = None


async def audience_label(
    session: AsyncSession, kind: str, value: str | None, *, reach: Collection[int]
) -> AudienceLabel:
    """The audience with the place its value names, and the town ``reach`` narrows it to."""
    place: Town | Community | None = None
    if kind == "town":
        towns = select(Town).where(col(Town.code) == value)
        place = (await session.execute(towns)).scalar_one_or_none()
    elif kind == "community":
        communities = select(Community).where(col(Community.code) == value)
        place = (await session.execute(communities)).scalar_one_or_none()
    within: Town | None = None
    narrowed = kind in SPANNING_KINDS and len(reach) == 1
    if narrowed and await audience_towns(session, kind, value) != set(reach):
        within = next((t for t in await list_towns(session) if t.id in reach), None)
    return AudienceLabel(kind, value, place, within)


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
