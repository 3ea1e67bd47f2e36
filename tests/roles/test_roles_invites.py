"""Invites in the domain layer: single use under races, expiry, who may invite whom, audit."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Action, Role, RoleGrant, Scope, can, grant_role, invitable_roles
from models.core.base import utcnow
from models.core.errors import (
    InviteExpired,
    InviteInvalid,
    InviteOutOfScope,
    InviteUsed,
    NotAllowed,
)
from models.core.people import Person
from models.roles import Invite, create_invite, list_grants
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.roles.roles_support import (
    audit_actions,
    count,
    make_invite,
    make_town_admin,
    redeem,
    scopes,
    town_id,
)


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
    assert invitable_roles(admin_scopes) == [
        Role.VOLUNTEER,
        Role.MEDIATOR,
        Role.ORGANISER,
        Role.COMMITTEE,
        Role.SECRETARY,
    ]
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
    assert invitable_roles(admin_scopes) == [
        Role.VOLUNTEER,
        Role.MEDIATOR,
        Role.ADMIN,
        Role.ORGANISER,
        Role.COMMITTEE,
        Role.SECRETARY,
    ]
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
