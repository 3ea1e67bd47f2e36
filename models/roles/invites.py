"""Invites: one-use, expiring deep links that grant a role in a town.

An admin picks a role, then a town (a town admin's own town is picked for them), and gets a
code for the link ``/start inv_<code>``; the first resident of that town to open it, before it
expires, gets the role. The screens' use cases are ``invite_towns``, ``create_invite_link`` and
``redeem``; ``create_invite`` and ``redeem_invite`` are the rules underneath.
"""

from __future__ import annotations

import secrets
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import ForeignKey, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from models.core.audit import record_audit
from models.core.authz import (
    Role,
    RoleGrant,
    Scope,
    admin_towns,
    grant_role,
    invitable_roles,
    may_grant,
)
from models.core.base import UTCDateTime, utcnow
from models.core.catalogue import list_towns
from models.core.errors import (
    InviteExpired,
    InviteInvalid,
    InviteOutOfScope,
    InviteUsed,
    NotAllowed,
    NotFound,
    NotRegistered,
)
from models.core.people import Person
from models.core.places import Town

INVITE_TTL = timedelta(days=3)


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


async def create_invite(
    session: AsyncSession,
    issuer: Person,
    issuer_scopes: AbstractSet[Scope],
    role: Role,
    town_id: int | None,
    ttl: timedelta = INVITE_TTL,
) -> Invite:
    """Create a one-use invite to ``role`` in ``town_id``; NotAllowed outside the issuer's scope."""
    if not may_grant(issuer_scopes, role, town_id):
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
    """Use an invite once: it must be unused, unexpired and for the person's own town.

    The single-use guarantee is one conditional UPDATE (no read before it), so among any number
    of concurrent redeemers exactly one matches the row; the others find it used. On SQLite the
    UPDATE starts the write transaction directly, so waiting writers queue on the busy timeout
    instead of failing on a stale read snapshot. Only when nothing matched do we read the row to
    say why.
    """
    if person.id is None or person.onboarded_at is None or person.town_id is None:
        raise NotRegistered()
    now = utcnow()
    claim = (
        update(Invite)
        .where(
            col(Invite.code) == code,
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
            col(Invite.town_id) == person.town_id,
            col(Invite.role) != Role.RESIDENT.value,
        )
        .values(used_at=now, used_by=person.id)
        .returning(col(Invite.id), col(Invite.role), col(Invite.town_id), col(Invite.created_by))
    )
    row = (await session.execute(claim)).first()
    if row is None:
        await _explain_refusal(session, code, now)
    invite_id, role, town_id, created_by = row
    grant = await grant_role(session, person.id, Role(role), town_id, created_by, audit=False)
    await record_audit(
        session,
        person.id,
        "invite.redeem",
        "invite",
        invite_id,
        role=role,
        town_id=town_id,
        grant=grant.id,
    )
    return grant


async def _explain_refusal(session: AsyncSession, code: str, now: datetime) -> NoReturn:
    invite = (await session.execute(select(Invite).where(Invite.code == code))).scalar_one_or_none()
    if invite is None or invite.role == Role.RESIDENT.value:
        raise InviteInvalid()
    if invite.used_at is not None:
        raise InviteUsed()
    if invite.expires_at <= now:
        raise InviteExpired()
    raise InviteOutOfScope()


# -- the screens' use cases -----------------------------------------------------------------


@dataclass(frozen=True)
class CreatedInvite:
    """A new invite: its code (for the link), what it grants, and until when."""

    code: str
    role: Role
    town: Town
    expires_at: datetime


@dataclass(frozen=True)
class InviteTowns:
    """The towns an admin may invite ``role`` to, or the invite already made for their one town."""

    role: Role
    towns: tuple[Town, ...]
    created: CreatedInvite | None = None


@dataclass(frozen=True)
class RedeemedInvite:
    """The role an invite gave, and in which town."""

    role: Role
    town: Town | None


def _invited_role(value: str) -> Role:
    """The role an invite may grant (``value`` as the tapped button carries it)."""
    try:
        role = Role(value)
    except ValueError:
        raise NotAllowed() from None
    if role is Role.RESIDENT:
        raise NotAllowed()
    return role


async def _create(
    session: AsyncSession, issuer: Person, scopes: AbstractSet[Scope], role: Role, town: Town
) -> CreatedInvite:
    invite = await create_invite(session, issuer, scopes, role, town.id)
    return CreatedInvite(invite.code, role, town, invite.expires_at)


async def invite_towns(
    session: AsyncSession, *, issuer: Person, scopes: AbstractSet[Scope], role: str
) -> InviteTowns:
    """The towns ``role`` may be invited to; a town admin's only town is chosen (invite made)."""
    chosen = _invited_role(role)
    if chosen not in invitable_roles(scopes):
        raise NotAllowed()
    towns = tuple(t for t in await list_towns(session) if may_grant(scopes, chosen, t.id))
    if admin_towns(scopes) is not None and len(towns) == 1:
        return InviteTowns(chosen, towns, await _create(session, issuer, scopes, chosen, towns[0]))
    return InviteTowns(chosen, towns)


async def create_invite_link(
    session: AsyncSession,
    *,
    issuer: Person,
    scopes: AbstractSet[Scope],
    role: str,
    town_code: str,
) -> CreatedInvite:
    """Make a one-use invite to ``role`` in the town with ``town_code``; audited."""
    chosen = _invited_role(role)
    town = next((t for t in await list_towns(session) if t.code == town_code), None)
    if town is None:
        raise NotFound()
    return await _create(session, issuer, scopes, chosen, town)


async def redeem(session: AsyncSession, *, person: Person, code: str) -> RedeemedInvite:
    """Use the invite with ``code`` for ``person``: the role it grants, and where."""
    grant = await redeem_invite(session, code, person)
    town = await session.get(Town, grant.town_id) if grant.town_id is not None else None
    return RedeemedInvite(Role(grant.role), town)
