"""PIPL-minded privacy operations: export everything about a person, and erase it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from models.audit import AuditLog
from models.people import NotificationOptOut, Person
from models.places import Community, Town
from models.roles import Invite, RoleGrant
from models.runtime import PtbState


async def export_person(session: AsyncSession, person: Person) -> dict[str, Any]:
    """Everything stored about this person, as plain JSON-ready data."""
    town = await session.get(Town, person.town_id) if person.town_id else None
    community = await session.get(Community, person.community_id) if person.community_id else None
    grants = (
        await session.execute(select(RoleGrant).where(RoleGrant.person_id == person.id))
    ).scalars()
    opt_outs = (
        await session.execute(
            select(NotificationOptOut.topic).where(NotificationOptOut.person_id == person.id)
        )
    ).scalars()
    audit = (
        await session.execute(
            select(AuditLog).where(
                or_(
                    AuditLog.actor_id == person.id,  # type: ignore[arg-type]
                    (AuditLog.subject_type == "person") & (AuditLog.subject_id == person.id),  # type: ignore[arg-type]
                )
            )
        )
    ).scalars()
    ui_state = (
        await session.execute(select(PtbState).where(PtbState.key == str(person.tg_user_id)))
    ).scalars()
    return {
        "person": person.model_dump(mode="json"),
        "town": town.model_dump(mode="json") if town else None,
        "community": community.model_dump(mode="json") if community else None,
        "roles": [g.model_dump(mode="json") for g in grants],
        "muted_topics": sorted(opt_outs),
        "audit": [a.model_dump(mode="json") for a in audit],
        "conversation_state": {s.kind: s.data for s in ui_state},
    }


async def erase_person(session: AsyncSession, person: Person) -> None:
    """Delete the person and everything tied to them; audit rows stay, anonymised."""
    pid, tg = person.id, person.tg_user_id
    await session.execute(
        update(AuditLog).where(AuditLog.actor_id == pid).values(actor_id=None)  # type: ignore[arg-type]
    )
    await session.execute(
        update(AuditLog)
        .where(AuditLog.subject_type == "person", AuditLog.subject_id == pid)  # type: ignore[arg-type]
        .values(subject_id=None)
    )
    await session.execute(
        update(Invite).where(Invite.used_by == pid).values(used_by=None)  # type: ignore[arg-type]
    )
    await session.execute(
        update(Invite).where(Invite.created_by == pid).values(created_by=None)  # type: ignore[arg-type]
    )
    await session.execute(
        update(RoleGrant).where(RoleGrant.granted_by == pid).values(granted_by=None)  # type: ignore[arg-type]
    )
    await session.execute(delete(RoleGrant).where(RoleGrant.person_id == pid))  # type: ignore[arg-type]
    await session.execute(
        delete(NotificationOptOut).where(NotificationOptOut.person_id == pid)  # type: ignore[arg-type]
    )
    if tg is not None:
        await session.execute(delete(PtbState).where(PtbState.key == str(tg)))  # type: ignore[arg-type]
        await session.execute(
            delete(PtbState).where(PtbState.key.like(f"%[{tg}, {tg}]%"))  # type: ignore[attr-defined]
        )
    await session.execute(delete(Person).where(Person.id == pid))  # type: ignore[arg-type]
    await session.flush()
