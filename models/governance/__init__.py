"""Governance: suggestions, ratings, participation statistics, the joint meeting, the roster.

It reads the other domains' rows (bookings, registrations, cases, ratings) but never changes
them; its own tables are in ``models.governance.tables``. Outside ``models.governance`` import
these names, never the modules.
"""

from models.governance.cases import CaseFigures, case_figures, unreachable_residents
from models.governance.chartdata import (
    ChartData,
    MonthPoint,
    TownBar,
    VenueRow,
    monthly_trend,
    venue_usage,
)
from models.governance.charts import (
    CHART_CAPTIONS,
    PIXELS,
    Chart,
    FontMissing,
    cjk_family,
    render_charts,
)
from models.governance.digest import charts_of, digest_key, digest_payload, queue_digests
from models.governance.periods import (
    Period,
    PeriodKind,
    add_months,
    month_period,
    period_of,
    trend_months,
)
from models.governance.report import (
    StatsReport,
    build_report,
    chart_data,
    figure_rows,
    stats_csv,
    stats_report,
    stats_town,
)
from models.governance.stats import (
    ParticipationFigures,
    Tally,
    Totals,
    TownParticipation,
    participation,
)

__all__ = [
    "CHART_CAPTIONS",
    "PIXELS",
    "CaseFigures",
    "Chart",
    "ChartData",
    "FontMissing",
    "MonthPoint",
    "ParticipationFigures",
    "Period",
    "PeriodKind",
    "StatsReport",
    "Tally",
    "Totals",
    "TownBar",
    "TownParticipation",
    "VenueRow",
    "add_months",
    "build_report",
    "case_figures",
    "chart_data",
    "charts_of",
    "cjk_family",
    "digest_key",
    "digest_payload",
    "figure_rows",
    "month_period",
    "monthly_trend",
    "participation",
    "period_of",
    "queue_digests",
    "render_charts",
    "stats_csv",
    "stats_report",
    "stats_town",
    "trend_months",
    "unreachable_residents",
    "venue_usage",
]
