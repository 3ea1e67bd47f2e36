"""Roles, role grants and the one place that decides who may do what.

Every domain asks here (``can``, ``require``, ``scopes_of``); managing the grants themselves
(listing, revoking, telling the person) is the roles domain's: ``models.roles``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, select

from models.core.audit import record_audit
from models.core.base import UTCDateTime, utcnow
from models.core.errors import NotAllowed
from models.core.people import Person


class Role(StrEnum):
    """Roles a person can hold; every onboarded person is a resident."""

    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    MEDIATOR = "mediator"
    MEDIATION_HEAD = "mediation_head"  # a town's head of mediation: unaccepted cases escalate
    ADMIN = "admin"
    # A volunteer an admin has allowed to create and manage joint events in their town.
    ORGANISER = "organiser"
    # A member of the joint meeting (联席会议) of the two towns' party committees: reminders,
    # the agenda draft, action items owned. The secretary also records the meeting's decisions.
    COMMITTEE = "committee"
    SECRETARY = "secretary"


class Action(StrEnum):
    """Privileged actions guarded by role checks (commands and callbacks map onto these)."""

    INVITE_CREATE = "invite.create"
    ROLES_MANAGE = "roles.manage"
    BROADCAST = "broadcast"
    CASE_HANDLE = "case.handle"
    CHECK_IN = "check_in"
    VENUE_MANAGE = "venue.manage"
    EVENT_MANAGE = "event.manage"
    STATS_VIEW = "stats.view"
    ROSTER_MANAGE = "roster.manage"
    SUGGESTION_HANDLE = "suggestion.handle"
    MEETING_VIEW = "meeting.view"
    MEETING_MANAGE = "meeting.manage"


# The permission table: the single source of truth for authorisation.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.INVITE_CREATE: frozenset({Role.ADMIN}),
    Action.ROLES_MANAGE: frozenset({Role.ADMIN}),
    Action.BROADCAST: frozenset({Role.VOLUNTEER, Role.ADMIN}),
    Action.CASE_HANDLE: frozenset({Role.MEDIATOR, Role.MEDIATION_HEAD, Role.ADMIN}),
    Action.CHECK_IN: frozenset({Role.VOLUNTEER, Role.ADMIN}),
    Action.VENUE_MANAGE: frozenset({Role.ADMIN}),
    Action.EVENT_MANAGE: frozenset({Role.ORGANISER, Role.ADMIN}),
    Action.STATS_VIEW: frozenset({Role.ADMIN}),
    Action.ROSTER_MANAGE: frozenset({Role.ADMIN}),
    Action.SUGGESTION_HANDLE: frozenset({Role.ADMIN}),
    Action.MEETING_VIEW: frozenset({Role.COMMITTEE, Role.SECRETARY, Role.ADMIN}),
    Action.MEETING_MANAGE: frozenset({Role.SECRETARY, Role.ADMIN}),
}

# The joint meeting's roles, granted per town through /invite like the others.
MEETING_ROLES = (Role.COMMITTEE, Role.SECRETARY)

# Actions that are about no town in particular: for these (and only these) a town-limited
# grant may act where no town is named. Every other action names the town it acts in, and
# "no town" then means "both towns", which only a grant without a town covers. None yet.
GLOBAL_ACTIONS: frozenset[Action] = frozenset()


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


def can(scopes: Iterable[Scope], action: Action, town_id: int | None) -> bool:
    """Whether any scope allows ``action`` in ``town_id`` (None: both towns, unless global)."""
    allowed = PERMISSIONS[action]
    anywhere = town_id is None and action in GLOBAL_ACTIONS
    return any(
        s.role in allowed and (s.town_id is None or s.town_id == town_id or anywhere)
        for s in scopes
    )


def holds(scopes: Iterable[Scope], action: Action) -> bool:
    """Whether the scopes allow ``action`` in at least one town (the gate before any town)."""
    allowed = PERMISSIONS[action]
    return any(s.role in allowed for s in scopes)


def towns_allowed(scopes: Iterable[Scope], action: Action, towns: Iterable[int]) -> frozenset[int]:
    """The towns of ``towns`` in which the scopes allow ``action``."""
    scopes = list(scopes)
    return frozenset(t for t in towns if can(scopes, action, t))


def admin_towns(scopes: Iterable[Scope]) -> frozenset[int] | None:
    """Towns an admin manages: None for an admin of both towns, else their towns (maybe none)."""
    towns = {s.town_id for s in scopes if s.role is Role.ADMIN}
    if None in towns:
        return None
    return frozenset(t for t in towns if t is not None)


def require(scopes: Iterable[Scope], action: Action, town_id: int | None) -> None:
    """Raise NotAllowed unless the scopes allow ``action`` in ``town_id``."""
    if not can(scopes, action, town_id):
        raise NotAllowed()


def may_grant(scopes: Iterable[Scope], role: Role, town_id: int | None) -> bool:
    """Whether these scopes may hand out (or take back) ``role`` in ``town_id``.

    Global admins: volunteers, mediators and town admins of either town. Town admins:
    volunteers and mediators of their own town. Nobody grants global roles or residency.
    """
    scopes = list(scopes)
    if role is Role.RESIDENT or town_id is None or not can(scopes, Action.INVITE_CREATE, town_id):
        return False
    towns = admin_towns(scopes)
    if towns is None:
        return True
    return role is not Role.ADMIN and town_id in towns


def invitable_roles(scopes: Iterable[Scope]) -> list[Role]:
    """The roles these scopes may invite someone to, in display order."""
    scopes = list(scopes)
    towns = admin_towns(scopes)
    if not holds(scopes, Action.INVITE_CREATE):
        return []
    if towns is None:
        return [Role.VOLUNTEER, Role.MEDIATOR, Role.ADMIN, Role.ORGANISER, *MEETING_ROLES]
    return [Role.VOLUNTEER, Role.MEDIATOR, Role.ORGANISER, *MEETING_ROLES] if towns else []


async def grant_role(
    session: AsyncSession,
    person_id: int,
    role: Role,
    town_id: int | None,
    granted_by: int | None = None,
    *,
    audit: bool = True,
) -> RoleGrant:
    """Give ``person_id`` an active grant (the existing one when they already hold it)."""
    existing = (
        await session.execute(
            select(RoleGrant).where(
                RoleGrant.person_id == person_id,
                RoleGrant.role == role.value,
                RoleGrant.town_id == town_id
                if town_id is not None
                else RoleGrant.town_id.is_(None),  # type: ignore[union-attr]
                RoleGrant.revoked_at.is_(None),  # type: ignore[union-attr]
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    grant = RoleGrant(person_id=person_id, role=role.value, town_id=town_id, granted_by=granted_by)
    session.add(grant)
    await session.flush()
    if audit:
        await record_audit(
            session,
            granted_by,
            "role.grant",
            "role_grant",
            grant.id,
            role=role.value,
            town_id=town_id,
            person=person_id,
        )
    return grant
