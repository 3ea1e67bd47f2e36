"""The /stats charts: PNGs of the expected size, the numbers behind them pinned, Chinese drawn
with the CJK font (no missing-glyph warning), and a missing font refused clearly.

``TONGXIN_UPDATE_SCREENSHOTS=1`` also writes the demo history's charts to
docs/screenshots/stats-*.png.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import warnings
from pathlib import Path

import matplotlib
import pytest

from bot.context import Services
from bot.i18n import load_catalogues
from bot.settings import Settings
from models.core.authz import Role, Scope
from models.core.base import TOWNS_TZ, utcnow
from models.demo import seed_history, seed_places
from models.governance import (
    PIXELS,
    ChartData,
    FontMissing,
    MonthPoint,
    Period,
    TownBar,
    add_months,
    build_report,
    chart_data,
    cjk_family,
    month_period,
    render_charts,
    stats_town,
)
from tests.governance.stats_support import MARCH, NAMES, PHONES, seed_march

FONT = str(Settings.model_fields["cjk_font"].default)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MISSING = ("missing from font", "missing from current font", "Glyph")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def rendered(
    data: ChartData, language: str, font: str, caplog: pytest.LogCaptureFixture
) -> tuple[list[bytes], list[str]]:
    """The charts' PNGs and every warning (``warnings`` or matplotlib's log) about glyphs."""
    t = load_catalogues().translator(language)
    caplog.clear()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        charts = render_charts(data, t=t, language=language, font=font)
    said = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert [c.name for c in charts] == ["trend", "towns", "venues"]
    return [c.png for c in charts], [s for s in said if any(m in s for m in MISSING)]


async def _march(services: Services) -> ChartData:
    fixture = await seed_march(services.sessions)
    async with services.sessions() as session:
        report = await build_report(session, period=MARCH, town_id=None)
    assert len(fixture.towns) == 2
    return chart_data(report)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_charts_are_pngs_of_the_size_with_every_glyph(
    services: Services, caplog: pytest.LogCaptureFixture, language: str
) -> None:
    data = await _march(services)
    pngs, missing = rendered(data, language, FONT, caplog)
    assert missing == []
    for png in pngs:
        assert png_size(png) == PIXELS == (800, 450)
        assert len(png) > 10_000  # drawn, not blank


async def test_the_demo_historys_charts(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """The demo's half year drawn as an admin of both towns sees the last three whole months
    (the docs' screenshots, written again with ``TONGXIN_UPDATE_SCREENSHOTS=1``)."""
    now = utcnow()
    async with services.sessions() as session, session.begin():
        await seed_history(session, await seed_places(session), now)
    async with services.sessions() as session:
        this_month = now.astimezone(TOWNS_TZ).date().replace(day=1)
        last = month_period(add_months(this_month, -1)).last
        period = Period(add_months(this_month, -3), last)
        report = await build_report(session, period=period, town_id=stats_town([Scope(Role.ADMIN)]))
    data = chart_data(report)
    assert len(data.towns) == 2 and data.venues and sum(p.bookings for p in data.trend) > 0
    pngs, missing = rendered(data, "zh_CN", FONT, caplog)
    assert missing == [] and all(png_size(png) == PIXELS for png in pngs)
    if os.environ.get("TONGXIN_UPDATE_SCREENSHOTS"):
        for name, png in zip(("trend", "towns", "venues"), pngs, strict=True):
            (SCREENSHOTS / f"stats-{name}.png").write_bytes(png)


async def test_the_glyph_check_sees_boxes_without_the_cjk_font(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """The same charts with a Latin-only font warn about the Chinese glyphs: the check above can
    fail."""
    latin = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    _pngs, missing = rendered(await _march(services), "zh_CN", latin, caplog)
    assert missing


def test_a_missing_font_is_refused_with_what_to_run() -> None:
    with pytest.raises(FontMissing, match=r"ensure-cjk-font\.sh"):
        cjk_family("/nowhere/wqy-microhei.ttc")


async def test_the_numbers_behind_the_charts(services: Services) -> None:
    """Golden data (the hand computations are in test_stats_figures.py)."""
    data = await _march(services)
    assert data.trend[-1] == MonthPoint(MARCH.first, 6, 4, 8, 5)
    assert data.trend[-2] == MonthPoint(MARCH.first.replace(month=2), 0, 1, 1, 1)
    assert sum(p.bookings + p.registrations for p in data.trend) == 11
    assert data.towns == (
        TownBar("崇明区D镇", "D town (Chongming, Shanghai)", 3, 2, 2, 1),
        TownBar("启东市Q镇", "Q town (Qidong, Jiangsu)", 3, 1, 2, 1),
    )
    assert [v.weekdays for v in data.venues] == [(2, 0, 0, 0, 0, 1, 0), (0, 2, 0, 0, 0, 0, 1)]
    assert ChartData.from_json(json.loads(json.dumps(data.to_json()))) == data
    said = json.dumps(data.to_json(), ensure_ascii=False)
    assert not [w for w in (*NAMES.values(), *PHONES.values()) if w in said]
