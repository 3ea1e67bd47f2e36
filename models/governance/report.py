"""/stats as one use case: the admin's scope, the period's figures, the numbers behind the
charts, and the CSV of every figure. No names or phone numbers reach any of it.

A town-limited admin sees their own town's figures (what it hosts, its cases, its unreachable
residents) and, for comparison, the two towns' totals; the other town's own breakdown is for
admins of both towns (docs/governance.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.authz import Action, Scope, admin_towns, holds
from models.core.catalogue import list_towns, places
from models.core.errors import NotAllowed
from models.core.places import Town
from models.governance.chartdata import (
    ChartData,
    MonthPoint,
    TownBar,
    VenueRow,
    monthly_trend,
    venue_rows,
    venue_usage,
)
from models.governance.cube import booking_cells, fold
from models.governance.periods import Period, PeriodKind, month_period, period_of, trend_months
from models.governance.stats import (
    ParticipationFigures,
    Tally,
    Totals,
    figures_with,
    participation,
)


@dataclass(frozen=True)
class StatsReport:
    """What /stats shows: the figures of ``town`` (None: both towns), the two towns' totals
    when the admin is limited to one town, and the charts' numbers."""

    kind: PeriodKind | None
    period: Period
    town: Town | None
    figures: ParticipationFigures
    totals: Totals | None
    towns: tuple[Town, ...]
    trend: tuple[MonthPoint, ...]
    venues: tuple[VenueRow, ...]

    def town_name(self, town_id: int, language: str) -> str:
        """A town's name in ``language`` (its id when unknown)."""
        found = next((t for t in self.towns if t.id == town_id), None)
        return found.name(language) if found else str(town_id)


def stats_town(scopes: Iterable[Scope]) -> int | None:
    """The town whose figures an admin sees: None for an admin of both towns (or of each)."""
    scopes = list(scopes)
    if not holds(scopes, Action.STATS_VIEW):
        raise NotAllowed()
    towns = admin_towns(scopes)
    if not towns:  # an admin of both towns (None); no town at all cannot hold the role
        return None
    return next(iter(towns)) if len(towns) == 1 else None


def _in_trend(period: Period, months: list[date]) -> list[int] | None:
    """The trend months that make up the period exactly (None: it is not whole trend months)."""
    inside = [n for n, m in enumerate(months) if period.first <= m <= period.last]
    whole = month_period(period.last.replace(day=1)).last == period.last
    if not inside or not whole or months[inside[0]] != period.first:
        return None
    return inside


async def build_report(
    session: AsyncSession, *, period: Period, town_id: int | None, kind: PeriodKind | None = None
) -> StatsReport:
    """Every figure of ``period`` for ``town_id`` (None: both towns), with the charts' numbers.

    A period of whole months (every /stats period) reads its bookings once (``cube``)."""
    towns = tuple(await list_towns(session))
    months = trend_months(period)
    inside = _in_trend(period, months)
    if inside is None:
        return await _report_by_queries(session, period, town_id, kind, towns)
    catalogue = await places(session)
    host_of = {
        v: catalogue.centres[venue.centre_id].town_id
        for v, venue in catalogue.venues.items()
        if venue.centre_id in catalogue.centres
    }
    cells = await booking_cells(session, months=months)
    folded = fold(cells, host_of, period=set(inside), town_id=town_id)
    figures = await figures_with(
        session, start=period.start, end=period.end, town_id=town_id, bookings=folded.bookings
    )
    return StatsReport(
        kind=kind,
        period=period,
        town=next((t for t in towns if t.id == town_id), None),
        figures=figures,
        totals=figures.totals if town_id is not None else None,
        towns=towns,
        trend=await monthly_trend(
            session, months=months, town_id=town_id, bookings_by_month=folded.by_month
        ),
        venues=await venue_rows(session, folded.weekdays),
    )


async def _report_by_queries(
    session: AsyncSession,
    period: Period,
    town_id: int | None,
    kind: PeriodKind | None,
    towns: tuple[Town, ...],
) -> StatsReport:
    """``build_report`` for a range that is not whole months: a query per figure."""
    figures = await participation(session, start=period.start, end=period.end, town_id=town_id)
    return StatsReport(
        kind=kind,
        period=period,
        town=next((t for t in towns if t.id == town_id), None),
        figures=figures,
        totals=figures.totals if town_id is not None else None,
        towns=towns,
        trend=await monthly_trend(session, months=trend_months(period), town_id=town_id),
        venues=await venue_usage(session, period=period, town_id=town_id),
    )


