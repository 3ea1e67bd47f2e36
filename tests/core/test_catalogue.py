"""The catalogue cache: read once, reloaded when the catalogue version moves, on both engines."""

from __future__ import annotations

from sqlmodel import col, select, update

from bot.context import Services, UpdateScope
from models.core.catalogue import Catalogue, CatalogueVersion, catalogue_of, list_towns, places
from models.core.places import Town, Venue


async def _version(services: Services) -> int:
    async with services.sessions() as session:
        return int(await session.scalar(select(col(CatalogueVersion.version))) or 0)


async def test_every_change_to_the_catalogue_bumps_the_version(services: Services) -> None:
    before = await _version(services)
    async with services.sessions() as session, session.begin():
        await session.execute(update(Venue).values(capacity=Venue.capacity))  # type: ignore[arg-type]
    after_update = await _version(services)
    assert after_update > before
    async with services.sessions() as session, session.begin():
        await session.execute(update(Town).where(col(Town.code) == "Q").values(name_en="Q"))
    assert await _version(services) > after_update


async def test_a_change_made_elsewhere_is_seen_within_check_every(services: Services) -> None:
    now = [100.0]
    cache = Catalogue(services.sessions, check_every=1.0, clock=lambda: now[0])
    async with services.sessions() as session:
        session.info["tongxin.catalogue"] = cache
        assert catalogue_of(session) is cache
        first = await places(session)
        assert (await places(session)) is first  # a second read costs nothing
    async with services.sessions() as other, other.begin():  # another process, say
        await other.execute(update(Town).where(col(Town.code) == "D").values(name_zh="新D镇"))
    async with services.sessions() as session:
        session.info["tongxin.catalogue"] = cache
        now[0] += 0.5  # within check_every: still the copy
        assert next(t.name_zh for t in await list_towns(session)) != "新D镇"
        now[0] += 0.6  # past it: the version moved, so it reloads
        assert next(t.name_zh for t in await list_towns(session)) == "新D镇"


async def test_invalidate_reloads_at_once_and_no_cache_reads_the_database(
    services: Services,
) -> None:
    cache = Catalogue(services.sessions, check_every=3600.0)
    async with services.sessions() as session:
        session.info["tongxin.catalogue"] = cache
        await places(session)
        async with services.sessions() as other, other.begin():
            await other.execute(update(Town).where(col(Town.code) == "Q").values(name_en="Qtown"))
        assert [t.name_en for t in await list_towns(session)][1] != "Qtown"  # an hour to wait
        cache.invalidate()
        assert [t.name_en for t in await list_towns(session)][1] == "Qtown"
    async with services.sessions() as plain:  # jobs and scripts: straight from the database
        assert catalogue_of(plain) is None
        assert [t.code for t in await list_towns(plain)] == ["D", "Q"]


async def test_the_updates_session_carries_the_processs_cache(services: Services) -> None:
    assert services.catalogue is not None
    scope = UpdateScope(services.sessions, services.catalogue)
    try:
        assert catalogue_of(scope.session) is services.catalogue
    finally:
        await scope.close()
