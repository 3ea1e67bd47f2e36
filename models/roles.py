"""Roles, invites and the one place that decides who may do what."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, select

from models.audit import record_audit
from models.base import UTCDateTime, utcnow
from models.errors import (
    InviteExpired,
    InviteInvalid,
    InviteOutOfScope,
    InviteUsed,
    NotAllowed,
    NotFound,
)
from models.people import Person

INVITE_TTL = timedelta(days=3)


class Role(StrEnum):
    """Roles a person can hold; every onboarded person is a resident."""

    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    MEDIATOR = "mediator"
    ADMIN = "admin"


class Action(StrEnum):
    """Privileged actions guarded by role checks (commands and callbacks map onto these)."""

    INVITE_CREATE = "invite.create"
    ROLES_MANAGE = "roles.manage"
    BROADCAST = "broadcast"
    CASE_HANDLE = "case.handle"
    CHECK_IN = "check_in"
    VENUE_MANAGE = "venue.manage"
    STATS_VIEW = "stats.view"


# The permission table: the single source of truth for authorisation.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.INVITE_CREATE: frozenset({Role.ADMIN}),
    Action.ROLES_MANAGE: frozenset({Role.ADMIN}),
    Action.BROADCAST: frozenset({Role.VOLUNTEER, Role.ADMIN}),
    Action.CASE_HANDLE: frozenset({Role.MEDIATOR, Role.ADMIN}),
    Action.CHECK_IN: frozenset({Role.VOLUNTEER, Role.ADMIN}),
    Action.VENUE_MANAGE: frozenset({Role.ADMIN}),
    Action.STATS_VIEW: frozenset({Role.ADMIN}),
}


class RoleGrant(SQLModel, table=True):
    """A role held by a person, optionally scoped to one town; revoked grants are kept."""

    __tablename__ = "role_grant"
    __table_args__ = (
        Index(
            "uq_role_grant_active",
            "person_id",
            "role",
            text("coalesce(town_id, 0)"),
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")], index=True)
    role: str = Field(max_length=16)
    town_id: int | None = Field(default=None, foreign_key="town.id")
    granted_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Invite(SQLModel, table=True):
    """A one-use, expiring deep link (``?start=inv_<code>``) granting a role in a town."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    role: str = Field(max_length=16)
    town_id: int | None = Field(default=None, foreign_key="town.id")
    created_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )


@dataclass(frozen=True)
class Scope:
    """One role a person holds; ``town_id`` None means both towns."""

    role: Role
    town_id: int | None = None


async def scopes_of(session: AsyncSession, person: Person, admin_ids: Iterable[int]) -> set[Scope]:
    """Every role the person holds now: resident, their grants, and settings' admins."""
    scopes = {Scope(Role.RESIDENT, person.town_id)}
    if person.tg_user_id is not None and person.tg_user_id in set(admin_ids):
        scopes.add(Scope(Role.ADMIN, None))
    query = select(RoleGrant).where(
        RoleGrant.person_id == person.id,
        RoleGrant.revoked_at.is_(None),  # type: ignore[union-attr]
    )
    for grant in (await session.execute(query)).scalars():
        scopes.add(Scope(Role(grant.role), grant.town_id))
    return scopes


def can(scopes: Iterable[Scope], action: Action, town_id: int | None = None) -> bool:
    """Whether any scope allows ``action``, in ``town_id`` when the action is town-bound."""
    allowed = PERMISSIONS[action]
    return any(
        s.role in allowed and (s.town_id is None or town_id is None or s.town_id == town_id)
        for s in scopes
    )


def admin_town(scopes: Iterable[Scope]) -> int | None:
    """The town an admin is limited to, or None for an admin of both towns."""
    towns = {s.town_id for s in scopes if s.role is Role.ADMIN}
    return None if None in towns or not towns else min(t for t in towns if t is not None)


def require(scopes: Iterable[Scope], action: Action, town_id: int | None = None) -> None:
    """Raise NotAllowed unless the scopes allow ``action``."""
    if not can(scopes, action, town_id):
        raise NotAllowed()


