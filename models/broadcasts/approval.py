"""The two-person rule: an admin of the broadcast's town, not its author, approves or rejects.

The decision is a conditional update (only a broadcast still waiting changes), so two admins
tapping at once, or one tapping twice, decide once. The author is told; the decision is audited.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.broadcasts.notices import tell_decision
from models.broadcasts.rules import AlreadyDecided, OwnBroadcast, may_decide
from models.broadcasts.tables import Broadcast, BroadcastStatus
from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import get_or_raise, utcnow
from models.core.errors import NotAllowed
from models.core.people import Person


async def _decide(
    session: AsyncSession,
    person: Person,
    scopes: AbstractSet[Scope],
    broadcast_id: int,
    *,
    approved: bool,
) -> Broadcast:
    broadcast = await get_or_raise(session, Broadcast, broadcast_id)
    if not may_decide(scopes, broadcast.town_id):
        raise NotAllowed()
    if broadcast.author_id == person.id:
        raise OwnBroadcast()
    new = BroadcastStatus.SCHEDULED if approved else BroadcastStatus.REJECTED
    done = await session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.id) == broadcast_id,
            col(Broadcast.status) == BroadcastStatus.PENDING_APPROVAL.value,
        )
        .values(status=new.value, approved_by=person.id, decided_at=utcnow())
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided()
    await session.refresh(broadcast)
    action = "broadcast.approve" if approved else "broadcast.reject"
    await record_audit(session, person.id, action, "broadcast", broadcast_id)
    await tell_decision(session, broadcast, approved=approved)
    return broadcast


async def approve(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> Broadcast:
    """An admin of the town (not the author) approves; the author is told. Audited."""
    return await _decide(session, person, scopes, broadcast_id, approved=True)


async def reject(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> Broadcast:
    """An admin of the town (not the author) rejects; the author is told. Audited."""
    return await _decide(session, person, scopes, broadcast_id, approved=False)
