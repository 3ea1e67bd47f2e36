"""Managing role grants: the ones an admin may manage, one page at a time, and revoking them.

Who may manage which grant is ``may_grant`` (models.core.authz): a global admin manages every
town's volunteers, mediators and town admins; a town admin their own town's volunteers and
mediators. A grant outside the caller's reach is ``NotFound``, like a forged id.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Role, RoleGrant, Scope, holds, may_grant
from models.core.base import get_or_raise, utcnow
from models.core.catalogue import list_towns
from models.core.errors import NotAllowed, NotFound
from models.core.people import Person
from models.core.places import Town
from models.roles.notices import tell_revoked

GRANTS_PER_PAGE = 6


@dataclass(frozen=True)
class GrantView:
    """One grant as the screens describe it: who, which role, in which town."""

    id: int
    role: Role
    person_id: int
    name: str | None  # the person's display name, when they gave one
    town: Town | None


@dataclass(frozen=True)
class GrantsPage:
    """One page of the grants an admin manages (``pages`` is 0 when there are none)."""

    grants: tuple[GrantView, ...]
    page: int
    pages: int


def _manageable(scopes: AbstractSet[Scope], grant: RoleGrant) -> bool:
    return grant.revoked_at is None and may_grant(scopes, Role(grant.role), grant.town_id)


def _view(grant: RoleGrant, person: Person, town: Town | None) -> GrantView:
    if grant.id is None or person.id is None:  # why: rows read from the database have ids
        raise NotFound()
    return GrantView(grant.id, Role(grant.role), person.id, person.display_name, town)


async def list_grants(
    session: AsyncSession, scopes: AbstractSet[Scope]
) -> list[tuple[RoleGrant, Person]]:
    """Active grants the caller may manage (town admins: their town's volunteers, mediators)."""
    if not holds(scopes, Action.ROLES_MANAGE):
        raise NotAllowed()
    query = (
        select(RoleGrant, Person)
        .join(Person, col(Person.id) == col(RoleGrant.person_id))
        .where(col(RoleGrant.revoked_at).is_(None))
        .order_by(col(RoleGrant.town_id), col(RoleGrant.role), col(RoleGrant.id))
    )
    rows = (await session.execute(query)).all()
    return [(g, p) for g, p in rows if _manageable(scopes, g)]


async def get_grant(
    session: AsyncSession, grant_id: int, scopes: AbstractSet[Scope]
) -> tuple[RoleGrant, Person]:
    """One active grant the caller may manage; NotFound for forged, revoked or foreign ids."""
    if not holds(scopes, Action.ROLES_MANAGE):
        raise NotAllowed()
    grant = await session.get(RoleGrant, grant_id)
    if grant is None or not _manageable(scopes, grant):
        raise NotFound()
    person = await get_or_raise(session, Person, grant.person_id)
    return grant, person


async def revoke_grant(
    session: AsyncSession, grant_id: int, actor: Person, scopes: AbstractSet[Scope]
) -> RoleGrant:
    """Revoke an active grant the caller may manage (once: a repeat is NotFound); audited."""
    grant, _ = await get_grant(session, grant_id, scopes)
    now = utcnow()
    done = await session.execute(
        update(RoleGrant)
        .where(col(RoleGrant.id) == grant_id, col(RoleGrant.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound()
    grant.revoked_at = now
    await tell_revoked(session, grant)
    await record_audit(
        session,
        actor.id,
        "role.revoke",
        "role_grant",
        grant.id,
        role=grant.role,
        town_id=grant.town_id,
        person=grant.person_id,
    )
    return grant


async def grants_page(
    session: AsyncSession, *, scopes: AbstractSet[Scope], page: int
) -> GrantsPage:
    """Page ``page`` of the grants the caller manages (wrapping around past the last one)."""
    rows = await list_grants(session, scopes)
    if not rows:
        return GrantsPage((), 0, 0)
    towns = {town.id: town for town in await list_towns(session)}
    pages = (len(rows) + GRANTS_PER_PAGE - 1) // GRANTS_PER_PAGE
    page %= pages
    shown = rows[page * GRANTS_PER_PAGE : (page + 1) * GRANTS_PER_PAGE]
    views = tuple(_view(g, p, towns.get(g.town_id)) for g, p in shown)
    return GrantsPage(views, page, pages)


async def _town(session: AsyncSession, town_id: int | None) -> Town | None:
    return await session.get(Town, town_id) if town_id is not None else None


async def revocation_preview(
    session: AsyncSession, *, scopes: AbstractSet[Scope], grant_id: int
) -> GrantView:
    """The grant an admin is about to revoke, to restate before they confirm."""
    grant, person = await get_grant(session, grant_id, scopes)
    return _view(grant, person, await _town(session, grant.town_id))


async def revoke(
    session: AsyncSession, *, actor: Person, scopes: AbstractSet[Scope], grant_id: int
) -> GrantView:
    """Revoke the grant (the person is told through the outbox) and return what was revoked."""
    grant = await revoke_grant(session, grant_id, actor, scopes)
    person = await get_or_raise(session, Person, grant.person_id)
    return _view(grant, person, await _town(session, grant.town_id))
