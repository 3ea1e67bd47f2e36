"""The participation figures as lines of the joint meeting's agenda draft (msgid + params):
participations and the cross-community index, cases, unreachable residents. Counts only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.outbox import message_param
from models.governance.digest import percent_param
from models.governance.stats import participation

SECTION_TITLE = "governance_stats.agenda.section"


async def participation_lines(
    session: AsyncSession, since: datetime, until: datetime, town_id: int | None
) -> tuple[dict[str, Any], ...]:
    """The period's figures (of ``town_id``'s hosting, or both towns'); none when nothing
    happened (no participation and no case)."""
    got = await participation(session, start=since, end=until, town_id=town_id)
    both = got.participations
    if not both.total and not got.cases_opened and not got.cases_resolved:
        return ()
    hours = got.median_resolution_hours
    return (
        message_param(
            "governance_stats.agenda.participation",
            bookings=got.bookings.total,
            registrations=got.registrations.total,
            index=percent_param(got.index),
            attendance_index=percent_param(got.attendance_index),
            repeat=got.repeat_cross_participants,
        ),
        message_param(
            "governance_stats.agenda.cases",
            opened=got.cases_opened,
            resolved=got.cases_resolved,
            joint=got.cases_joint,
            median=message_param("governance_stats.none") if hours is None else f"{hours:.1f}",
        ),
        message_param("governance_stats.agenda.unreachable", unreachable=got.unreachable_residents),
    )
