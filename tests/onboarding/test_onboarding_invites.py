"""An invite link opened before or after onboarding: the role is granted once the person is in."""

from __future__ import annotations

from sqlmodel import select

from bot.context import Services
from models.core.authz import Role, RoleGrant, Scope
from models.core.people import Person
from models.core.places import Town
from models.roles.invites import Invite, create_invite
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness
from tests.onboarding.onboarding_flow import person, texts, tr


async def _admin_invite(services: Services, town_code: str) -> str:
    admin = await make_person(services.sessions, ADMIN_ID, name="管理员")
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(Town.code == town_code))).scalar_one()
        issuer = await session.get(Person, admin.id)
        assert issuer is not None
        invite = await create_invite(
            session, issuer, {Scope(Role.ADMIN, None)}, Role.VOLUNTEER, town.id
        )
    return invite.code


async def _grants(services: Services, tg_user_id: int) -> list[RoleGrant]:
    found = await person(services, tg_user_id)
    assert found is not None
    async with services.sessions() as session:
        query = select(RoleGrant).where(RoleGrant.person_id == found.id)
        return list((await session.execute(query)).scalars())


async def test_invite_link_for_a_new_user_is_redeemed_after_onboarding(
    harness: BotHarness, services: Services
) -> None:
    code = await _admin_invite(services, "D")
    user = harness.user(1013)
    msgs = await user.send(f"/start inv_{code}")
    assert texts(msgs)[1] == tr(services, "zh_CN")("onboarding.consent")
    for typed in ("1", "1", "1", "1"):
        await user.send(typed)
    assert await _grants(services, 1013) == []  # nothing before completion
    await user.send("1")  # skip the name
    await user.send("1")  # skip the phone: done, then the invite
    grants = await _grants(services, 1013)
    assert [g.role for g in grants] == ["volunteer"]
    async with services.sessions() as session:
        invite = (await session.execute(select(Invite).where(Invite.code == code))).scalar_one()
    assert invite.used_by == grants[0].person_id
    assert harness.app is not None and "pending_invite" not in harness.app.user_data[1013]


async def test_invite_link_for_a_registered_user_redeems_at_once(
    harness: BotHarness, services: Services
) -> None:
    code = await _admin_invite(services, "D")
    await make_person(services.sessions, 1014)
    user = harness.user(1014)
    msgs = await user.send(f"/start inv_{code}")
    assert tr(services, "zh_CN")("onboarding.consent") not in texts(msgs)
    assert [g.role for g in await _grants(services, 1014)] == ["volunteer"]
