"""Roles and invites in the domain layer: single use under races, expiry, scope, audit."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import (
    PERMISSIONS,
    Action,
    Role,
    RoleGrant,
    Scope,
    can,
    grant_role,
    invitable_roles,
    scopes_of,
)
from models.core.base import utcnow
from models.core.errors import (
    InviteExpired,
    InviteInvalid,
    InviteOutOfScope,
    InviteUsed,
    NotAllowed,
    NotFound,
)
from models.core.people import Person
from models.core.places import Town
from models.roles import Invite, create_invite, get_grant, list_grants, redeem_invite, revoke_grant
from tests.conftest import ADMIN_ID
from tests.factories import make_person


async def town_id(services: Services, code: str) -> int:
    async with services.sessions() as session:
        town = (await session.execute(select(Town).where(col(Town.code) == code))).scalar_one()
        assert town.id is not None
        return town.id


async def scopes(services: Services, person: Person) -> set[Scope]:
    async with services.sessions() as session:
        return await scopes_of(session, person, services.settings.admin_ids)


async def make_invite(
    services: Services, issuer: Person, role: Role, town: str, ttl: timedelta | None = None
) -> Invite:
    issuer_scopes = await scopes(services, issuer)
    tid = await town_id(services, town)
    async with services.sessions() as session, session.begin():
        if ttl is None:
            return await create_invite(session, issuer, issuer_scopes, role, tid)
        return await create_invite(session, issuer, issuer_scopes, role, tid, ttl=ttl)


async def redeem(services: Services, code: str, person: Person) -> RoleGrant:
    async with services.sessions() as session, session.begin():
        return await redeem_invite(session, code, person)


async def count(services: Services, model: type, *where: Any) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int((await session.execute(query)).scalar_one())


async def make_town_admin(services: Services, tg_id: int, town: str = "D") -> Person:
    community = "d-changjiang" if town == "D" else "q-xinglong"
    person = await make_person(services.sessions, tg_id, town_code=town, community_code=community)
    assert person.id is not None
    async with services.sessions() as session, session.begin():
        await grant_role(session, person.id, Role.ADMIN, await town_id(services, town))
    return person


async def test_fifty_concurrent_redemptions_grant_exactly_once(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    invite = await make_invite(services, admin, Role.VOLUNTEER, "Q")
    people = [
        await make_person(services.sessions, 5000 + i, town_code="Q", community_code="q-xinglong")
        for i in range(50)
    ]

    async def attempt(person: Person) -> str:
        try:
            await redeem(services, invite.code, person)
        except InviteUsed:
            return "used"
        return "granted"

    outcomes = await asyncio.gather(*(attempt(p) for p in people))

    assert outcomes.count("granted") == 1
    assert outcomes.count("used") == 49
    assert await count(services, RoleGrant, col(RoleGrant.role) == "volunteer") == 1
    assert await count(services, AuditLog, col(AuditLog.action) == "invite.redeem") == 1
    async with services.sessions() as session:
        stored = (await session.execute(select(Invite))).scalar_one()
        grant = (await session.execute(select(RoleGrant))).scalar_one()
    assert stored.used_by == grant.person_id
    winner = people[outcomes.index("granted")]
    assert grant.person_id == winner.id
    assert grant.town_id == await town_id(services, "Q")


async def test_redeem_grants_role_and_audits(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    invite = await make_invite(services, admin, Role.MEDIATOR, "Q")
    person = await make_person(services.sessions, 2001, town_code="Q", community_code="q-xinglong")
    grant = await redeem(services, invite.code, person)
    assert (grant.role, grant.town_id) == ("mediator", await town_id(services, "Q"))
    assert grant.granted_by == admin.id
    assert Scope(Role.MEDIATOR, grant.town_id) in await scopes(services, person)
    assert can(await scopes(services, person), Action.CASE_HANDLE, grant.town_id)
    assert not can(await scopes(services, person), Action.CASE_HANDLE, await town_id(services, "D"))
    actions = await audit_actions(services)
    assert actions == ["invite.create", "invite.redeem"]


async def audit_actions(services: Services) -> list[str]:
    async with services.sessions() as session:
        query = select(col(AuditLog.action)).order_by(col(AuditLog.id))
        return list((await session.execute(query)).scalars())


async def test_reused_invite_refused(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    invite = await make_invite(services, admin, Role.VOLUNTEER, "D")
    first = await make_person(services.sessions, 2001)
    second = await make_person(services.sessions, 2002)
    await redeem(services, invite.code, first)
    with pytest.raises(InviteUsed):
        await redeem(services, invite.code, second)
    with pytest.raises(InviteUsed):
        await redeem(services, invite.code, first)
    assert await count(services, RoleGrant) == 1


async def test_expired_invite_refused_and_not_consumed(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    invite = await make_invite(services, admin, Role.VOLUNTEER, "D")
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Invite)
            .where(col(Invite.id) == invite.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    person = await make_person(services.sessions, 2001)
    with pytest.raises(InviteExpired):
        await redeem(services, invite.code, person)
    assert await count(services, RoleGrant) == 0
    assert await count(services, Invite, col(Invite.used_at).is_not(None)) == 0


async def test_default_ttl_is_three_days(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    invite = await make_invite(services, admin, Role.VOLUNTEER, "D")
    left = invite.expires_at - utcnow()
    assert timedelta(days=3) - timedelta(minutes=1) < left <= timedelta(days=3)


async def test_unknown_code_invalid(services: Services) -> None:
    person = await make_person(services.sessions, 2001)
    with pytest.raises(InviteInvalid):
        await redeem(services, "no-such-code", person)


async def test_out_of_scope_redeemer_refused_and_invite_kept(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    invite = await make_invite(services, admin, Role.VOLUNTEER, "Q")
    d_person = await make_person(services.sessions, 2001)
    with pytest.raises(InviteOutOfScope):
        await redeem(services, invite.code, d_person)
    q_person = await make_person(services.sessions, 2002, town_code="Q", community_code="q-haibin")
    grant = await redeem(services, invite.code, q_person)
    assert grant.person_id == q_person.id


async def test_town_admin_invites_only_volunteers_and_mediators_of_own_town(
    services: Services,
) -> None:
    town_admin = await make_town_admin(services, 3001, "D")
    admin_scopes = await scopes(services, town_admin)
    assert invitable_roles(admin_scopes) == [Role.VOLUNTEER, Role.MEDIATOR]
    volunteer = await make_invite(services, town_admin, Role.VOLUNTEER, "D")
    mediator = await make_invite(services, town_admin, Role.MEDIATOR, "D")
    assert {volunteer.role, mediator.role} == {"volunteer", "mediator"}
    for role, town in [(Role.ADMIN, "D"), (Role.VOLUNTEER, "Q"), (Role.ADMIN, "Q")]:
        with pytest.raises(NotAllowed):
            await make_invite(services, town_admin, role, town)
    async with services.sessions() as session:
        with pytest.raises(NotAllowed):
            await create_invite(session, town_admin, admin_scopes, Role.VOLUNTEER, None)
    assert await count(services, Invite) == 2


async def test_only_global_admins_invite_town_admins_and_nobody_global(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    admin_scopes = await scopes(services, admin)
    assert invitable_roles(admin_scopes) == [Role.VOLUNTEER, Role.MEDIATOR, Role.ADMIN]
    invite = await make_invite(services, admin, Role.ADMIN, "Q")
    async with services.sessions() as session:
        for role in (Role.ADMIN, Role.VOLUNTEER):
            with pytest.raises(NotAllowed):
                await create_invite(session, admin, admin_scopes, role, None)
        with pytest.raises(NotAllowed):
            await create_invite(session, admin, admin_scopes, Role.RESIDENT, invite.town_id)
    q_person = await make_person(services.sessions, 2001, town_code="Q", community_code="q-kenqu")
    grant = await redeem(services, invite.code, q_person)
    assert (grant.role, grant.town_id) == ("admin", invite.town_id)


async def test_non_admins_cannot_invite(services: Services) -> None:
    volunteer = await make_person(services.sessions, 2001)
    assert volunteer.id is not None
    d_town = await town_id(services, "D")
    async with services.sessions() as session, session.begin():
        await grant_role(session, volunteer.id, Role.VOLUNTEER, d_town)
    volunteer_scopes = await scopes(services, volunteer)
    assert invitable_roles(volunteer_scopes) == []
    async with services.sessions() as session:
        with pytest.raises(NotAllowed):
            await create_invite(session, volunteer, volunteer_scopes, Role.VOLUNTEER, d_town)
        with pytest.raises(NotAllowed):
            await list_grants(session, volunteer_scopes)


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