async def stats_report(
    session: AsyncSession, *, scopes: Iterable[Scope], kind: PeriodKind, today: date
) -> StatsReport:
    """/stats: the admin's town (or both towns) over the chosen period around ``today``."""
    town_id = stats_town(scopes)
    return await build_report(session, period=period_of(kind, today), town_id=town_id, kind=kind)


def chart_data(report: StatsReport) -> ChartData:
    """The numbers the report's charts draw: its trend, its towns' bars, its venues."""
    towns = {t.id: t for t in report.towns}
    bars = tuple(
        TownBar(
            towns[row.town_id].name_zh if row.town_id in towns else str(row.town_id),
            towns[row.town_id].name_en if row.town_id in towns else str(row.town_id),
            row.bookings.total,
            row.bookings.cross,
            row.registrations.total,
            row.registrations.cross,
        )
        for row in report.figures.by_town
    )
    return ChartData(report.trend, bars, report.venues)


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _tally_rows(prefix: str, tally: Tally) -> list[tuple[str, str]]:
    return [
        (f"{prefix}", str(tally.total)),
        (f"{prefix}_cross_town", str(tally.cross)),
        (f"{prefix}_with_town", str(tally.known)),
        (f"{prefix}_attended", str(tally.attended)),
        (f"{prefix}_attended_cross_town", str(tally.attended_cross)),
    ]


def figure_rows(figures: ParticipationFigures) -> list[tuple[str, str]]:
    """Every figure as (metric, value): the CSV's rows and the digest's source."""
    hours = figures.median_resolution_hours
    return [
        *_tally_rows("bookings", figures.bookings),
        *_tally_rows("registrations", figures.registrations),
        ("participation_index", _ratio(figures.index)),
        ("booking_index", _ratio(figures.booking_index)),
        ("registration_index", _ratio(figures.registration_index)),
        ("attendance_index", _ratio(figures.attendance_index)),
        ("repeat_cross_town_participants", str(figures.repeat_cross_participants)),
        ("cases_opened", str(figures.cases_opened)),
        ("cases_resolved", str(figures.cases_resolved)),
        ("cases_joint", str(figures.cases_joint)),
        ("median_hours_to_resolution", "" if hours is None else f"{hours:.1f}"),
        ("unreachable_residents", str(figures.unreachable_residents)),
    ]


def stats_csv(report: StatsReport) -> bytes:
    """Every figure of the report as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese):
    one row per scope and metric, then the towns' rows, the months and the venues' weekdays."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period_first", "period_last", "scope", "metric", "value"])
    first, last = report.period.first.isoformat(), report.period.last.isoformat()
    scope = report.town.code if report.town else "all"
    writer.writerows([first, last, scope, m, v] for m, v in figure_rows(report.figures))
    if report.totals is not None:
        totals = report.totals
        writer.writerows(
            [first, last, "all", m, v]
            for m, v in [
                *_tally_rows("bookings", totals.bookings),
                *_tally_rows("registrations", totals.registrations),
                ("participation_index", _ratio(totals.index)),
            ]
        )
    codes = {t.id: t.code for t in report.towns}
    for row in report.figures.by_town:
        code = codes.get(row.town_id, str(row.town_id))
        writer.writerows(
            [first, last, f"town:{code}", m, v]
            for m, v in [
                *_tally_rows("bookings", row.bookings),
                *_tally_rows("registrations", row.registrations),
                ("participation_index", _ratio(row.index)),
            ]
        )
    for point in report.trend:
        month = f"month:{point.month:%Y-%m}"
        writer.writerow([first, last, month, "bookings", point.bookings])
        writer.writerow([first, last, month, "registrations", point.registrations])
        writer.writerow([first, last, month, "participation_index", _ratio(point.index)])
    for venue in report.venues:
        for day, count in enumerate(venue.weekdays):
            writer.writerow(
                [first, last, f"venue:{venue.venue_id}", f"bookings_weekday_{day}", count]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
