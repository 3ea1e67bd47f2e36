"""The cases and reachability figures of /stats: dispute cases opened, resolved and joint in a
period with the median time to resolution, and the residents the bot cannot reach now."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.people import Person
from models.disputes import CaseStatus, DisputeCase


@dataclass(frozen=True)
class CaseFigures:
    """Cases opened, resolved and joint in the period, and the median hours to resolution."""

    opened: int
    resolved: int
    joint: int
    median_hours: float | None


async def case_figures(
    session: AsyncSession, *, start: datetime, end: datetime, town_id: int | None = None
) -> CaseFigures:
    """Cases of the town concerned (``DisputeCase.town_id``), or of both towns."""
    where_town = [col(DisputeCase.town_id) == town_id] if town_id is not None else []
    opened_in = and_(col(DisputeCase.created_at) >= start, col(DisputeCase.created_at) < end)
    opened = select(
        func.count(), func.coalesce(func.sum(case((col(DisputeCase.joint), 1), else_=0)), 0)
    ).where(opened_in, *where_town)
    total, joint = (await session.execute(opened)).one()
    resolved = select(col(DisputeCase.created_at), col(DisputeCase.closed_at)).where(
        col(DisputeCase.status) == CaseStatus.RESOLVED.value,
        col(DisputeCase.closed_at) >= start,
        col(DisputeCase.closed_at) < end,
        *where_town,
    )
    hours = [
        (closed - created).total_seconds() / 3600
        for created, closed in (await session.execute(resolved)).all()
        if closed is not None
    ]
    median = statistics.median(hours) if hours else None
    return CaseFigures(int(total), len(hours), int(joint), median)


async def unreachable_residents(session: AsyncSession, *, town_id: int | None = None) -> int:
    """Registered people the outbox has marked unreachable (they blocked the bot), now."""
    query = select(func.count()).where(
        col(Person.reachable).is_(False), col(Person.onboarded_at).is_not(None)
    )
    if town_id is not None:
        query = query.where(col(Person.town_id) == town_id)
    return int(await session.scalar(query) or 0)


async def wechat_residents(session: AsyncSession, *, town_id: int | None = None) -> int:
    """Registered people who talk to the bot through WeChat (``Person.channel``), now."""
    query = select(func.count()).where(
        col(Person.channel) == "wechat", col(Person.onboarded_at).is_not(None)
    )
    if town_id is not None:
        query = query.where(col(Person.town_id) == town_id)
    return int(await session.scalar(query) or 0)
