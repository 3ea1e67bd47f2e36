"""SLAs and escalation, configurable per town (``TownPolicy``), with their state in the case row.

An unaccepted case is re-alerted after ``realert_minutes`` (level 1), escalated to the lead
town's head of mediation after ``head_minutes`` (level 2) and to both towns' admins after
``admins_minutes`` (level 3), counted from when it was opened. Each level is raised by one
conditional UPDATE from the level below, and its messages carry dedupe keys naming the level,
so a level fires exactly once however often (and in however many processes) the job runs, and
a restart loses nothing. An accepted case with no update for ``nudge_days`` nudges its
mediator, once per quiet spell. The reporter's 催办 (chase), once per ``chase_hours``, raises
an unaccepted case one level at once, or tells an accepted case's mediator and head.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Role, Scope
from models.core.base import N_, row_id, utcnow
from models.core.people import Person
from models.disputes.access import CaseAction, Viewer, authorised_case
from models.disputes.errors import ChaseTooSoon, IllegalTransition
from models.disputes.notices import (
    alert,
    escalate_to_admins,
    escalate_to_head,
    nudge,
    tell_handling,
)
from models.disputes.routing import policy_of, staff_of
from models.disputes.tables import OPEN, CaseStatus, DisputeCase, TownPolicy

TOP_LEVEL = 3
_STAMPS = {1: "realerted_at", 2: "head_alerted_at", 3: "admins_alerted_at"}


def level_due(policy: TownPolicy, level: int) -> timedelta:
    """How long after opening an unaccepted case reaches ``level``."""
    minutes = {1: policy.realert_minutes, 2: policy.head_minutes, 3: policy.admins_minutes}
    return timedelta(minutes=minutes[level])


async def raise_level(session: AsyncSession, case: DisputeCase, now: datetime) -> int | None:
    """Raise an unaccepted case one level (exactly once: from the level below) and send that
    level's messages; the new level, or None when someone else raised it or it is taken."""
    target = case.escalation_level + 1
    if target > TOP_LEVEL:
        return None
    result = await session.execute(
        update(DisputeCase)
        .where(
            col(DisputeCase.id) == row_id(case),
            col(DisputeCase.status) == CaseStatus.NEW.value,
            col(DisputeCase.escalation_level) == target - 1,
        )
        .values(escalation_level=target, **{_STAMPS[target]: now})
    )
    await session.refresh(case)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    if target == 1:
        await alert(session, case, 1)
    elif target == 2:
        await escalate_to_head(session, case)
    else:
        await escalate_to_admins(session, case)
    await record_audit(session, None, "dispute.escalate", "dispute_case", case.id, level=target)
    return target


async def escalate_due(session: AsyncSession, now: datetime | None = None) -> dict[str, int]:
    """One pass of the SLA job: raise every level that is due, nudge quiet cases."""
    now = now or utcnow()
    policies: dict[int, TownPolicy] = {}
    raised = nudged = 0
    waiting = await session.execute(
        select(DisputeCase).where(
            col(DisputeCase.status) == CaseStatus.NEW.value,
            col(DisputeCase.escalation_level) < TOP_LEVEL,
            col(DisputeCase.routed_at).is_not(None),
        )
    )
    for case in waiting.scalars().all():
        policy = policies.get(case.lead_town_id) or await policy_of(session, case.lead_town_id)
        policies[case.lead_town_id] = policy
        opened = case.routed_at or now
        while case.escalation_level < TOP_LEVEL:
            if now < opened + level_due(policy, case.escalation_level + 1):
                break
            if await raise_level(session, case, now) is None:
                break
            raised += 1
    for case in await _quiet_cases(session, now, policies):
        nudged += await _nudge_once(session, case, now)
    return {"raised": raised, "nudged": nudged}


async def _quiet_cases(
    session: AsyncSession, now: datetime, policies: dict[int, TownPolicy]
) -> list[DisputeCase]:
    handled = await session.execute(
        select(DisputeCase).where(
            col(DisputeCase.status).in_([CaseStatus.ACCEPTED.value, CaseStatus.IN_MEDIATION.value]),
            col(DisputeCase.assignee_id).is_not(None),
            or_(
                col(DisputeCase.nudged_at).is_(None),
                col(DisputeCase.nudged_at) < col(DisputeCase.last_update_at),
            ),
        )
    )
    quiet = []
    for case in handled.scalars().all():
        policy = policies.get(case.lead_town_id) or await policy_of(session, case.lead_town_id)
        policies[case.lead_town_id] = policy
        if case.last_update_at <= now - timedelta(days=policy.nudge_days):
            quiet.append(case)
    return quiet


async def _nudge_once(session: AsyncSession, case: DisputeCase, now: datetime) -> int:
    last = case.last_update_at
    result = await session.execute(
        update(DisputeCase)
        .where(
            col(DisputeCase.id) == row_id(case),
            col(DisputeCase.last_update_at) == last,
            or_(col(DisputeCase.nudged_at).is_(None), col(DisputeCase.nudged_at) < last),
        )
        .values(nudged_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return 0
    await nudge(session, case, f"{last.timestamp():.0f}")
    return 1


@dataclass(frozen=True)
class Chased:
    """What the 催办 did: ``level`` reached by an unaccepted case, or None (mediator told)."""

    number: str
    level: int | None
    next_chase_at: datetime


async def chase(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    now: datetime | None = None,
) -> Chased:
    """The reporter's 催办: once a period, escalate one level and say so."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.CHASE)
    if CaseStatus(case.status) not in OPEN:
        raise IllegalTransition(status=case.status)
    period = timedelta(hours=(await policy_of(session, case.lead_town_id)).chase_hours)
    result = await session.execute(
        update(DisputeCase)
        .where(
            col(DisputeCase.id) == case_id,
            or_(
                col(DisputeCase.chase_used_at).is_(None),
                col(DisputeCase.chase_used_at) <= now - period,
            ),
        )
        .values(chase_used_at=now)
    )
    await session.refresh(case)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        left = (case.chase_used_at or now) + period - now
        raise ChaseTooSoon(hours=max(1, math.ceil(left.total_seconds() / 3600)))
    level = None
    if case.status == CaseStatus.NEW.value:
        level = await raise_level(session, case, now) or case.escalation_level
    else:
        await tell_handling(session, case, N_("disputes.chased"), f"chase{now.timestamp():.0f}")
        for head in await staff_of(session, case.lead_town_id, Role.MEDIATION_HEAD):
            if head.id != case.assignee_id:
                await tell_handling(
                    session, case, N_("disputes.chased.head"),
                    f"chase{now.timestamp():.0f}", only=row_id(head),
                )  # fmt: skip
    await record_audit(session, viewer.person_id, "dispute.chase", "dispute_case", case_id)
    return Chased(case.number, level, now + period)
