"""What the roles domain tells people on its own, through the outbox (msgid + params)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.authz import Role, RoleGrant
from models.core.outbox import OutboxKind, message_payload, notify
from models.core.people import Person

# The roles with their own "taken back" text; the others get the administrator's.
REVOKED = {
    Role.VOLUNTEER.value: "roles.revoked.volunteer",
    Role.MEDIATOR.value: "roles.revoked.mediator",
    Role.MEDIATION_HEAD.value: "roles.revoked.mediation_head",
    Role.COMMITTEE.value: "roles.revoked.committee",
    Role.SECRETARY.value: "roles.revoked.secretary",
}


async def tell_revoked(session: AsyncSession, grant: RoleGrant) -> None:
    """Let the person know their role was taken back, once, in their own language."""
    msgid = REVOKED.get(grant.role, "roles.revoked.admin")
    person = await session.get(Person, grant.person_id)
    key = f"role-revoked:{grant.id}"
    await notify(session, person, OutboxKind.STATUS, message_payload(msgid), dedupe_key=key)
