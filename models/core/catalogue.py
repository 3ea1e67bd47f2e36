"""The catalogue cache: towns, communities, centres, venues (and, through the booking domain,
opening hours and blackout days) read once per process and kept in memory.

Every change to those tables bumps ``catalogue_version`` (database triggers, migration 0004),
whoever makes it: an admin in /venues, a CSV import, the seeding, another process. A cache
reads the counter with the person at the start of every update (``person_with_catalogue``: the
same query, no extra statement), and elsewhere at most every ``check_every`` seconds, and reloads
what it holds when the counter moved. So a change made anywhere (another process included) is
seen from the next update on; ``invalidate`` forgets everything at once. Use cases reach the
cache through their session (``session.info``, set by the kit); without one (jobs, scripts,
model tests) they read the database as before.

Cached rows are detached copies: read them, never change or ``session.add`` them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import BigInteger, bindparam
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel, col, select

from models.core.people import Person, find_person
from models.core.places import Community, ServiceCentre, Town, Venue
from models.core.questions import PendingQuestion

CATALOGUE_KEY = "tongxin.catalogue"  # where a session carries the process's cache
T = TypeVar("T")
Loader = Callable[[AsyncSession], Awaitable[T]]


class CatalogueVersion(SQLModel, table=True):
    """One row whose ``version`` every catalogue change increments (by trigger)."""

    __tablename__ = "catalogue_version"

    id: int = Field(primary_key=True)
    version: int = Field(sa_type=BigInteger)


class Catalogue:
    """Read-mostly rows of this process, reloaded when the catalogue version moves."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        check_every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self.check_every = check_every
        self._clock = clock
        self._version: int | None = None
        self._checked = float("-inf")
        self._parts: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    def note_version(self, version: int | None) -> None:
        """The version as just read along with something else (the person, at each update)."""
        self._checked = self._clock()
        if version != self._version:
            self._parts.clear()
            self._version = version

    def invalidate(self) -> None:
        """Forget everything: the next read loads afresh (this process changed the catalogue)."""
        self._parts.clear()
        self._version, self._checked = None, float("-inf")

    async def _fresh(self, session: AsyncSession) -> None:
        if self._clock() - self._checked < self.check_every:
            return
        self.note_version(await session.scalar(select(col(CatalogueVersion.version))))

    async def part(self, session: AsyncSession, name: str, loader: Loader[T]) -> T:
        """The cached value ``name``, loaded with ``loader`` (in a session of its own) if absent."""
        await self._fresh(session)
        if name in self._parts:
            return self._parts[name]  # type: ignore[no-any-return]
        async with self._lock:
            if name not in self._parts:
                async with self._sessions() as own:
                    value = await loader(own)
                    own.expunge_all()
                self._parts[name] = value
        return self._parts[name]  # type: ignore[no-any-return]


def catalogue_of(session: AsyncSession) -> Catalogue | None:
    """The process's catalogue cache, when the session carries one."""
    found = session.info.get(CATALOGUE_KEY)
    return found if isinstance(found, Catalogue) else None


async def cached(session: AsyncSession, name: str, loader: Loader[T]) -> T:
    """``loader``'s value from the cache when there is one, else straight from the database."""
    catalogue = catalogue_of(session)
    if catalogue is None:
        return await loader(session)
    return await catalogue.part(session, name, loader)


@dataclass(frozen=True)
class Places:
    """Towns, communities, centres and venues, with the lookups screens and rules need."""

    towns: tuple[Town, ...]
    communities: tuple[Community, ...]
    centres: dict[int, ServiceCentre]
    venues: dict[int, Venue]

    def town(self, town_id: int | None) -> Town | None:
        """A town by id."""
        return next((t for t in self.towns if t.id == town_id), None)

    def communities_of(self, town_id: int | None) -> list[Community]:
        """A town's communities, in their order."""
        return [c for c in self.communities if c.town_id == town_id]

    def community(self, community_id: int | None) -> Community | None:
        """A community by id."""
        return next((c for c in self.communities if c.id == community_id), None)


async def _load_places(session: AsyncSession) -> Places:
    towns = (await session.execute(select(Town).order_by(col(Town.code)))).scalars().all()
    communities = (
        (
            await session.execute(
                select(Community).order_by(col(Community.sort_order), col(Community.id))
            )
        )
        .scalars()
        .all()
    )
    centres = (await session.execute(select(ServiceCentre))).scalars().all()
    venues = (await session.execute(select(Venue))).scalars().all()
    return Places(
        tuple(towns),
        tuple(communities),
        {c.id: c for c in centres if c.id is not None},
        {v.id: v for v in venues if v.id is not None},
    )


async def places(session: AsyncSession) -> Places:
    """Every town, community, centre and venue (cached when the session carries the cache)."""
    return await cached(session, "places", _load_places)


async def list_towns(session: AsyncSession) -> list[Town]:
    """All towns, in code order (D before Q)."""
    return list((await places(session)).towns)


async def list_centres(session: AsyncSession, *, town_id: int | None = None) -> list[ServiceCentre]:
    """Every service centre, those of ``town_id`` (the reader's own town) first."""
    centres = (await places(session)).centres.values()
    return sorted(centres, key=lambda c: (c.town_id != town_id, c.code))


async def list_communities(session: AsyncSession, town_id: int) -> list[Community]:
    """The communities of one town, in display order."""
    return (await places(session)).communities_of(town_id)


# Built once: constructing this statement cost more than running it, on every update.
_PERSON_WITH_VERSION = (
    select(col(CatalogueVersion.version), Person, PendingQuestion)
    .select_from(CatalogueVersion)
    .outerjoin(Person, col(Person.tg_user_id) == bindparam("tg_user_id"))
    .outerjoin(PendingQuestion, col(PendingQuestion.person_id) == col(Person.id))
    .where(col(CatalogueVersion.id) == 1)
)


async def person_with_catalogue(
    session: AsyncSession, tg_user_id: int
) -> tuple[Person | None, PendingQuestion | None]:
    """The person with this Telegram id and the question they were last asked by message
    (``models.core.questions``), read with the catalogue version (one query)."""
    params = {"tg_user_id": tg_user_id}
    row = (await session.execute(_PERSON_WITH_VERSION, params)).first()
    if row is None:  # no version row: a database older than the catalogue cache
        return await find_person(session, tg_user_id), None
    version, person, question = row
    catalogue = catalogue_of(session)
    if catalogue is not None:
        catalogue.note_version(version)
    return person, question


async def venue_of(session: AsyncSession, venue_id: int) -> Venue | None:
    """A venue: from the cache when the session carries one, else one database read."""
    if catalogue_of(session) is None:
        return await session.get(Venue, venue_id)
    return (await places(session)).venues.get(venue_id)


async def centre_of(session: AsyncSession, centre_id: int) -> ServiceCentre | None:
    """A service centre: from the cache when the session carries one, else one database read."""
    if catalogue_of(session) is None:
        return await session.get(ServiceCentre, centre_id)
    return (await places(session)).centres.get(centre_id)


async def town_of(session: AsyncSession, town_id: int) -> Town | None:
    """A town: from the cache when the session carries one, else one database read."""
    if catalogue_of(session) is None:
        return await session.get(Town, town_id)
    return (await places(session)).town(town_id)
