"""The monthly participation digest: on the first days of each month (Asia/Shanghai), last
month's summary to every admin through the outbox, with the charts' numbers so the pump draws
them in each admin's language when it sends.

Who gets which: an admin of both towns (a grant without a town, or a bootstrap admin from
settings) the two towns' digest; a town admin their town's, with the two towns' totals beside
it, as /stats shows them. One row per admin and month (dedupe key
``gov-digest:<YYYY-MM>:<person>``), so running again, after a restart or on the next days,
adds nothing; an admin added on the 3rd still gets it. After ``GRACE_DAYS`` a missed month is
not sent any more (it would be stale). The rows are due at 09:00 on the 1st (not at midnight).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Role, RoleGrant
from models.core.base import TOWNS_TZ
from models.core.outbox import (
    OutboxKind,
    OutboxMessage,
    bilingual_param,
    message_param,
    message_payload,
    notify,
)
from models.core.people import Person
from models.governance.chartdata import ChartData
from models.governance.periods import Period, add_months, month_period
from models.governance.report import StatsReport, build_report, chart_data
from models.governance.stats import ParticipationFigures

GRACE_DAYS = 7
SEND_AT = time(9, 0)  # local: not at midnight, and outside quiet hours
CHARTS = "charts"  # the payload key the pump draws the charts from (``jobs.rendering``)


def digest_key(period: Period, person_id: int) -> str:
    """The outbox dedupe key of one admin's digest of one month."""
    return f"gov-digest:{period.first:%Y-%m}:{person_id}"


def percent_param(value: float | None) -> dict[str, Any]:
    """A share as a message parameter: "62.5%", or "—" when undefined."""
    if value is None:
        return message_param("governance_stats.none")
    return message_param("governance_stats.percent", value=f"{value * 100:.1f}")


def figures_param(figures: ParticipationFigures) -> dict[str, Any]:
    """The figures as the same message /stats shows (counts and shares only)."""
    hours = figures.median_resolution_hours
    both = figures.participations
    return message_param(
        "governance_stats.figures",
        bookings=figures.bookings.total,
        bookings_cross=figures.bookings.cross,
        registrations=figures.registrations.total,
        registrations_cross=figures.registrations.cross,
        attended=both.attended,
        index=percent_param(figures.index),
        attendance_index=percent_param(figures.attendance_index),
        repeat=figures.repeat_cross_participants,
        opened=figures.cases_opened,
        resolved=figures.cases_resolved,
        joint=figures.cases_joint,
        median=message_param("governance_stats.none") if hours is None else f"{hours:.1f}",
        unreachable=figures.unreachable_residents,
    )


def digest_payload(report: StatsReport) -> dict[str, Any]:
    """One admin's digest: msgid + params, and the charts' numbers."""
    town = report.town
    scope = (
        bilingual_param(town.name_zh, town.name_en)
        if town
        else message_param("governance_stats.scope.all")
    )
    words: dict[str, Any] = {
        "scope": scope,
        "first": report.period.first.isoformat(),
        "last": report.period.last.isoformat(),
        "figures": figures_param(report.figures),
    }
    if report.totals is None:
        payload = message_payload("governance_stats.digest", **words)
    else:
        totals = report.totals
        words["totals"] = message_param(
            "governance_stats.totals",
            bookings=totals.bookings.total,
            registrations=totals.registrations.total,
            index=percent_param(totals.index),
        )
        payload = message_payload("governance_stats.digest_town", **words)
    payload[CHARTS] = chart_data(report).to_json()
    return payload


async def _admins(session: AsyncSession, admin_tg_ids: Iterable[int]) -> dict[int, int | None]:
    """Admins by person id: the town of their digest (None: both towns)."""
    found: dict[int, set[int | None]] = {}
    grants = select(col(RoleGrant.person_id), col(RoleGrant.town_id)).where(
        col(RoleGrant.role) == Role.ADMIN.value, col(RoleGrant.revoked_at).is_(None)
    )
    for person_id, town_id in (await session.execute(grants)).all():
        found.setdefault(int(person_id), set()).add(town_id)
    ids = list(admin_tg_ids)
    if ids:
        people = select(col(Person.id)).where(col(Person.tg_user_id).in_(ids))
        for found_id in (await session.execute(people)).scalars():
            found.setdefault(int(found_id or 0), set()).add(None)
    return {
        person: None if None in towns or len(towns) > 1 else next(iter(towns))
        for person, towns in found.items()
    }


async def queue_digests(
    session: AsyncSession, *, now: datetime, admin_tg_ids: Iterable[int] = ()
) -> int:
    """Queue last month's digest for every admin who has not got it; how many were queued."""
    today = now.astimezone(TOWNS_TZ).date()
    if today.day > GRACE_DAYS:
        return 0
    period = month_period(add_months(today.replace(day=1), -1))
    admins = await _admins(session, admin_tg_ids)
    keys = {digest_key(period, p): p for p in admins}
    sent = select(col(OutboxMessage.dedupe_key)).where(col(OutboxMessage.dedupe_key).in_(keys))
    waiting = set(keys) - set((await session.execute(sent)).scalars())
    if not waiting:
        return 0
    due = max(now, datetime.combine(today.replace(day=1), SEND_AT, TOWNS_TZ))
    payloads: dict[int | None, dict[str, Any]] = {}
    queued = 0
    for key in sorted(waiting):
        person = await session.get(Person, keys[key])
        if person is None or person.onboarded_at is None:
            continue
        town_id = admins[keys[key]]
        if town_id not in payloads:
            report = await build_report(session, period=period, town_id=town_id)
            payloads[town_id] = digest_payload(report)
        payload = payloads[town_id]
        queued += await notify(
            session, person, OutboxKind.STATUS, payload, dedupe_key=key,
            due_at=due, expires_at=due + timedelta(days=GRACE_DAYS),
        )  # fmt: skip
    return queued


def charts_of(payload: dict[str, Any]) -> ChartData | None:
    """The charts' numbers a digest payload carries (None for any other payload)."""
    data = payload.get(CHARTS)
    return ChartData.from_json(data) if isinstance(data, dict) else None
