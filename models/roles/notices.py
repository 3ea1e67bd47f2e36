"""What the roles domain tells people on its own, through the outbox (msgid + params)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.authz import Role, RoleGrant
from models.core.outbox import OutboxKind, message_payload, notify
from models.core.people import Person


async def tell_revoked(session: AsyncSession, grant: RoleGrant) -> None:
    """Let the person know their role was taken back, once, in their own language."""
    msgid = (
        "roles.revoked.volunteer"
        if grant.role == Role.VOLUNTEER
        else "roles.revoked.mediator"
        if grant.role == Role.MEDIATOR
        else "roles.revoked.mediation_head"
        if grant.role == Role.MEDIATION_HEAD
        else "roles.revoked.admin"
    )
    person = await session.get(Person, grant.person_id)
    key = f"role-revoked:{grant.id}"
    await notify(session, person, OutboxKind.STATUS, message_payload(msgid), dedupe_key=key)
