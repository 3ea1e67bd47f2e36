"""Role grants in the domain layer: listed and revoked within scope and audited, granted once,
and every action has its permissions."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import PERMISSIONS, Action, Role, RoleGrant, Scope, grant_role
from models.core.errors import NotFound
from models.roles import get_grant, list_grants, revoke_grant
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.roles.roles_support import count, make_town_admin, scopes, town_id


async def test_list_and_revoke_scoped_and_audited(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    town_admin = await make_town_admin(services, 3001, "D")
    d_vol = await make_person(services.sessions, 2001)
    q_med = await make_person(services.sessions, 2002, town_code="Q", community_code="q-xinglong")
    assert d_vol.id is not None and q_med.id is not None
    async with services.sessions() as session, session.begin():
        d_grant = await grant_role(
            session, d_vol.id, Role.VOLUNTEER, await town_id(services, "D"), admin.id
        )
        q_grant = await grant_role(
            session, q_med.id, Role.MEDIATOR, await town_id(services, "Q"), admin.id
        )
    town_scopes = await scopes(services, town_admin)
    global_scopes = await scopes(services, admin)
    async with services.sessions() as session:
        mine = [g.id for g, _ in await list_grants(session, town_scopes)]
        everything = [g.id for g, _ in await list_grants(session, global_scopes)]
    assert mine == [d_grant.id]  # not Q's mediator, not their own admin grant
    assert len(everything) == 3  # a global admin also sees the town admin's own grant
    assert {d_grant.id, q_grant.id} <= set(everything)

    assert q_grant.id is not None and d_grant.id is not None
    async with services.sessions() as session, session.begin():
        with pytest.raises(NotFound):
            await revoke_grant(session, q_grant.id, town_admin, town_scopes)
    async with services.sessions() as session, session.begin():
        revoked = await revoke_grant(session, d_grant.id, town_admin, town_scopes)
    assert revoked.revoked_at is not None
    async with services.sessions() as session, session.begin():
        with pytest.raises(NotFound):  # a second tap changes nothing
            await revoke_grant(session, d_grant.id, town_admin, town_scopes)
    async with services.sessions() as session:
        row = (
            await session.execute(select(AuditLog).where(col(AuditLog.action) == "role.revoke"))
        ).scalar_one()
    assert (row.actor_id, row.subject_id) == (town_admin.id, d_grant.id)
    assert row.details["role"] == "volunteer"
    assert Scope(Role.VOLUNTEER, d_grant.town_id) not in await scopes(services, d_vol)
    assert await count(services, RoleGrant, col(RoleGrant.revoked_at).is_not(None)) == 1


async def test_forged_grant_id_not_found(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    admin_scopes = await scopes(services, admin)
    async with services.sessions() as session, session.begin():
        with pytest.raises(NotFound):
            await revoke_grant(session, 999_999, admin, admin_scopes)
        with pytest.raises(NotFound):
            await get_grant(session, -1, admin_scopes)
    assert await count(services, AuditLog) == 0


async def test_grant_role_is_idempotent_per_person_role_town(services: Services) -> None:
    person = await make_person(services.sessions, 2001)
    assert person.id is not None
    d_town = await town_id(services, "D")
    async with services.sessions() as session, session.begin():
        first = await grant_role(session, person.id, Role.VOLUNTEER, d_town)
        again = await grant_role(session, person.id, Role.VOLUNTEER, d_town)
    assert first.id == again.id
    assert await count(services, RoleGrant) == 1
    assert await count(services, AuditLog, col(AuditLog.action) == "role.grant") == 1


def test_permissions_cover_every_action() -> None:
    assert set(PERMISSIONS) == set(Action)
    assert all(Role.RESIDENT not in roles for roles in PERMISSIONS.values())
