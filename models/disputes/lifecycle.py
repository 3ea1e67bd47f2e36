"""A case's life: new → accepted → in mediation → resolved, referred (court, police, 12345) or
withdrawn by the reporter; a resolved case reopens when the follow-up says "not solved".

Every move is one conditional UPDATE naming the statuses it may come from, so an illegal move
(or a move raced by someone else's) changes nothing and raises ``IllegalTransition``. Every
move is audited and the reporter told in plain words, with the mediator's public note.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.audit import record_audit
from models.core.base import row_id, utcnow
from models.disputes.errors import CaseNotFound, IllegalTransition
from models.disputes.tables import CaseStatus, DisputeCase

S = CaseStatus
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.AWAITING_RESIDENT: frozenset({S.NEW, S.WITHDRAWN}),
    S.NEW: frozenset({S.ACCEPTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.IN_MEDIATION, S.RESOLVED, S.REFERRED, S.WITHDRAWN}),
    S.IN_MEDIATION: frozenset({S.RESOLVED, S.REFERRED, S.WITHDRAWN}),
    S.RESOLVED: frozenset({S.IN_MEDIATION}),  # reopened by the follow-up
    S.REFERRED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
CLOSING = frozenset({S.RESOLVED, S.REFERRED, S.WITHDRAWN})


def sources_of(target: CaseStatus) -> frozenset[CaseStatus]:
    """The statuses a case may move to ``target`` from."""
    return frozenset(s for s, targets in TRANSITIONS.items() if target in targets)


async def move(
    session: AsyncSession,
    case: DisputeCase,
    target: CaseStatus,
    *,
    actor_id: int | None,
    now: datetime | None = None,
    values: Mapping[str, object] | None = None,
) -> CaseStatus:
    """Move ``case`` to ``target`` if it still is where that is allowed from; returns where it
    was. ``values`` are further columns set in the same statement."""
    now = now or utcnow()
    values = dict(values or {})
    allowed = sources_of(target)
    cid = row_id(case)
    changes: dict[str, object] = {"status": target.value, "last_update_at": now, **values}
    if target in CLOSING:
        changes["closed_at"] = now
    elif "closed_at" not in values:
        changes["closed_at"] = None
    before = case.status
    result = await session.execute(
        update(DisputeCase)
        .where(col(DisputeCase.id) == cid, col(DisputeCase.status).in_([s.value for s in allowed]))
        .values(**changes)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        fresh = await session.get(DisputeCase, cid, populate_existing=True)
        if fresh is None:
            raise CaseNotFound()
        raise IllegalTransition(status=fresh.status)
    await session.refresh(case)
    await record_audit(
        session, actor_id, "dispute.status", "dispute_case", cid, old=before, new=target.value
    )
    return CaseStatus(before)


async def touch(session: AsyncSession, case: DisputeCase, now: datetime) -> None:
    """Note that the case had an update now (the nudge counts quiet days from here)."""
    case.last_update_at = now
    await session.flush()
