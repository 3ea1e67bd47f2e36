"""The two-person rule: for each town a broadcast waits on, an admin of that town (not its
author) approves or rejects.

An admin decides for every waiting town they administer (a global admin: all of them). The
broadcast is sent once no town waits any more, and never once one town rejects it. The broadcast
row is taken first by a conditional update (only a broadcast still waiting changes), so two
admins tapping at once, or one tapping twice, are decided one after the other. The author is
told the outcome; every decision is audited.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.broadcasts.notices import tell_decision
from models.broadcasts.reach import town_approvals
from models.broadcasts.rules import AlreadyDecided, OwnBroadcast, may_decide
from models.broadcasts.tables import Broadcast, BroadcastStatus, BroadcastTown, TownApproval
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
    approvals = await town_approvals(session, broadcast_id)
    mine = [
        town
        for town, approval in approvals.items()
        if approval is not TownApproval.NOT_NEEDED and may_decide(scopes, town)
    ]
    if not mine:
        raise NotAllowed()
    if broadcast.author_id == person.id:
        raise OwnBroadcast()
    waiting = BroadcastStatus.PENDING_APPROVAL.value
    taken = await session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == waiting)
        .values(status=waiting)
    )
    now = utcnow()
    decided = await session.execute(
        update(BroadcastTown)
        .where(
            col(BroadcastTown.broadcast_id) == broadcast_id,
            col(BroadcastTown.town_id).in_(mine),
            col(BroadcastTown.approval) == TownApproval.WAITING.value,
        )
        .values(
            approval=(TownApproval.APPROVED if approved else TownApproval.REJECTED).value,
            decided_by=person.id,
            decided_at=now,
        )
    )
    if taken.rowcount != 1 or decided.rowcount == 0:  # type: ignore[attr-defined]
        raise AlreadyDecided()
    still_waiting = (
        approved and TownApproval.WAITING in (await town_approvals(session, broadcast_id)).values()
    )
    if not still_waiting:
        new = BroadcastStatus.SCHEDULED if approved else BroadcastStatus.REJECTED
        await session.execute(
            update(Broadcast)
            .where(col(Broadcast.id) == broadcast_id)
            .values(status=new.value, approved_by=person.id, decided_at=now)
        )
    await session.refresh(broadcast)
    action = "broadcast.approve" if approved else "broadcast.reject"
    await record_audit(session, person.id, action, "broadcast", broadcast_id, towns=sorted(mine))
    if not still_waiting:
        await tell_decision(session, broadcast, approved=approved)
    return broadcast


async def approve(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> Broadcast:
    """Approve for the waiting towns the admin runs; scheduled (author told) once none waits."""
    return await _decide(session, person, scopes, broadcast_id, approved=True)


async def reject(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> Broadcast:
    """Reject for the admin's waiting towns: it is never sent, and the author is told."""
    return await _decide(session, person, scopes, broadcast_id, approved=False)
