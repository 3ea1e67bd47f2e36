"""The /stats charts as PNG images: the monthly trend, the towns' bars, the venue heat map.

matplotlib draws them headless (the Agg canvas, no pyplot and no global figure state, so a
worker thread may render); it is imported when a chart is first drawn, so starting the bot
or a worker does not pay for it. The charts are pure functions of the report's numbers and of texts
already translated (``translate``: a message id to the reader's words), so they live beside
the figures in models and are shared by /stats and the monthly digest; nothing here knows
Telegram. Chinese is drawn with a CJK font the project installs (scripts/ensure-cjk-font.sh);
a missing font file is an error that says what to run, never a chart of empty boxes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from models.core.base import N_
from models.governance.chartdata import ChartData, MonthPoint, TownBar, VenueRow

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn, not when the bot starts
    from matplotlib.figure import Figure

SIZE = (8.0, 4.5)  # inches at DPI: 800 × 450 pixels
DPI = 100
PIXELS = (int(SIZE[0] * DPI), int(SIZE[1] * DPI))
Translate = Callable[[str], str]
CHART_CAPTIONS = {
    "trend": N_("governance_stats.caption.trend"),
    "towns": N_("governance_stats.caption.towns"),
    "venues": N_("governance_stats.caption.venues"),
}
WEEKDAYS = tuple(N_(f"governance_stats.weekday.{n}") for n in range(7))


class FontMissing(RuntimeError):
    """The CJK font file is not there: Chinese labels would be drawn as boxes."""


@functools.cache
def cjk_family(path: str) -> str:
    """Register the font file once and return its family name; ``FontMissing`` without it."""
    if not Path(path).is_file():
        raise FontMissing(
            f"CJK font {path} not found: run scripts/ensure-cjk-font.sh "
            "(apt-get install fonts-wqy-microhei) or set TONGXIN_CJK_FONT to a font file"
        )
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


@dataclass(frozen=True)
class Chart:
    """One rendered chart: a stable name (``trend``, ``towns``, ``venues``) and its PNG bytes."""

    name: str
    png: bytes


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = BytesIO()
    FigureCanvasAgg(figure).print_png(out)
    return out.getvalue()


def _figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=SIZE, dpi=DPI, layout="constrained")


def trend_chart(points: tuple[MonthPoint, ...], t: Translate) -> bytes:
    """Monthly bookings + registrations (bars) and the cross-community index in % (line)."""
    figure = _figure()
    axes = figure.add_subplot()
    months = list(range(len(points)))  # positions: string x values make matplotlib log
    axes.bar(months, [p.bookings for p in points], label=t("governance_stats.chart.bookings"))
    axes.bar(
        months,
        [p.registrations for p in points],
        bottom=[p.bookings for p in points],
        label=t("governance_stats.chart.registrations"),
    )
    axes.set_ylabel(t("governance_stats.chart.participations"))
    axes.set_xticks(months, [f"{p.month:%Y-%m}" for p in points])
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    share = axes.twinx()
    values = [None if p.index is None else p.index * 100 for p in points]
    share.plot(
        months,
        [float("nan") if v is None else v for v in values],
        "o-",
        color="#c0392b",
        label=t("governance_stats.chart.index"),
    )
    share.set_ylim(0, 100)
    share.set_ylabel(t("governance_stats.chart.index"))
    axes.set_title(t("governance_stats.chart.trend_title"))
    handles = axes.get_legend_handles_labels()
    more = share.get_legend_handles_labels()
    axes.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left", fontsize=8)
    return _png(figure)


def towns_chart(rows: tuple[TownBar, ...], t: Translate, language: str) -> bytes:
    """Bookings and registrations hosted by each town, the cross-town part of each hatched."""
    figure = _figure()
    axes = figure.add_subplot()
    names = [r.name(language) for r in rows]
    places = list(range(len(rows)))
    width = 0.38
    left = [p - width / 2 for p in places]
    right = [p + width / 2 for p in places]
    axes.bar(left, [r.bookings for r in rows], width, label=t("governance_stats.chart.bookings"))
    axes.bar(
        left,
        [r.bookings_cross for r in rows],
        width,
        fill=False,
        hatch="//",
        label=t("governance_stats.chart.cross"),
    )
    axes.bar(
        right,
        [r.registrations for r in rows],
        width,
        label=t("governance_stats.chart.registrations"),
    )
    axes.bar(right, [r.registrations_cross for r in rows], width, fill=False, hatch="//")
    axes.set_xticks(places, names)
    axes.set_ylabel(t("governance_stats.chart.participations"))
    axes.set_title(t("governance_stats.chart.towns_title"))
    axes.legend(fontsize=8)
    if not rows:
        axes.text(
            0.5, 0.5, t("governance_stats.chart.empty"), ha="center", transform=axes.transAxes
        )
    return _png(figure)


def venues_chart(venues: tuple[VenueRow, ...], t: Translate, language: str) -> bytes:
    """The busiest venues' bookings by weekday, as a heat map with the counts written in."""
    figure = _figure()
    axes = figure.add_subplot()
    axes.set_title(t("governance_stats.chart.venues_title"))
    if not venues:
        axes.set_axis_off()
        axes.text(
            0.5, 0.5, t("governance_stats.chart.empty"), ha="center", transform=axes.transAxes
        )
        return _png(figure)
    grid = [list(v.weekdays) for v in venues]
    image = axes.imshow(grid, aspect="auto", cmap="YlOrRd")
    axes.set_xticks(range(7), [t(w) for w in WEEKDAYS])
    axes.set_yticks(range(len(venues)), [v.name(language) for v in venues], fontsize=8)
    top = max(max(row) for row in grid) or 1
    for y, row in enumerate(grid):
        for x, count in enumerate(row):
            colour = "white" if count > top * 0.6 else "black"
            axes.text(x, y, str(count), ha="center", va="center", fontsize=7, color=colour)
    figure.colorbar(image, ax=axes, label=t("governance_stats.chart.bookings"))
    return _png(figure)


def render_charts(data: ChartData, *, t: Translate, language: str, font: str) -> list[Chart]:
    """The three charts, labelled in the reader's language with the CJK font."""
    from matplotlib import rc_context

    family = cjk_family(font)
    with rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}):
        return [
            Chart("trend", trend_chart(data.trend, t)),
            Chart("towns", towns_chart(data.towns, t, language)),
            Chart("venues", venues_chart(data.venues, t, language)),
        ]