async def create_invite(
    session: AsyncSession,
    issuer: Person,
    issuer_scopes: set[Scope],
    role: Role,
    town_id: int | None,
    ttl: timedelta = INVITE_TTL,
) -> Invite:
    """Create an invite; a town admin may only invite volunteers and mediators of their town."""
    if role is Role.RESIDENT:
        raise ValueError("residents need no invite")
    require(issuer_scopes, Action.INVITE_CREATE, town_id)
    limited_to = admin_town(issuer_scopes)
    if town_id is None or (limited_to is not None and (role is Role.ADMIN or town_id != limited_to)):
        raise NotAllowed()
    invite = Invite(
        code=secrets.token_urlsafe(12),
        role=role.value,
        town_id=town_id,
        created_by=issuer.id,
        expires_at=utcnow() + ttl,
    )
    session.add(invite)
    await session.flush()
    await record_audit(
        session, issuer.id, "invite.create", "invite", invite.id, role=role.value, town_id=town_id
    )
    return invite


async def redeem_invite(session: AsyncSession, code: str, person: Person) -> RoleGrant:
    """Use an invite once: the person's town must match; expiry and reuse are refused."""
    invite = (await session.execute(select(Invite).where(Invite.code == code))).scalar_one_or_none()
    if invite is None:
        raise InviteInvalid()
    now = utcnow()
    if invite.used_at is not None:
        raise InviteUsed()
    if invite.expires_at <= now:
        raise InviteExpired()
    if invite.town_id is not None and invite.town_id != person.town_id:
        raise InviteOutOfScope()
    # The conditional update is the single-use guarantee: only one redeemer can win the row.
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(used_at=now, used_by=person.id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InviteUsed()
    grant = await _grant(session, person.id, Role(invite.role), invite.town_id, invite.created_by)
    await record_audit(
        session, person.id, "invite.redeem", "invite", invite.id, role=invite.role, grant=grant.id
    )
    return grant


async def _grant(
    session: AsyncSession, person_id: int | None, role: Role, town_id: int | None, by: int | None
) -> RoleGrant:
    existing = (
        await session.execute(
            select(RoleGrant).where(
                RoleGrant.person_id == person_id,
                RoleGrant.role == role.value,
                RoleGrant.town_id == town_id if town_id is not None else RoleGrant.town_id.is_(None),  # type: ignore[union-attr]
                RoleGrant.revoked_at.is_(None),  # type: ignore[union-attr]
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    assert person_id is not None
    grant = RoleGrant(person_id=person_id, role=role.value, town_id=town_id, granted_by=by)
    session.add(grant)
    await session.flush()
    return grant


async def list_grants(session: AsyncSession, scopes: set[Scope]) -> list[tuple[RoleGrant, Person]]:
    """Active grants the caller may manage (a town admin sees their town's only)."""
    require(scopes, Action.ROLES_MANAGE)
    query = (
        select(RoleGrant, Person)
        .join(Person, Person.id == RoleGrant.person_id)  # type: ignore[arg-type]
        .where(RoleGrant.revoked_at.is_(None))  # type: ignore[union-attr]
        .order_by(RoleGrant.id)
    )
    limited_to = admin_town(scopes)
    if limited_to is not None:
        query = query.where(RoleGrant.town_id == limited_to)
    return [(g, p) for g, p in (await session.execute(query)).tuples()]


async def revoke_grant(
    session: AsyncSession, grant_id: int, actor: Person, scopes: set[Scope]
) -> RoleGrant:
    """Revoke an active grant the caller may manage; forged ids are NotFound."""
    grant = await session.get(RoleGrant, grant_id)
    if grant is None or grant.revoked_at is not None:
        raise NotFound()
    limited_to = admin_town(scopes)
    if not can(scopes, Action.ROLES_MANAGE, grant.town_id) or (
        limited_to is not None and grant.town_id != limited_to
    ):
        raise NotAllowed()
    grant.revoked_at = utcnow()
    await session.flush()
    await record_audit(
        session, actor.id, "role.revoke", "role_grant", grant.id, role=grant.role, town_id=grant.town_id
    )
    return grant
