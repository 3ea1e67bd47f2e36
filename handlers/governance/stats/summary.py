"""The /stats texts: the short summary of a report and the chart captions, in the reader's
language. Counts and shares only: no name or phone number is ever part of a report."""

from __future__ import annotations

from bot.i18n import N_, Translator
from models.governance import ParticipationFigures, PeriodKind, StatsReport

PERIODS = {kind: N_(f"governance_stats.period.{kind.value}") for kind in PeriodKind}


def percent(t: Translator, value: float | None) -> str:
    """A share as "62.5%", or "—" when there was nothing to share."""
    if value is None:
        return t("governance_stats.none")
    return t("governance_stats.percent", value=f"{value * 100:.1f}")


def figures_text(t: Translator, figures: ParticipationFigures) -> str:
    """Every figure of one scope, one line each."""
    both = figures.participations
    hours = figures.median_resolution_hours
    return t(
        "governance_stats.figures",
        bookings=figures.bookings.total,
        bookings_cross=figures.bookings.cross,
        registrations=figures.registrations.total,
        registrations_cross=figures.registrations.cross,
        attended=both.attended,
        index=percent(t, figures.index),
        attendance_index=percent(t, figures.attendance_index),
        repeat=figures.repeat_cross_participants,
        opened=figures.cases_opened,
        resolved=figures.cases_resolved,
        joint=figures.cases_joint,
        median=t("governance_stats.none") if hours is None else f"{hours:.1f}",
        unreachable=figures.unreachable_residents,
    )


def summary_text(t: Translator, language: str, report: StatsReport) -> str:
    """The title (scope and days), the figures, and the two towns' totals for a town admin."""
    scope = report.town.name(language) if report.town else t("governance_stats.scope.all")
    title = t(
        "governance_stats.title",
        scope=scope,
        first=report.period.first.isoformat(),
        last=report.period.last.isoformat(),
    )
    parts = [title, figures_text(t, report.figures)]
    if report.figures.wechat_residents:  # only where the WeChat channel is in use
        parts.append(t("governance_stats.wechat", count=report.figures.wechat_residents))
    if report.totals is not None:
        totals = report.totals
        parts.append(
            t(
                "governance_stats.totals",
                bookings=totals.bookings.total,
                registrations=totals.registrations.total,
                index=percent(t, totals.index),
            )
        )
    return "\n\n".join(parts)
