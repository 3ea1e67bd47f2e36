"""Helpers for the roles tests: towns, scopes, invites made and redeemed, counts and audit rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Role, RoleGrant, Scope, grant_role, scopes_of
from models.core.people import Person
from models.core.places import Town
from models.roles import Invite, create_invite, redeem_invite
from tests.factories import make_person


async def town_id(services: Services, code: str) -> int:
    """The id of a seeded town by its code."""
    async with services.sessions() as session:
        town = (await session.execute(select(Town).where(col(Town.code) == code))).scalar_one()
        assert town.id is not None
        return town.id


async def scopes(services: Services, person: Person) -> set[Scope]:
    """The person's scopes as the bot computes them."""
    async with services.sessions() as session:
        return await scopes_of(session, person, services.settings.admin_ids)


async def make_invite(
    services: Services, issuer: Person, role: Role, town: str, ttl: timedelta | None = None
) -> Invite:
    """An invite ``issuer`` creates for ``role`` in ``town`` (default lifetime unless ``ttl``)."""
    issuer_scopes = await scopes(services, issuer)
    tid = await town_id(services, town)
    async with services.sessions() as session, session.begin():
        if ttl is None:
            return await create_invite(session, issuer, issuer_scopes, role, tid)
        return await create_invite(session, issuer, issuer_scopes, role, tid, ttl=ttl)


async def redeem(services: Services, code: str, person: Person) -> RoleGrant:
    """Redeem ``code`` as ``person``, in a transaction of its own."""
    async with services.sessions() as session, session.begin():
        return await redeem_invite(session, code, person)


async def count(services: Services, model: type, *where: Any) -> int:
    """How many rows of ``model`` match ``where``."""
    async with services.sessions() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int((await session.execute(query)).scalar_one())


async def make_town_admin(services: Services, tg_id: int, town: str = "D") -> Person:
    """An onboarded person holding the admin role in ``town``."""
    community = "d-changjiang" if town == "D" else "q-xinglong"
    person = await make_person(services.sessions, tg_id, town_code=town, community_code=community)
    assert person.id is not None
    async with services.sessions() as session, session.begin():
        await grant_role(session, person.id, Role.ADMIN, await town_id(services, town))
    return person


async def audit_actions(services: Services) -> list[str]:
    """Every audit action, in order."""
    async with services.sessions() as session:
        query = select(col(AuditLog.action)).order_by(col(AuditLog.id))
        return list((await session.execute(query)).scalars())
