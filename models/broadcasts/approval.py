"""The two-person rule: for each town a broadcast waits on, an admin of that town (not its
author) approves or rejects.

An admin decides for every waiting town they administer (a global admin: all of them). The
broadcast is sent once no town waits any more, and never once one town rejects it. The broadcast
row is taken first by a conditional update (only a broadcast still waiting changes), so two
admins tapping at once, or one tapping twice, are decided one after the other. The author is
told the outcome; every decision is audited.

A rejection carries a reason for the author (typed, or a quick one read in the author's
language), asked after the admin's "2 ❌ 不同意" (``handlers.broadcasts.asked``). Buttons sent
before that reject without one.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.broadcasts.notices import tell_decision
from models.broadcasts.reach import town_approvals
from models.broadcasts.rules import AlreadyDecided, OwnBroadcast, may_decide
from models.broadcasts.tables import Broadcast, BroadcastStatus, BroadcastTown, TownApproval
from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import N_, get_or_raise, utcnow
from models.core.errors import DomainError, NotAllowed
from models.core.people import Person
from models.core.reasons import Wording, typed_reason

QUICK_REASONS = (
    N_("broadcast.reason.content"),
    N_("broadcast.reason.audience"),
    N_("broadcast.reason.other"),
)


class ReasonInvalid(DomainError):
    """A typed reason must be some text, at most ``REASON_MAX`` characters."""

    message_id = "broadcast.reason.invalid"
    plural = "max"


@dataclass(frozen=True)
class Rejectable:
    """A broadcast an admin may still reject: asked for the reason next."""

    id: int
    text: str


def _mine(scopes: AbstractSet[Scope], approvals: dict[int, TownApproval]) -> list[int]:
    """The towns of the broadcast that need a decision and that the admin decides for."""
    return [
        town
        for town, approval in approvals.items()
        if approval is not TownApproval.NOT_NEEDED and may_decide(scopes, town)
    ]


async def _said(session: AsyncSession, broadcast: Broadcast, reason: str | Wording) -> str:
    """The reason as the author reads it (a quick one in their language), checked."""
    if callable(reason):
        author = await session.get(Person, broadcast.author_id) if broadcast.author_id else None
        return reason(author.language if author is not None else None)
    return typed_reason(reason, ReasonInvalid)


async def _decide(
    session: AsyncSession,
    person: Person,
    scopes: AbstractSet[Scope],
    broadcast_id: int,
    *,
    approved: bool,
    reason: str | Wording | None = None,
) -> Broadcast:
    broadcast = await get_or_raise(session, Broadcast, broadcast_id)
    mine = _mine(scopes, await town_approvals(session, broadcast_id))
    if not mine:
        raise NotAllowed()
    if broadcast.author_id == person.id:
        raise OwnBroadcast()
    said = None if approved or reason is None else await _said(session, broadcast, reason)
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
            .values(status=new.value, approved_by=person.id, decided_at=now, decision_note=said)
        )
    await session.refresh(broadcast)
    action = "broadcast.approve" if approved else "broadcast.reject"
    await record_audit(session, person.id, action, "broadcast", broadcast_id, towns=sorted(mine))
    if not still_waiting:
        await tell_decision(session, broadcast, approved=approved, reason=said)
    return broadcast


async def approve(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> Broadcast:
    """Approve for the waiting towns the admin runs; scheduled (author told) once none waits."""
    return await _decide(session, person, scopes, broadcast_id, approved=True)


async def reject(
    session: AsyncSession,
    *,
    person: Person,
    scopes: AbstractSet[Scope],
    broadcast_id: int,
    reason: str | Wording | None = None,
) -> Broadcast:
    """Reject for the admin's waiting towns: it is never sent, and the author is told (why,
    when a ``reason`` is given: typed, or a quick one in the author's language)."""
    return await _decide(session, person, scopes, broadcast_id, approved=False, reason=reason)


async def to_reject(
    session: AsyncSession, *, person: Person, scopes: AbstractSet[Scope], broadcast_id: int
) -> Rejectable:
    """The waiting broadcast an admin is about to reject (asked why next), checked as a
    decision is: the admin's town, not the author's own, still waiting."""
    broadcast = await get_or_raise(session, Broadcast, broadcast_id)
    approvals = await town_approvals(session, broadcast_id)
    mine = _mine(scopes, approvals)
    if not mine:
        raise NotAllowed()
    if broadcast.author_id == person.id:
        raise OwnBroadcast()
    waiting = broadcast.status == BroadcastStatus.PENDING_APPROVAL.value
    if not waiting or all(approvals[town] is not TownApproval.WAITING for town in mine):
        raise AlreadyDecided()
    return Rejectable(broadcast_id, broadcast.text)


def quick_reason(index: int) -> str:
    """The message id of the quick reason at ``index``; NotAllowed for any other number."""
    if not 0 <= index < len(QUICK_REASONS):
        raise NotAllowed()
    return QUICK_REASONS[index]
