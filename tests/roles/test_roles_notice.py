"""A person whose role is revoked is told, through the outbox, in their own language."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.authz import Role, grant_role, scopes_of
from models.core.errors import NotFound
from models.core.outbox import OutboxMessage
from models.core.places import Town
from models.roles import revoke_grant
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness


async def test_revoked_volunteer_is_told_once_in_their_language(
    harness: BotHarness, services: Services
) -> None:
    admin = await make_person(services.sessions, ADMIN_ID, name="总管理员")
    volunteer = await make_person(services.sessions, 8301, language="en", name="Ann")
    harness.user(8301, language_code="en")
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
        assert volunteer.id is not None and town.id is not None
        grant = await grant_role(session, volunteer.id, Role.VOLUNTEER, town.id, admin.id)
    async with services.sessions() as session, session.begin():
        scopes = await scopes_of(session, admin, [ADMIN_ID])
        assert grant.id is not None
        await revoke_grant(session, grant.id, admin, scopes)
    with pytest.raises(NotFound):
        async with services.sessions() as session, session.begin():
            await revoke_grant(session, grant.id, admin, scopes)

    await harness.drain_outbox()

    expected = services.i18n.translator("en")("roles.revoked.volunteer")
    assert [m["text"] for m in harness.state.messages(8301)] == [expected]
    async with services.sessions() as session:
        keys = (await session.execute(select(col(OutboxMessage.dedupe_key)))).scalars().all()
    assert keys == [f"role-revoked:{grant.id}"]


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.SECRETARY, Role.ORGANISER])
async def test_each_role_is_told_in_its_own_words(services: Services, role: Role) -> None:
    admin = await make_person(services.sessions, ADMIN_ID, name="总管理员")
    member = await make_person(services.sessions, 8311, name="委员")
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
        assert member.id is not None and town.id is not None
        grant = await grant_role(session, member.id, role, town.id, admin.id)
    async with services.sessions() as session, session.begin():
        assert grant.id is not None
        await revoke_grant(session, grant.id, admin, await scopes_of(session, admin, [ADMIN_ID]))
    async with services.sessions() as session:
        [row] = (await session.execute(select(OutboxMessage))).scalars().all()
    # The organiser has no text of its own yet: it keeps the administrator's, as before.
    expected = "roles.revoked.admin" if role is Role.ORGANISER else f"roles.revoked.{role.value}"
    assert row.payload["msgid"] == expected
