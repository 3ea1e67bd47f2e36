"""The use cases behind the /roles and /invite screens, without Telegram."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Role, RoleGrant, grant_role
from models.core.errors import NotAllowed, NotFound
from models.roles import (
    GRANTS_PER_PAGE,
    INVITE_CODE,
    ROLES_CODE,
    Invite,
    create_invite_link,
    grants_page,
    invite_towns,
    redeem,
    revocation_preview,
    revoke,
)
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.roles.roles_support import count, make_town_admin, scopes, town_id


async def give(services: Services, tg_ids: range, role: Role, town: str) -> list[int]:
    """Onboarded people of ``town`` holding ``role`` there; their grant ids."""
    community = "d-changjiang" if town == "D" else "q-xinglong"
    tid = await town_id(services, town)
    ids = []
    for tg_id in tg_ids:
        person = await make_person(
            services.sessions, tg_id, town_code=town, community_code=community, name=f"人{tg_id}"
        )
        assert person.id is not None
        async with services.sessions() as session, session.begin():
            grant = await grant_role(session, person.id, role, tid)
        assert grant.id is not None
        ids.append(grant.id)
    return ids


async def test_grants_page_pages_by_six_and_wraps_around(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    d_ids = await give(services, range(2001, 2006), Role.VOLUNTEER, "D")
    q_ids = await give(services, range(2101, 2104), Role.MEDIATOR, "Q")
    admin_scopes = await scopes(services, admin)
    async with services.sessions() as session:
        first = await grants_page(session, scopes=admin_scopes, page=0)
        second = await grants_page(session, scopes=admin_scopes, page=1)
        wrapped = await grants_page(session, scopes=admin_scopes, page=2)
    assert (first.page, first.pages, len(first.grants)) == (0, 2, GRANTS_PER_PAGE)
    assert (second.page, second.pages, len(second.grants)) == (1, 2, 2)
    assert wrapped == first
    shown = [g.id for g in first.grants + second.grants]
    assert shown == d_ids + q_ids  # by town, role, then grant
    view = first.grants[0]
    assert (view.role, view.name, view.town and view.town.code) == (Role.VOLUNTEER, "人2001", "D")


async def test_grants_page_is_empty_for_a_town_admin_with_nobody_to_manage(
    services: Services,
) -> None:
    town_admin = await make_town_admin(services, 3001, "Q")
    await give(services, range(2001, 2003), Role.VOLUNTEER, "D")  # another town's
    async with services.sessions() as session:
        page = await grants_page(session, scopes=await scopes(services, town_admin), page=3)
    assert (page.grants, page.page, page.pages) == ((), 0, 0)
    resident = await make_person(services.sessions, 2501)
    async with services.sessions() as session:
        with pytest.raises(NotAllowed):
            await grants_page(session, scopes=await scopes(services, resident), page=0)


async def test_preview_then_revoke_describe_the_grant(services: Services) -> None:
    town_admin = await make_town_admin(services, 3001, "D")
    (grant_id,) = await give(services, range(2001, 2002), Role.MEDIATOR, "D")
    admin_scopes = await scopes(services, town_admin)
    async with services.sessions() as session:
        preview = await revocation_preview(session, scopes=admin_scopes, grant_id=grant_id)
    async with services.sessions() as session, session.begin():
        revoked = await revoke(session, actor=town_admin, scopes=admin_scopes, grant_id=grant_id)
    assert revoked == preview
    assert (revoked.id, revoked.role, revoked.name) == (grant_id, Role.MEDIATOR, "人2001")
    assert revoked.town is not None and revoked.town.code == "D"
    async with services.sessions() as session:
        with pytest.raises(NotFound):
            await revocation_preview(session, scopes=admin_scopes, grant_id=grant_id)
    assert await count(services, RoleGrant, col(RoleGrant.revoked_at).is_(None)) == 1  # own


async def test_invite_towns_lists_for_global_admins_and_picks_a_town_admins_own(
    services: Services,
) -> None:
    admin = await make_person(services.sessions, ADMIN_ID)
    async with services.sessions() as session:
        choice = await invite_towns(
            session, issuer=admin, scopes=await scopes(services, admin), role="volunteer"
        )
    assert choice.role is Role.VOLUNTEER and choice.created is None
    assert [town.code for town in choice.towns] == ["D", "Q"]
    assert await count(services, Invite) == 0

    town_admin = await make_town_admin(services, 3001, "Q")
    async with services.sessions() as session, session.begin():
        choice = await invite_towns(
            session, issuer=town_admin, scopes=await scopes(services, town_admin), role="mediator"
        )
    assert choice.created is not None
    assert (choice.created.role, choice.created.town.code) == (Role.MEDIATOR, "Q")
    async with services.sessions() as session:
        stored = (await session.execute(select(Invite))).scalar_one()
    assert (stored.code, stored.expires_at) == (choice.created.code, choice.created.expires_at)


@pytest.mark.parametrize("role", ["resident", "admin", "nobody"])
async def test_invite_towns_refuses_roles_a_town_admin_may_not_hand_out(
    services: Services, role: str
) -> None:
    town_admin = await make_town_admin(services, 3001, "D")
    admin_scopes = await scopes(services, town_admin)
    async with services.sessions() as session:
        with pytest.raises(NotAllowed):
            await invite_towns(session, issuer=town_admin, scopes=admin_scopes, role=role)
    assert await count(services, Invite) == 0


async def test_create_invite_link_checks_the_town_then_the_scope(services: Services) -> None:
    town_admin = await make_town_admin(services, 3001, "D")
    admin_scopes = await scopes(services, town_admin)
    refusals = [("volunteer", "X", NotFound), ("volunteer", "Q", NotAllowed)]
    refusals += [("admin", "D", NotAllowed), ("resident", "X", NotAllowed)]
    for role, town, error in refusals:
        async with services.sessions() as session:
            with pytest.raises(error):
                await create_invite_link(
                    session, issuer=town_admin, scopes=admin_scopes, role=role, town_code=town
                )
    assert await count(services, Invite) == 0
    async with services.sessions() as session, session.begin():
        created = await create_invite_link(
            session, issuer=town_admin, scopes=admin_scopes, role="volunteer", town_code="D"
        )
    assert (created.role, created.town.code) == (Role.VOLUNTEER, "D")

    resident = await make_person(services.sessions, 2001)
    async with services.sessions() as session, session.begin():
        redeemed = await redeem(session, person=resident, code=created.code)
    assert redeemed.role is Role.VOLUNTEER
    assert redeemed.town is not None and redeemed.town.code == "D"
    async with services.sessions() as session:
        query = select(func.count()).select_from(AuditLog)
        assert (await session.execute(query)).scalar_one() == 3  # grant, invite, redeem


def test_codes_read_the_buttons_already_sent() -> None:
    sent: dict[str, tuple[str, tuple[int | str, ...]]] = {
        "roles:page:1": ("page", (1,)),
        "roles:home": ("home", ()),
        "roles:revoke:12": ("revoke", (12,)),
        "roles:confirm:12": ("confirm", (12,)),
        "inv:start": ("start", ()),
        "inv:home": ("home", ()),
        "inv:role:volunteer": ("role", ("volunteer",)),
        "inv:town:volunteer:Q": ("town", ("volunteer", "Q")),
    }
    for data, (action, fields) in sent.items():
        code = ROLES_CODE if data.startswith("roles:") else INVITE_CODE
        tap = code.parse(data)
        assert tap is not None and (tap.action, tap.fields) == (action, fields), data
        assert code.data(action, *fields) == data
    for forged in ("roles:revoke:0", "roles:confirm:99999999999999999999", "inv:town:Q", "roles"):
        code = ROLES_CODE if forged.startswith("roles") else INVITE_CODE
        assert code.parse(forged) is None, forged
